import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filmsite.settings")

django_application = get_wsgi_application()

# Pages stored whole in the cache are answered before Django (caching/whole_pages.py).
from caching.whole_pages import WholePageFront  # noqa: E402 - needs Django set up

application = WholePageFront(django_application)

# What the worker loaded to start (modules, settings, URL patterns) lives as long as the
# process: leave it out of the collector's full passes, which otherwise walk it while a page
# waits (up to 80 ms at 300,000 films). Collected first, so that no garbage is kept with it.
gc.collect()
gc.freeze()
