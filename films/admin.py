"""The admin of the films app, for Django's autodiscovery: the catalog's models in
films/catalog/admin.py, moderation in films/community/admin.py."""

from films.catalog import admin as catalog_admin  # noqa: F401
from films.community import admin as community_admin  # noqa: F401
