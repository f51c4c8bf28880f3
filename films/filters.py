import django_filters

from films.models import Country, Film, Genre

DECADES = [(str(start), f"{start}s") for start in range(2020, 1870, -10)]


class SimilarFilmFilter(django_filters.FilterSet):
    """Narrow a film's suggestions by decade, country and genre."""

    decade = django_filters.ChoiceFilter(
        label="Decade", choices=DECADES, method="filter_decade", empty_label="Any decade"
    )
    country = django_filters.ModelChoiceFilter(
        label="Country",
        field_name="countries",
        queryset=Country.objects.all(),
        to_field_name="code",
        empty_label="Any country",
    )
    genre = django_filters.ModelChoiceFilter(
        label="Genre",
        field_name="genres",
        queryset=Genre.objects.all(),
        to_field_name="slug",
        empty_label="Any genre",
    )

    class Meta:
        model = Film
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        # Offer only the countries and genres that the suggestions have.
        self.filters["country"].queryset = Country.objects.filter(films__in=queryset).distinct()
        self.filters["genre"].queryset = Genre.objects.filter(films__in=queryset).distinct()

    def filter_decade(self, queryset, name, value):
        start = int(value)
        return queryset.filter(year__gte=start, year__lt=start + 10)
