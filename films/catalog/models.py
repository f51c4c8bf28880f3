"""The film catalog: films, the people who made them, and what describes them."""

import functools
import re
from urllib.parse import quote

from django.conf import settings
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, DatabaseError, models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, reverse
from django.utils.text import slugify
from django.utils.translation import get_language

from films.catalog.codes import (
    translate_country_name,
    translate_genre_name,
    translate_language_name,
)
from films.catalog.importing.lock import import_running
from films.catalog.text import searchable


def page_url(name: str, **kwargs) -> str:
    """reverse(name, kwargs=kwargs) for the catalog's pages, which cards link to by the
    hundred: reversed once per language and URL prefix with stand-ins for the arguments,
    then filled in. Worth a fifth of a page of cards: the similar films' first visits took
    56.0 ms each with reverse() for every link, 45.9 ms with this, in one process at 300,000
    films (2026-12-07, docs/performance.md)."""
    return page_url_maker(name, *kwargs)(*kwargs.values())


def page_url_maker(name: str, *keys: str):
    """page_url(name, **dict(zip(keys, values))) as a function of the values, for links to
    many objects of a kind: the pattern is looked up once, with the request's language."""
    pattern = _url_pattern(name, keys, get_language(), get_script_prefix(), settings.ROOT_URLCONF)

    def url(*values) -> str:
        filled = pattern
        for stand_in, value in zip(_STAND_INS, values, strict=False):  # up to 10 keys
            value = str(value)
            if not _URL_SAFE.fullmatch(value):  # slugs and ids are, most other text is not
                value = quote(value, safe="")
            filled = filled.replace(stand_in, value)
        return filled

    return url


_URL_SAFE = re.compile(r"[A-Za-z0-9_.~-]+")


def _stand_in(n: int) -> str:
    # Digits: valid for every converter of the catalog's URLs (slug, int, str).
    return f"9081726354536271809{n}"


_STAND_INS = tuple(map(_stand_in, range(10)))


@functools.lru_cache(maxsize=256)
def _url_pattern(name, keys, language, script_prefix, urlconf) -> str:
    return reverse(name, kwargs={key: _stand_in(n) for n, key in enumerate(keys)})


_WIKIPEDIA_ADDRESS = re.compile(r"https?://([a-z]{2,3})(?:\.m)?\.wikipedia\.org/")


def slug_for(text: str, fallback: str, max_length: int = 200) -> str:
    # ASCII slugs ("Amélie" -> "amelie"); titles in other scripts get the fallback,
    # the id in the URL is what finds the row anyway. Cut: folding lengthens some
    # letters ("ﬃ" -> "ffi").
    return slugify(text)[:max_length].strip("-") or fallback


# The columns of searchable() titles and names: folding lengthens some letters ("ß" ->
# "ss"), so what is stored is cut to them.
SEARCH_TITLE_LENGTH = 500
SEARCH_NAME_LENGTH = 300


def search_text(text: str, max_length: int) -> str:
    return searchable(text)[:max_length].rstrip()


def between_bars(texts: list[str], max_length: int) -> str:
    """Several searchable texts in one column, "| a | b |" ("" for none), as many whole
    ones as fit: searchable() leaves no bar inside a text."""
    joined = ""
    for text in texts:
        longer = f"{joined or '|'} {text} |"
        if len(longer) > max_length:
            break
        joined = longer
    return joined


class NamedQuerySet(models.QuerySet):
    def with_film_count(self):
        return self.annotate(film_count=models.Count("films"))


def in_language(names: dict, language: str | None) -> str:
    """The name, title... of a catalog's `names` or `titles` in `language` ("fr", or a
    regional "fr-ca"), or "" when the catalog gives none."""
    if not names or not language:
        return ""
    return names.get(language) or names.get(language.partition("-")[0]) or ""


