"""CORS for the read-only API: any web page may read /api/ (GET, HEAD, OPTIONS), with no
credentials.

A dozen lines rather than django-cors-headers: that answers `Access-Control-Allow-Origin`
only to a request that sends an `Origin`, while the whole-page cache (caching/whole_pages.py)
stores one answer per URL whatever the request's headers, and serves it to everyone. The
same header on every answer of /api/ keeps a stored answer right for every reader. In
MIDDLEWARE inside WholePageMiddleware, so that a stored answer keeps the headers; the
preflight's 204 comes from filmsite.methods.HttpMethodsMiddleware, further in.
"""

API_PREFIX = "/api/"
READ_METHODS = ("GET", "HEAD", "OPTIONS")
# What a script of another origin may read besides the simple headers: the validator to
# send back, when to retry after a 429, and the surrogate keys.
EXPOSED = "ETag, Retry-After, Surrogate-Key"
PREFLIGHT_MAX_AGE = 24 * 60 * 60


class ReadOnlyCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(API_PREFIX) or request.method not in READ_METHODS:
            return response
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED
        if request.method == "OPTIONS":
            response["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
            # Only what a reader sends: a validator, and the content it accepts.
            response["Access-Control-Allow-Headers"] = "Accept, If-None-Match"
            response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        return response
