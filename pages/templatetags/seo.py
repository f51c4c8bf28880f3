"""What search engines and link previews read: canonical URL, OpenGraph, JSON-LD.

base.html captures the page's `title` and `description` blocks once ({% capture %}), so
every page's OpenGraph tags say what its <title> and meta description say without the
page repeating itself; pages that know better pass `title=` to {% seo_meta %}.
"""

import json

from django import template
from django.core.paginator import Page
from django.utils.safestring import mark_safe

from pages import structured_data

register = template.Library()

META_DESCRIPTION_LENGTH = 155
SITE_NAME = "filmsite"

# What could end the <script> element or open a comment in it, as JSON escapes: the
# same characters Django's json_script escapes.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter(is_safe=True)
def json_ld(data) -> str:
    """Data as JSON to put between <script type="application/ld+json"> and </script>:
    a title such as "</script><script>..." cannot leave the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_JSON_SCRIPT_ESCAPES))


@register.filter
def meta_description(text, length: int = META_DESCRIPTION_LENGTH) -> str:
    """The text on one line, cut at a word before `length` characters with an ellipsis:
    the length search engines show in results."""
    text = " ".join(str(text).split())
    if len(text) <= length:
        return text
    cut = text[: length - 1]  # room for the ellipsis
    if not text[length - 1].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]  # the last word was cut through
    return cut.rstrip(" ,;:-–—") + "…"


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # The nodelist was rendered with autoescaping: what it gives is safe HTML.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser, token):
    """{% capture name %}...{% endcapture %}: renders nothing, sets `name` for what follows.
    Blocks inside still take the child template's content."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("Usage: {% capture name %}...{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])


def canonical_url(request, path: str, page) -> str:
    """The absolute URL of `path`, keeping only the page number past the first page:
    sort orders, filters and tracking parameters all name the same page."""
    url = request.build_absolute_uri(path)
    if isinstance(page, Page) and page.number > 1:
        url += f"?page={page.number}"
    return url


@register.inclusion_tag("includes/seo_meta.html", takes_context=True)
def seo_meta(context, *, title=None, type="website", path=None, noindex=False):
    """The canonical link, OpenGraph and Twitter card tags of a page.

    path: the page's own URL, e.g. film.get_absolute_url; else the view's
    `canonical_path`, else the requested path. noindex: pages that should not be in
    search results (searches, filtered lists) get no canonical link, and robots noindex
    with links still followed.
    """
    request = context["request"]
    if noindex:
        url = request.build_absolute_uri()
    else:
        path = path or context.get("canonical_path") or request.path
        url = canonical_url(request, path, context.get("page"))
    return {
        "canonical": None if noindex else url,
        "noindex": noindex,
        "url": url,
        "type": type,
        "title": title or context.get("meta_title") or SITE_NAME,
        "description": context.get("meta_description", ""),
        "site_name": SITE_NAME,
    }


@register.simple_tag(takes_context=True)
def movie_json_ld(context, film) -> dict:
    """{% movie_json_ld film as movie %}: the film page's schema.org Movie, from the
    page's prefetched film (no query)."""
    return structured_data.movie_json_ld(film, context["request"])


@register.simple_tag(takes_context=True)
def person_json_ld(context, person) -> dict:
    return structured_data.person_json_ld(person, context["request"])
