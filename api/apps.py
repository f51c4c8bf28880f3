from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The open, read-only JSON API under /api/v1/ (docs/api.md)."""

    name = "api"
    verbose_name = "JSON API"
