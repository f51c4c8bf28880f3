from django.apps import AppConfig
from django.db.models.signals import pre_migrate


class FilmsConfig(AppConfig):
    """The catalog (films/catalog/) and what visitors add to it (films/community/)."""

    name = "films"

    def ready(self):
        from caching import holes, whole_pages
        from films.catalog.importing.bulk_load import build_before_migrating
        from films.community.forms import FormStamp
        from films.community.visitors import COOKIE_NAME

        pre_migrate.connect(build_before_migrating, sender=self)
        # What the whole-page cache must know of the community: the cookie that makes a page
        # a visitor's own, and the comment form's token, new for each response.
        whole_pages.register_personal_cookie(COOKIE_NAME)
        holes.register_hole("comment_stamp", FormStamp.new)  # FormStamp.new(film_id)
