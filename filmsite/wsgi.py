import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filmsite.settings")

django_application = get_wsgi_application()

# Pages stored whole in the cache are answered before Django (films/whole_pages.py).
from films.whole_pages import WholePageFront  # noqa: E402 - needs Django set up

application = WholePageFront(django_application)