class Genre(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    # The catalog's id ("wikidata:Q130232"): the same genre in every catalog, whatever
    # its name there.
    external_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    # Its name in other languages, as the catalog gives them: {"fr": "drame"}.
    names = models.JSONField(default=dict, blank=True)

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        # In the visitor's language: "Drame" on French pages, the catalog's own name first.
        language = get_language() or "en"
        return in_language(self.names, language) or translate_genre_name(self.name, language)

    def get_absolute_url(self):
        return page_url("films:genre", slug=self.slug)


class Theme(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=220, unique=True)
    external_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    names = models.JSONField(default=dict, blank=True)  # as Genre's

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return in_language(self.names, get_language()) or self.name

    def get_absolute_url(self):
        return page_url("films:theme", slug=self.slug)


class Country(models.Model):
    """An ISO 3166-1 alpha-2 country, or a former one by its ISO 3166-3 code (SUHH)."""

    code = models.CharField(max_length=4, primary_key=True)
    name = models.CharField(max_length=100)

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self):
        # In the visitor's language: "États-Unis" on French pages.
        return translate_country_name(self.name, get_language() or "en")

    def get_absolute_url(self):
        return page_url("films:country", code=self.code.lower())


class Language(models.Model):
    """An ISO 639-1 language, or ISO 639-3 where it has no two-letter code (yue)."""

    code = models.CharField(max_length=3, primary_key=True)
    name = models.CharField(max_length=100)

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return translate_language_name(self.name, get_language() or "en")


class PersonQuerySet(models.QuerySet):
    def refresh_film_counts(self) -> int:
        """Recount the films of these people in one UPDATE."""
        films = (
            Credit.objects.filter(person=models.OuterRef("pk"))
            .order_by()
            .values("person")
            .annotate(n=models.Count("film", distinct=True))
            .values("n")
        )
        return self.update(film_count=Coalesce(models.Subquery(films), 0))

    def correct_film_counts(self) -> int:
        """Recount the films of these people and write only the counts that differ, in one
        UPDATE: a repair that rewrote every row would cost as much as the recount itself
        (PostgreSQL writes a new version of each row updated). Returns how many changed."""
        films = Coalesce(
            models.Subquery(
                Credit.objects.filter(person=models.OuterRef("pk"))
                .order_by()
                .values("person")
                .annotate(n=models.Count("film", distinct=True))
                .values("n")
            ),
            0,
        )
        return self.exclude(film_count=films).update(film_count=films)


