"""Reading a page as a visitor does: the tests' one way into HTML.

lxml's HTML parser builds the document; CSS selectors (cssselect) find what a test looks at:

    doc = page(client.get(url))
    text(doc, "h1")                        # the one <h1>'s text, spaces collapsed
    texts(doc, "ul.cast-list li")          # the text of each match, in page order
    links(doc, "nav.pagination")           # [(text, href)] of the links in the one <nav>
    find(doc, "ol.film-cards").get("start")

find() and text() fail unless exactly one element matches; find_all(), texts() and links()
give an empty list when nothing does, so a test expecting something compares with a
non-empty list. Selectors look inside the element given, never at the element itself.
"""

import re

import lxml.etree
import lxml.html
from lxml.html import HtmlElement


def page(response) -> HtmlElement:
    """The document of a page answered 200 OK."""
    assert response.status_code == 200, response.status_code
    return parse(response.content.decode(response.charset or "utf-8"))


def parse(html: str) -> HtmlElement:
    """The document of this HTML (its <html> element). An end tag that closes no open
    element fails: the page's markup is not what its templates meant."""
    parser = lxml.html.HTMLParser()
    doc = lxml.html.document_fromstring(html, parser=parser)
    stray = [
        f"line {error.line}: {error.message}"
        for error in parser.error_log
        if error.type == lxml.etree.ErrorTypes.ERR_TAG_NAME_MISMATCH
    ]
    assert not stray, stray
    return doc


def find_all(node: HtmlElement, selector: str) -> list[HtmlElement]:
    """The elements inside `node` that match the CSS selector, in page order."""
    return [element for element in node.cssselect(selector) if element is not node]


def find(node: HtmlElement, selector: str) -> HtmlElement:
    """The one element inside `node` that matches the CSS selector."""
    found = find_all(node, selector)
    assert len(found) == 1, f"{len(found)} elements match {selector!r}"
    return found[0]


def text(node: HtmlElement, selector: str | None = None) -> str:
    """The text of `node`, or of the one element inside it matching `selector`, as read:
    tags left out, runs of spaces and line breaks one space, none at either end."""
    element = node if selector is None else find(node, selector)
    return re.sub(r"\s+", " ", element.text_content()).strip()


def texts(node: HtmlElement, selector: str) -> list[str]:
    """The text of each element inside `node` that matches the selector."""
    return [text(element) for element in find_all(node, selector)]


def links(node: HtmlElement, selector: str | None = None) -> list[tuple[str, str | None]]:
    """(text, href) of each link inside `node`, or inside the one element matching
    `selector`, in page order."""
    element = node if selector is None else find(node, selector)
    return [(text(a), a.get("href")) for a in find_all(element, "a")]


# --- This site's pieces ------------------------------------------------------------------


def card_titles(node: HtmlElement) -> list[str]:
    """The film cards' titles as shown: "Heat (1995)"."""
    return texts(node, "h3.film-card-title")
