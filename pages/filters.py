import django_filters
from django import forms
from django.db.models import Count, Exists, F, OuterRef
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from films.catalog.models import Country, Film, Genre, Theme
from pages.facets import catalog_facets


def decade_choices() -> list[tuple[str, str]]:
    """The decades the catalog has films in, newest first."""
    return [
        (str(start), format_lazy(_("{decade}s"), decade=start))
        for start in reversed(catalog_facets().decades)
    ]


# The decade and country filters of both forms: the browse page and a film's suggestions.
def decade_filter():
    return django_filters.ChoiceFilter(
        label=_("Decade"), choices=decade_choices, method=in_decade, empty_label=_("Any decade")
    )


def in_decade(queryset, name, value):
    start = int(value)
    return queryset.filter(year__gte=start, year__lt=start + 10)


def country_filter():
    return django_filters.ModelChoiceFilter(
        label=_("Country"),
        field_name="countries",
        queryset=Country.objects.all(),
        to_field_name="code",
        empty_label=_("Any country"),
    )


class SimilarFilmFilter(django_filters.FilterSet):
    """Narrow a film's suggestions by decade, country and genre."""

    decade = decade_filter()
    country = country_filter()
    genre = django_filters.ModelChoiceFilter(
        label=_("Genre"),
        field_name="genres",
        queryset=Genre.objects.all(),
        to_field_name="slug",
        empty_label=_("Any genre"),
    )

    class Meta:
        model = Film
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        # Offer only the decades, countries and genres that the listed films have: a choice
        # that lists nothing is no choice.
        self.filters["decade"].extra["choices"] = lambda: _decades_of(queryset)
        self.filters["country"].queryset = Country.objects.filter(films__in=queryset).distinct()
        self.filters["genre"].queryset = Genre.objects.filter(films__in=queryset).distinct()