class Person(models.Model):
    name = models.CharField(max_length=300)
    # Pages are found by id; the slug only makes the URL readable: no index to maintain.
    slug = models.SlugField(max_length=200, db_index=False)
    # The catalog's id ("wikidata:Q42869"); people a catalog names without one are
    # identified by their name, hence the partial unique constraint below.
    external_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    # Films this person is credited on, kept by refresh_film_counts(): ranks search results
    # and orders a cast the source gives alphabetically (best known first).
    film_count = models.PositiveIntegerField(default=0)
    # searchable(name): what search matches, case- and accent-insensitively.
    search_name = models.CharField(max_length=SEARCH_NAME_LENGTH, blank=True, editable=False)
    # Ids on other sites ({"imdb": "nm0000115"}): films.catalog.links.
    links = models.JSONField(default=dict, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(external_id__isnull=True),
                name="person_name_unique_without_external_id",
            ),
        ]
        indexes = [
            # The importer finds people a catalog names without an id by their name.
            models.Index(fields=["name"], name="person_name_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slug_for(self.name, "person")
        if self.external_id == "":
            self.external_id = None
        self.search_name = search_text(self.name, SEARCH_NAME_LENGTH)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return page_url("films:person", slug=self.slug, pk=self.pk)


class ReleaseDatePrecision(models.TextChoices):
    YEAR = "year", "Year"
    MONTH = "month", "Month"
    DAY = "day", "Day"


# The actors a film card names.
LEAD_ACTORS = 6


def in_cast_order(actors: list, *, in_billing_order: bool, known_by) -> list:
    """A film's actors as its pages list them: in billing order when the source gives one,
    else best known first (most films in the catalog), then by name. `known_by(actor)`: the
    actor's (film count, name). Film.cast and the cards (pages.cards) order so."""
    if in_billing_order:
        return list(actors)
    return sorted(actors, key=lambda actor: _best_known_first(*known_by(actor)))


def _best_known_first(film_count: int, name: str) -> tuple:
    return (-film_count, name)


class Film(models.Model):
    external_id = models.CharField(
        max_length=100, unique=True, help_text="The catalog's id, e.g. wikidata:Q132910."
    )
    title = models.CharField(max_length=500)
    original_title = models.CharField(max_length=500, blank=True)
    # The title in other languages ({"fr": "Le Parrain"}), shown on pages in that language.
    titles = models.JSONField(default=dict, blank=True)
    slug = models.SlugField(max_length=200, db_index=False)  # found by id, as Person's
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    release_date = models.DateField(
        null=True, blank=True, help_text="First day of the month or year when partial."
    )
    release_date_precision = models.CharField(
        max_length=5, choices=ReleaseDatePrecision.choices, blank=True
    )
    runtime = models.PositiveIntegerField(null=True, blank=True, help_text="Minutes.")
    countries = models.ManyToManyField(Country, blank=True, related_name="films")
    languages = models.ManyToManyField(Language, blank=True, related_name="films")
    genres = models.ManyToManyField(Genre, blank=True, related_name="films")
    themes = models.ManyToManyField(Theme, blank=True, related_name="films")
    synopsis = models.TextField(blank=True)
    synopsis_source = models.CharField(max_length=200, blank=True)
    # What a synopsis under a licence such as CC BY-SA must be shown with.
    synopsis_license = models.CharField(max_length=100, blank=True)
    synopsis_url = models.URLField(max_length=1000, blank=True)
    # The series' name is its key: films of one name are one series (recommendations).
    series = models.CharField(max_length=300, blank=True, help_text="Series or franchise.")
    series_ordinal = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The film's place in its series: 1 for the first."
    )
    series_names = models.JSONField(
        default=dict, blank=True, help_text='The series\' name in other languages: {"fr": "…"}.'
    )
    # Ids on other sites ({"imdb": "tt0113627", "wikipedia_en": "…"}): films.catalog.links.
    links = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=100, blank=True, help_text="Where the data comes from.")
    cast_in_billing_order = models.BooleanField(
        default=True, help_text="False when the source lists the cast in another order."
    )

    # Ratings on a 0-5 scale. The catalog's figure and the site's own votes are kept
    # apart and combined into rating_average / rating_count (see films/ratings.py).
    catalog_rating_average = models.DecimalField(
        max_digits=3, decimal_places=2, null=True, blank=True
    )
    catalog_rating_count = models.PositiveIntegerField(default=0)
    # Whose rating the catalog gives, so that the page can say it (empty: it does not say).
    catalog_rating_kind = models.CharField(
        max_length=10,
        blank=True,
        choices=[("critics", "critics' reviews"), ("audience", "audience ratings")],
    )
    votes_count = models.PositiveIntegerField(default=0)
    votes_sum = models.PositiveIntegerField(default=0)
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    # Bayesian average used to sort by rating, so one 5-star vote does not beat many 4s.
    rating_rank = models.FloatField(default=0)
    # Ranks the films a search finds alike (films.catalog.ratings.renown).
    renown = models.FloatField(default=0, editable=False)

    # searchable(title) and searchable(original_title): what search matches.
    search_title = models.CharField(max_length=SEARCH_TITLE_LENGTH, blank=True, editable=False)
    search_original_title = models.CharField(
        max_length=SEARCH_TITLE_LENGTH, blank=True, editable=False
    )
    # searchable() of its titles in other languages, those that differ from the two above,
    # each between bars: "| der pate | le parrain |" (pages.search finds each alike).
    search_other_titles = models.CharField(
        max_length=SEARCH_TITLE_LENGTH, blank=True, editable=False
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1870, year__lte=2100),
                name="film_year_plausible",
                violation_error_message="The year must be between 1870 and 2100.",
            ),
            models.CheckConstraint(
                condition=Q(runtime__isnull=True) | Q(runtime__gt=0),
                name="film_runtime_positive",
                violation_error_message="The runtime must be at least one minute.",
            ),
            models.CheckConstraint(
                condition=Q(catalog_rating_average__isnull=True)
                | Q(catalog_rating_average__gte=0, catalog_rating_average__lte=5),
                name="film_catalog_rating_0_to_5",
                violation_error_message="The catalog's rating must be from 0 to 5.",
            ),
            models.CheckConstraint(
                condition=Q(rating_average__isnull=True)
                | Q(rating_average__gte=0, rating_average__lte=5),
                name="film_rating_0_to_5",
                violation_error_message="The rating must be from 0 to 5.",
            ),
        ]
        indexes = [
            # Browse and list pages sort by these.
            models.Index(fields=["year", "id"], name="film_year_idx"),
            models.Index(fields=["-rating_rank", "id"], name="film_rating_rank_idx"),
            models.Index(fields=["title", "id"], name="film_title_idx"),
            # Films of the same series come first among similar films.
            models.Index(fields=["series"], name="film_series_idx", condition=~Q(series="")),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slug_for(self.title, "film")
        self.set_search_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return page_url("films:detail", slug=self.slug, pk=self.pk)

    @property
    def local_title(self) -> str:
        """The title in the visitor's language where the catalog gives one."""
        return in_language(self.titles, get_language()) or self.title

    @property
    def synopsis_language(self) -> str:
        """The language of a synopsis from a Wikipedia ("en" for en.wikipedia.org), so
        that a page in another language marks it as such; "" when unknown."""
        found = _WIKIPEDIA_ADDRESS.match(self.synopsis_url)
        return found.group(1) if found else ""

    @property
    def local_series(self) -> str:
        return in_language(self.series_names, get_language()) or self.series

    def set_search_fields(self):
        self.search_title = search_text(self.title, SEARCH_TITLE_LENGTH)
        original = search_text(self.original_title, SEARCH_TITLE_LENGTH)
        self.search_original_title = original if original != self.search_title else ""
        others = {search_text(title, SEARCH_TITLE_LENGTH) for title in self.titles.values()}
        others -= {self.search_title, original}
        self.search_other_titles = between_bars(sorted(others), SEARCH_TITLE_LENGTH)

    @property
    def duration_display(self) -> str:
        """112 -> "1h52", 45 -> "45 min"."""
        if not self.runtime:
            return ""
        hours, minutes = divmod(self.runtime, 60)
        return f"{hours}h{minutes:02d}" if hours else f"{minutes} min"

    @property
    def rating_percent(self) -> int | None:
        if self.rating_average is None or not self.rating_count:
            return None
        return round(self.rating_average * 20)

    def _credits(self, role):
        credits = getattr(self, "all_credits", None)
        if credits is None:  # not prefetched: one query, for code outside the pages
            credits = list(self.credits.select_related("person").order_by("position", "id"))
            self.all_credits = credits
        return [c for c in credits if c.role == role]

    @property
    def directors(self):
        return [c.person for c in self._credits(Credit.Role.DIRECTOR)]

    @property
    def writers(self):
        return [c.person for c in self._credits(Credit.Role.WRITER)]

    @property
    def cast(self):
        """Actor credits in billing order; when the source gives none, best known first
        (most films in the catalog), then by name."""
        return in_cast_order(
            self._credits(Credit.Role.ACTOR),
            in_billing_order=self.cast_in_billing_order,
            known_by=lambda credit: (credit.person.film_count, credit.person.name),
        )

    @property
    def lead_actors(self):
        return [c.person for c in self.cast[:LEAD_ACTORS]]


class Credit(models.Model):
    """Who did what on a film. One row per person, film and role, so a person can
    both direct and act in the same film."""

    class Role(models.IntegerChoices):
        DIRECTOR = 1, "Director"
        WRITER = 2, "Writer"
        ACTOR = 3, "Actor"

    # Indexed by the constraint and the indexes below, which start with film and person:
    # an index of their own each would only slow the writing of millions of credits.
    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="credits", db_index=False)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="credits", db_index=False
    )
    role = models.PositiveSmallIntegerField(choices=Role.choices)
    # Order within the role: billing order for actors.
    position = models.PositiveSmallIntegerField(default=0)
    character = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["film", "role", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["film", "role", "person"], name="credit_unique_person_role_per_film"
            ),
        ]
        indexes = [
            # The film page lists credits by role in order.
            models.Index(fields=["film", "role", "position"], name="credit_film_role_idx"),
            # Person pages and the similar-films engine go from a person to their films.
            models.Index(fields=["person", "role", "film"], name="credit_person_role_idx"),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()}) in {self.film}"


