import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filmsite.settings")

django_application = get_wsgi_application()

# Only the processes that serve pages (gunicorn, runserver) load this module: they alone
# bound their statements, never an import or a build.
from django.db.backends.signals import connection_created  # noqa: E402 - needs Django set up

from filmsite.database import limit_statements  # noqa: E402

connection_created.connect(limit_statements, dispatch_uid="filmsite.limit_statements")

# Pages stored whole in the cache are answered before Django (caching/whole_pages.py): worth
# a third of browse and person pages served from the cache, which without it went from
# 1,951 to 1,111 and 1,782 to 1,156 requests a second (make bench, 300,000 films,
# docs/performance.md, 2026-12-07).
# RequestIdFront is WholePageFront giving each request its id first, for the pages it serves
# too (filmsite/request_ids.py).
from filmsite.request_ids import RequestIdFront  # noqa: E402 - needs Django set up

application = RequestIdFront(django_application)
