from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The site's pages: no models of their own, template tags, and the wiring of the page
    cache to what changes the pages (the top layer knows every other)."""

    name = "pages"

    def ready(self):
        from recommendations.signals import suggestions_changed

        suggestions_changed.connect(pages_show_new_suggestions)


def pages_show_new_suggestions(sender, film_ids=None, **kwargs):
    """The stored pages that show the changed suggestions miss: all of them after a build or
    a curator's edit (counts change everywhere), else the films' own."""
    from caching import surrogate_keys

    if film_ids is None:
        surrogate_keys.catalog_changed()
    else:
        surrogate_keys.films_changed(film_ids)