class DeferredIndex(models.Model):
    """An index a first import dropped, to build once the rows are in
    (films.catalog.importing.bulk_load), with its definition: written down in the database,
    so that an import stopped before it built the index leaves the next one able to."""

    name = models.CharField(max_length=63, unique=True)  # PostgreSQL's limit
    definition = models.TextField()  # CREATE INDEX ..., as pg_get_indexdef gives it

    def __str__(self):
        return self.name


class CatalogImportQuerySet(models.QuerySet):
    def left_unfinished(self):
        """Imports that neither finished nor had their counts made right since: stopped on
        the way, or still running (import_running() tells)."""
        return self.filter(finished_at__isnull=True, counts_repaired_at__isnull=True)


class CatalogImport(models.Model):
    """An import of a catalog, written down before its first batch and marked when it has
    finished (films.catalog.importing.runs). One left unfinished with no import running was
    stopped on the way: the film counts of its people may be wrong until they are counted
    again, which the next import does before anything else."""

    source = models.CharField(max_length=1000, help_text="The file imported; - for standard input.")
    started_at = models.DateTimeField(auto_now_add=True)
    films_to_write = models.PositiveIntegerField(default=0)
    # Counted in each batch's transaction: what a stopped import had committed.
    films_written = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts_repaired_at = models.DateTimeField(
        null=True, blank=True, help_text="When the film counts of a stopped import were made right."
    )

    objects = CatalogImportQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.source} ({self.started_at:%Y-%m-%d %H:%M})"

    @classmethod
    def check(cls, **kwargs):
        errors = super().check(**kwargs)
        # As Django's own database checks: only for a command that names the databases,
        # as `migrate` does (and `check --database default`).
        if DEFAULT_DB_ALIAS in (kwargs.get("databases") or ()):
            errors += cls.stopped_import_warnings()
        return errors

    @classmethod
    def stopped_import_warnings(cls) -> list[checks.CheckMessage]:
        """A warning when an import stopped on the way and its people's film counts were
        not repaired since."""
        try:
            stopped = cls.objects.left_unfinished().first()
        except DatabaseError:  # before `migrate` has made the table
            return []
        if stopped is None or import_running():
            return []
        return [
            checks.Warning(
                f"An import of {stopped.source} started at "
                f"{stopped.started_at:%Y-%m-%d %H:%M} UTC stopped after "
                f"{stopped.films_written:,} of {stopped.films_to_write:,} films without "
                "finishing: the film counts of the people it credited may be wrong (search "
                "shows and ranks by them).",
                hint="python manage.py import_catalog --repair counts them again (seconds to "
                "a minute); importing the same file again finishes the import and repairs them.",
                obj=cls,
                id="films.W001",
            )
        ]

    @property
    def outcome(self) -> str:
        if self.finished_at:
            return "finished"
        if self.counts_repaired_at:
            return "stopped, counts repaired"
        return "running or stopped"
