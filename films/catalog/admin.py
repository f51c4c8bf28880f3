from django.contrib import admin
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone

from caching import surrogate_keys
from films.catalog.models import (
    CatalogImport,
    Country,
    Credit,
    Film,
    Genre,
    Language,
    Person,
    Theme,
)
from films.catalog.ratings import apply_combined_rating
from films.catalog.signals import film_edited


class ShowsOnPages(admin.ModelAdmin):
    """Every change saved here shows on the next page served. The films that show what
    changed are marked updated (caching.fragments keys their pieces on updated_at), and the
    whole pages (caching.whole_pages) miss: a curator's edit is rare; it clears them all.
    Actions run in one transaction, as Django's change and delete views do, so that the
    pages are forgotten once more after everything an action wrote."""

    def films_showing(self, objects):
        """The films whose pages and cards show these objects (a film saved here is marked
        updated by its own save)."""
        return Film.objects.none()

    def pages_changed(self, objects, films=()) -> None:
        """films: ids, or a query of the films to mark updated (one UPDATE)."""
        Film.objects.filter(pk__in=films).update(updated_at=timezone.now())
        surrogate_keys.catalog_changed()

    def _film_ids(self, objects) -> list[int]:
        # Read before a delete takes the links with it.
        return list(self.films_showing(objects).values_list("pk", flat=True).distinct())

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.pages_changed([obj], self.films_showing([obj]))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.pages_changed([form.instance])

    def delete_model(self, request, obj):
        film_ids = self._film_ids([obj])
        super().delete_model(request, obj)
        self.pages_changed([obj], film_ids)

    def delete_queryset(self, request, queryset):
        objects = list(queryset)
        film_ids = self._film_ids(objects)
        super().delete_queryset(request, queryset)
        self.pages_changed(objects, film_ids)

    def response_action(self, request, queryset):
        with transaction.atomic():
            return super().response_action(request, queryset)


