"""The web role's bound on the database: every statement a page or a form runs is stopped
by PostgreSQL after DATABASE_STATEMENT_TIMEOUT seconds, so that no URL can hold a worker and
a backend for longer (issue 22). Connected in filmsite/wsgi.py only: imports, builds and
other commands run without it."""

from django.conf import settings


def limit_statements(sender, connection, **kwargs) -> None:
    """connection_created receiver: the session's statement_timeout, on PostgreSQL."""
    seconds = settings.DATABASE_STATEMENT_TIMEOUT
    if connection.vendor != "postgresql" or not seconds:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, false)", [f"{seconds}s"])
