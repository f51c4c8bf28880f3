"""Responses compressed for the browsers that accept gzip."""

from django.http import FileResponse
from django.middleware.gzip import GZipMiddleware


class PageGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware for pages, not files: whitenoise's static files come
    compressed beforehand where that helps, and a range of a file must stay a range of its
    bytes (Content-Range counts them)."""

    def process_response(self, request, response):
        if isinstance(response, FileResponse) or response.has_header("Content-Range"):
            return response
        return super().process_response(request, response)