class DecadeFilter(admin.SimpleListFilter):
    title = "decade"
    parameter_name = "decade"

    def lookups(self, request, model_admin):
        return [(str(d), f"{d}s") for d in range(2020, 1880, -10)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            start = int(self.value())
            return queryset.filter(year__gte=start, year__lt=start + 10)
        return queryset


class CreditInline(admin.TabularInline):
    model = Credit
    fields = ["role", "position", "person", "character"]
    autocomplete_fields = ["person"]
    ordering = ["role", "position", "id"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


@admin.register(Film)
class FilmAdmin(ShowsOnPages):
    list_display = ["title", "year", "runtime", "rating_average", "rating_count", "external_id"]
    list_filter = [DecadeFilter, "genres", "countries"]
    search_fields = ["title", "original_title", "=external_id"]
    autocomplete_fields = ["genres", "themes", "countries", "languages"]
    readonly_fields = [
        "rating_average",
        "rating_count",
        "rating_rank",
        "votes_count",
        "votes_sum",
        "created_at",
        "updated_at",
    ]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CreditInline]
    show_full_result_count = False
    list_per_page = 50
    # A synopsis's address typed without its scheme is a web page's: https (as Django 6 will).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["title", "original_title", "titles", "slug", "external_id", "source"]}),
        ("Release", {"fields": ["year", "release_date", "release_date_precision", "runtime"]}),
        (
            "Description",
            {
                "fields": [
                    "genres",
                    "themes",
                    "countries",
                    "languages",
                    "series",
                    "series_ordinal",
                    "series_names",
                ]
            },
        ),
        (
            "Synopsis",
            {"fields": ["synopsis", "synopsis_source", "synopsis_license", "synopsis_url"]},
        ),
        ("Elsewhere", {"fields": ["links"]}),
        ("Cast", {"fields": ["cast_in_billing_order"]}),
        (
            "Ratings",
            {
                "fields": [
                    "catalog_rating_average",
                    "catalog_rating_count",
                    "catalog_rating_kind",
                    "votes_count",
                    "votes_sum",
                    "rating_average",
                    "rating_count",
                    "rating_rank",
                ]
            },
        ),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        apply_combined_rating(obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        film = form.instance
        people_before = set(film.credits.values_list("person_id", flat=True))
        super().save_related(request, form, formsets, change)
        # After the commit, so the rebuild reads what was saved; before the redirect, so
        # the film's page shows the change at the next request.
        transaction.on_commit(
            lambda: film_edited.send(sender=Film, film_id=film.pk, people_before=people_before)
        )

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # A film's votes go with it: no one may delete votes alone (VoteAdmin), which
        # would otherwise forbid deleting any film that was ever rated on the site.
        perms_needed.discard(Film._meta.get_field("votes").related_model._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    # A deleted film takes its credits with it: its people are counted again, or search
    # would go on giving them a film they no longer have.
    def delete_model(self, request, obj):
        people = _people_credited([obj.pk])
        super().delete_model(request, obj)
        _count_films_again(people)

    def delete_queryset(self, request, queryset):
        people = _people_credited(queryset.values("pk"))
        super().delete_queryset(request, queryset)
        _count_films_again(people)


def _people_credited(film_ids) -> list[int]:
    """Read before a delete takes the credits with it."""
    return list(
        Credit.objects.filter(film_id__in=film_ids).values_list("person_id", flat=True).distinct()
    )


def _count_films_again(people: list[int]) -> None:
    # In chunks: the casts of a few hundred films are more ids than SQLite takes at once.
    for start in range(0, len(people), 10_000):
        Person.objects.filter(pk__in=people[start : start + 10_000]).refresh_film_counts()


@admin.register(Person)
class PersonAdmin(ShowsOnPages):
    list_display = ["name", "film_count", "external_id"]
    search_fields = ["name", "=external_id"]
    prepopulated_fields = {"slug": ["name"]}
    # Counted from the credits (Person.objects.refresh_film_counts), not typed in.
    readonly_fields = ["film_count"]
    show_full_result_count = False
    list_per_page = 50

    def films_showing(self, people):
        return Film.objects.filter(credits__person__in=people)


@admin.register(Credit)
class CreditAdmin(ShowsOnPages):
    list_display = ["film", "role", "position", "person", "character"]
    list_filter = ["role"]
    list_select_related = ["film", "person"]
    search_fields = ["film__title", "person__name"]
    autocomplete_fields = ["film", "person"]
    show_full_result_count = False
    list_per_page = 50

    # A credit shows on its film's page and cards, and counts in its people's film counts
    # and the film's suggestions: all follow an edit here as they follow one in FilmAdmin.
    def save_model(self, request, obj, form, change):
        before = Credit.objects.filter(pk=obj.pk).values_list("film_id", "person_id").first()
        super().save_model(request, obj, form, change)
        _credits_changed([(obj.film_id, obj.person_id), *([before] if before else [])])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _credits_changed([(obj.film_id, obj.person_id)])

    def delete_queryset(self, request, queryset):
        changed = list(queryset.values_list("film_id", "person_id"))
        super().delete_queryset(request, queryset)
        _credits_changed(changed)


def _credits_changed(film_and_person_ids) -> None:
    film_ids = {film_id for film_id, _ in film_and_person_ids}
    people = {person_id for _, person_id in film_and_person_ids}
    # caching.fragments keys on updated_at.
    Film.objects.filter(pk__in=film_ids).update(updated_at=timezone.now())

    def rebuild():
        for film_id in film_ids:
            film_edited.send(sender=Film, film_id=film_id, people_before=people)

    transaction.on_commit(rebuild)


class VocabularyAdmin(ShowsOnPages):
    list_display = ["name", "film_count"]
    search_fields = ["name"]
    # Explicit: Meta.ordering is dropped from GROUP BY queries, and the autocomplete view
    # paginates this queryset (an unordered page is a warning, and unstable).
    ordering = ["name"]

    def get_queryset(self, request):
        # Subquery-free count: one GROUP BY over the through table per page.
        return super().get_queryset(request).annotate(film_count=Count("films"))

    @admin.display(ordering="film_count", description="films")
    def film_count(self, obj):
        return obj.film_count

    def films_showing(self, objects):
        # Cards show these names.
        named = self.model.objects.filter(pk__in=[obj.pk for obj in objects])
        return Film.objects.filter(pk__in=named.values("films"))


@admin.register(Genre)
class GenreAdmin(VocabularyAdmin):
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Theme)
class ThemeAdmin(VocabularyAdmin):
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Country)
class CountryAdmin(VocabularyAdmin):
    list_display = ["code", "name", "film_count"]
    search_fields = ["name", "=code"]


@admin.register(Language)
class LanguageAdmin(VocabularyAdmin):
    list_display = ["code", "name", "film_count"]
    search_fields = ["name", "=code"]


@admin.register(CatalogImport)
class CatalogImportAdmin(admin.ModelAdmin):
    """Each import, as the import wrote it down: read only. One neither finished nor
    repaired stopped on the way (or is running): the next import repairs what it left."""

    list_display = [
        "started_at",
        "source",
        "films_written",
        "films_to_write",
        "finished_at",
        "outcome",
    ]
    list_filter = ["finished_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
