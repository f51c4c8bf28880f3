"""RSS feeds of the latest public comments, site-wide and per film.

Escaping: feed readers show an item's description (and often its title) as HTML, and the
feed generator only escapes for XML. So what a visitor typed is HTML-escaped first: the
description by the template's autoescaping, the title by escape() as Django's Feed does.
The e-mail address is never put in a feed, nor a control character, which XML cannot hold
(a title from the catalog may have one).
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from films.catalog.models import Film
from films.catalog.text import without_control_characters
from films.community.models import Comment

ITEMS_IN_FEED = 30


def _xml_safe(value):
    return without_control_characters(value) if isinstance(value, str) else value


class XmlSafeRssFeed(Rss201rev2Feed):
    """RSS 2.0 with every text of the channel and its items free of control characters:
    Django's generator refuses to write a feed that holds one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})


class LatestCommentsFeed(Feed):
    feed_type = XmlSafeRssFeed
    title = gettext_lazy("Latest comments · filmsite")
    link = reverse_lazy("films:home")
    description = gettext_lazy("The latest comments visitors left on films.")
    description_template = "feeds/comment_description.html"

    def items(self):
        # Queries: the comments with their films, in one.
        return (
            Comment.objects.published()
            .newest_first()
            .select_related("film")
            .only("id", "name", "body", "created_at", "film__id", "film__title", "film__year")[
                :ITEMS_IN_FEED
            ]
        )

    def item_title(self, item):
        return escape(_("%(name)s on %(film)s") % {"name": item.name, "film": item.film})

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return item.name


class FilmCommentsFeed(LatestCommentsFeed):
    def get_object(self, request, slug, pk):
        return get_object_or_404(Film.objects.only("id", "slug", "title", "year"), pk=pk)

    def title(self, film):
        return _("Comments on %(film)s · filmsite") % {"film": film}

    def link(self, film):
        return reverse_lazy("films:comments", args=[film.slug, film.pk])

    def description(self, film):
        return _("The latest comments visitors left on %(film)s.") % {"film": film}

    def items(self, film):
        # Queries: the comments (the film is known).
        comments = list(
            Comment.objects.published().filter(film=film).newest_first()[:ITEMS_IN_FEED]
        )
        for comment in comments:
            comment.film = film
        return comments
