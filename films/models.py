"""The models of the films app, for Django, which reads them here: the catalog's in
films/catalog/models.py, the visitors' ratings and comments in films/community/models.py."""

from films.catalog.models import (  # noqa: F401
    CatalogImport,
    Country,
    Credit,
    DeferredIndex,
    Film,
    Genre,
    Language,
    Person,
    Theme,
)
from films.community.models import Comment, Vote  # noqa: F401