def _decades_of(films) -> list[tuple[str, str]]:
    """The decades of these films, newest first (one query)."""
    years = films.exclude(year=None).order_by().values_list("year", flat=True).distinct()
    starts = sorted({year // 10 * 10 for year in years}, reverse=True)
    return [(str(start), format_lazy(_("{decade}s"), decade=start)) for start in starts]


DURATIONS = [
    ("short", _("Under 1h30")),
    ("medium", _("1h30 to 2h")),
    ("long", _("Over 2h")),
]
MIN_RATINGS = [
    (str(v), format_lazy(_("{stars}/5 or more"), stars=f"{v:g}"))
    for v in (1, 2, 2.5, 3, 3.5, 4, 4.5)
]
MODES = [("all", _("all of them")), ("any", _("any of them"))]
SORTS = {
    "rating": ("-rating_rank", "id"),
    "year": (F("year").desc(nulls_last=True), "id"),
    "year-asc": (F("year").asc(nulls_last=True), "id"),
    # Folded titles, so that "Élite Squad" sorts with the E's, not after Z.
    "title": ("search_title", "id"),
}
SORT_CHOICES = [
    ("rating", _("Best rated")),
    ("year", _("Newest")),
    ("year-asc", _("Oldest")),
    ("title", _("Title")),
]


class CommaSeparatedSlugs(forms.TextInput):
    """Themes are too many for a list box: typed as slugs, "alcoholism, prostitution"."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        slugs = []
        for value in values:
            slugs += [slug.strip() for slug in (value or "").split(",") if slug.strip()]
        return slugs

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value


# Themes a browse page takes at once: a film rarely has more, and each is a lookup.
MAX_THEMES = 10


class BrowseForm(forms.Form):
    def clean_theme(self):
        themes = self.cleaned_data.get("theme")
        if themes is not None and len(themes) > MAX_THEMES:
            raise forms.ValidationError(
                _("Choose at most %(most)d themes (%(count)d given)."),
                params={"most": MAX_THEMES, "count": len(themes)},
                code="too_many_themes",
            )
        return themes

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("year_from"), cleaned.get("year_to")
        if first is not None and last is not None and first > last:
            raise forms.ValidationError(
                _("“From year” (%(first)s) is after “To year” (%(last)s): no film is in between."),
                params={"first": int(first), "last": int(last)},
                code="years_reversed",
            )
        return cleaned


class BrowseFilter(django_filters.FilterSet):
    """The browse page: every filter a GET parameter, so every result is a shareable URL."""

    genre = django_filters.ModelMultipleChoiceFilter(
        label=_("Genres"),
        field_name="genres",
        queryset=Genre.objects.all(),
        to_field_name="slug",
        method="filter_genres",
        widget=forms.CheckboxSelectMultiple,
    )
    genre_mode = django_filters.ChoiceFilter(
        label=_("Films with"),
        choices=MODES,
        method="noop",
        empty_label=None,
        widget=forms.RadioSelect,
    )
    exclude_genre = django_filters.ModelChoiceFilter(
        label=_("Without the genre"),
        field_name="genres",
        queryset=Genre.objects.all(),
        to_field_name="slug",
        exclude=True,
        empty_label=_("No exclusion"),
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        label=_("Themes"),
        # The filter looks films up by the field named here with the chosen themes' slugs.
        field_name="themes__slug",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        method="filter_themes",
        widget=CommaSeparatedSlugs,
        help_text=_("Theme slugs, separated by commas"),
    )
    country = country_filter()
    decade = decade_filter()
    year_from = django_filters.NumberFilter(
        label=_("From year"), field_name="year", lookup_expr="gte", min_value=1870, max_value=2100
    )
    year_to = django_filters.NumberFilter(
        label=_("To year"), field_name="year", lookup_expr="lte", min_value=1870, max_value=2100
    )
    duration = django_filters.ChoiceFilter(
        label=_("Duration"),
        choices=DURATIONS,
        method="filter_duration",
        empty_label=_("Any length"),
    )
    min_rating = django_filters.ChoiceFilter(
        label=_("Rating"),
        choices=MIN_RATINGS,
        method="filter_min_rating",
        empty_label=_("Any rating"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="noop", empty_label=None
    )

    class Meta:
        model = Film
        fields = []
        form = BrowseForm

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and any(data.values()):
            # Show the defaults as chosen: _("all of them"), best rated first.
            data = data.copy()
            data.setdefault("genre_mode", "all")
            data.setdefault("sort", "rating")
        super().__init__(data, *args, **kwargs)
        self.filters["country"].queryset = countries_with_films()
        if not catalog_facets().has_themes:
            del self.filters["theme"]  # a box for what no film has

    def noop(self, queryset, name, value):
        return queryset

    def filter_genres(self, queryset, name, genres):
        if not genres:
            return queryset
        if self.form.cleaned_data.get("genre_mode") == "any":
            return queryset.filter(genres__in=genres).distinct()
        return having_all(queryset, Film.genres, genres)

    def filter_themes(self, queryset, name, themes):
        return having_all(queryset, Film.themes, themes) if themes else queryset

    def filter_duration(self, queryset, name, value):
        return {
            "short": queryset.filter(runtime__lt=90),
            "medium": queryset.filter(runtime__gte=90, runtime__lte=120),
            "long": queryset.filter(runtime__gt=120),
        }[value]

    def filter_min_rating(self, queryset, name, value):
        return queryset.filter(rating_count__gt=0, rating_average__gte=value)

    @property
    def qs(self):
        sort = self.form.cleaned_data.get("sort") if self.is_bound and self.is_valid() else ""
        return super().qs.order_by(*SORTS.get(sort or "rating"))


def countries_with_films():
    return Country.objects.filter(
        Exists(Film.countries.through.objects.filter(country=OuterRef("pk")))
    )


def having_all(queryset, relation, chosen):
    """The films of `queryset` linked to every one of `chosen` through the many-to-many
    `relation`: one pass over the links, grouped by film, whatever their number (a join
    for each took seconds for twenty of them at 300,000 films)."""
    link = relation.through
    target = relation.field.m2m_reverse_field_name()
    films = (
        link.objects.filter(**{f"{target}__in": chosen})
        .values("film")
        .annotate(chosen=Count(target))
        .filter(chosen=len(chosen))
        .values("film")
    )
    return queryset.filter(pk__in=films)
