"""The RSS feeds of the latest public comments, site-wide and per film."""

import datetime
import html
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from films.community.feeds import ITEMS_IN_FEED
from films.community.models import Comment
from tests.community.helpers import make_comment
from tests.conftest import make_film

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

SITE_FEED = "/comments/feed/"


@pytest.fixture
def films(db):
    return make_film(title="Ran", year=1985), make_film(title="Ikiru", year=1952)


def read_feed(client, url) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content).find("channel")


def items(channel) -> list[dict]:
    return [
        {child.tag.split("}")[-1]: child.text for child in item} for item in channel.iter("item")
    ]


def minutes_ago(n):
    return timezone.now() - datetime.timedelta(minutes=n)


def test_the_site_feed_lists_the_latest_public_comments_newest_first(client, films):
    ran, ikiru = films
    older = make_comment(ran, name="Ada", body="Older", created_at=minutes_ago(10))
    newer = make_comment(ikiru, name="Grace", body="Newer", created_at=minutes_ago(1))
    for state in ("held", "hidden", "spam"):
        make_comment(ran, body=f"Not public: {state}", state=state)

    channel = read_feed(client, SITE_FEED)

    assert channel.findtext("title") == "Latest comments · filmsite"
    assert [(i["title"], i["description"]) for i in items(channel)] == [
        ("Grace on Ikiru (1952)", "Newer"),
        ("Ada on Ran (1985)", "Older"),
    ]
    links = [i["link"] for i in items(channel)]
    assert links == [
        f"http://testserver/comments/{newer.pk}/",
        f"http://testserver/comments/{older.pk}/",
    ]
    assert [i["creator"] for i in items(channel)] == ["Grace", "Ada"]


def test_a_film_feed_lists_only_that_films_public_comments(client, films):
    ran, ikiru = films
    make_comment(ran, body="On Ran")
    make_comment(ikiru, body="On Ikiru")
    make_comment(ran, body="Hidden on Ran", state=Comment.State.HIDDEN)

    channel = read_feed(client, reverse("films:comments_feed", args=[ran.slug, ran.pk]))

    assert channel.findtext("title") == "Comments on Ran (1985) · filmsite"
    assert channel.findtext("link") == "http://testserver" + reverse(
        "films:comments", args=[ran.slug, ran.pk]
    )
    assert [i["description"] for i in items(channel)] == ["On Ran"]


def test_a_feed_holds_the_latest_thirty_comments(client, films):
    ran, _ = films
    for n in range(ITEMS_IN_FEED + 5):
        make_comment(ran, body=f"Comment {n}", created_at=minutes_ago(100 - n))

    descriptions = [i["description"] for i in items(read_feed(client, SITE_FEED))]

    assert len(descriptions) == ITEMS_IN_FEED == 30
    assert descriptions[0] == f"Comment {ITEMS_IN_FEED + 4}"


def test_hostile_input_is_escaped_in_the_feeds(client, films):
    ran, _ = films
    make_comment(
        ran, name='<script>alert("x")</script>', body='<img src=x onerror="alert(1)">\nbye'
    )

    for url in (SITE_FEED, reverse("films:comments_feed", args=[ran.slug, ran.pk])):
        item = items(read_feed(client, url))[0]
        # Readers show these as HTML: once the XML is read, the markup is still escaped.
        assert item["title"] == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; on Ran (1985)"
        assert item["description"] == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;<br>bye"
        assert html.unescape(item["description"]) == '<img src=x onerror="alert(1)">' + "<br>bye"


def test_control_characters_are_left_out_of_the_feeds(client, db):
    # XML cannot hold them: a comment stored before the form dropped them, or a title
    # from the catalog, would otherwise stop the feeds from being written at all.
    film = make_film(title="Ran\x01", year=1985)
    make_comment(film, name="Bob\x1b", body="fi\x0cn\uffffe")

    for url in (SITE_FEED, reverse("films:comments_feed", args=[film.slug, film.pk])):
        channel = read_feed(client, url)
        item = items(channel)[0]
        assert item["title"] == "Bob on Ran (1985)"
        assert item["description"] == "fine"
    assert channel.find("title").text == "Comments on Ran (1985) · filmsite"


def test_the_film_page_announces_its_comment_feed(client, films):
    ran, _ = films

    response = client.get(ran.get_absolute_url())

    feed = reverse("films:comments_feed", args=[ran.slug, ran.pk])
    assert (
        f'<link rel="alternate" type="application/rss+xml" title="Comments on Ran" href="{feed}">'
    ) in response.text


def test_the_feed_of_a_missing_film_is_a_404(client, db):
    assert client.get(reverse("films:comments_feed", args=["gone", 999])).status_code == 404


def test_the_feeds_run_one_query_for_their_comments(client, films, django_assert_num_queries):
    ran, ikiru = films
    for n in range(10):
        make_comment(ran if n % 2 else ikiru)

    # The comments with their films.
    with django_assert_num_queries(1):
        read_feed(client, SITE_FEED)
    # The film, its comments.
    with django_assert_num_queries(2):
        read_feed(client, reverse("films:comments_feed", args=[ran.slug, ran.pk]))
