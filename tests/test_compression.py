"""Pages go compressed to the browsers that accept gzip; files are left as they are."""

import gzip
import io

from django.http import FileResponse, HttpResponse
from django.test import RequestFactory

from filmsite.compression import PageGZipMiddleware

PAGE = b"<p>A film page</p>" * 100


def respond(response, **headers):
    request = RequestFactory().get("/", headers=headers)
    return PageGZipMiddleware(lambda request: response)(request)


def test_a_page_is_compressed_for_a_browser_that_accepts_gzip():
    response = respond(HttpResponse(PAGE), accept_encoding="gzip, deflate, br, zstd")

    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == PAGE
    assert respond(HttpResponse(PAGE)).content == PAGE  # not asked for


def test_a_file_and_a_range_of_it_are_left_as_they_are():
    whole = respond(FileResponse(io.BytesIO(PAGE)), accept_encoding="gzip")
    part = HttpResponse(PAGE[:100], status=206, headers={"Content-Range": "bytes 0-99/1800"})

    assert not whole.has_header("Content-Encoding")
    assert b"".join(whole.streaming_content) == PAGE
    assert respond(part, accept_encoding="gzip").content == PAGE[:100]
