from django.apps import AppConfig
from django.db.models.signals import pre_migrate


class FilmsConfig(AppConfig):
    name = "films"

    def ready(self):
        from caching import holes, whole_pages
        from films.catalog.importing.bulk_load import build_before_migrating
        from films.community.forms import FormStamp
        from films.community.visitors import COOKIE_NAME
        from recommendations.signals import suggestions_changed

        pre_migrate.connect(build_before_migrating, sender=self)
        # What the whole-page cache must know of the community: the cookie that makes a page
        # a visitor's own, and the comment form's token, new for each response.
        whole_pages.register_personal_cookie(COOKIE_NAME)
        holes.register_hole("comment_stamp", FormStamp.new)
        suggestions_changed.connect(pages_show_new_suggestions)


def pages_show_new_suggestions(sender, film_ids=None, **kwargs):
    """The stored pages that show the changed suggestions miss: all of them after a build or
    a curator's edit (counts change everywhere), else the films' own."""
    from caching import surrogate_keys

    if film_ids is None:
        surrogate_keys.catalog_changed()
    else:
        surrogate_keys.films_changed(film_ids)
