from django.urls import path, re_path

from api.endpoints import api, index, not_found

urlpatterns = [
    # Before the API's own patterns: django-ninja answers its root with a 404 page.
    path("v1/", index, name="api-index"),
    path("v1/", api.urls),
    # Any other address under /api/: a 404 in JSON, as the API's own.
    re_path(r"", not_found),
]
