from django.db import models

from films.catalog.models import Film


class FilmRecommendations(models.Model):
    """A film's similar films and the counts behind them, as of `built_at`.

    One row per film keeps the film page to one read for all its suggestions. Each
    suggestion is {"id": film id, "score": float, "reasons": {...}}; reasons name shared
    people, genres and themes by id (see recommendations/engine.py for the keys).
    """

    film = models.OneToOneField(
        Film, on_delete=models.CASCADE, primary_key=True, related_name="recommendations"
    )
    actors_count = models.PositiveIntegerField(default=0)
    directors_count = models.PositiveIntegerField(default=0)
    genres_count = models.PositiveIntegerField(default=0)
    same_genres_count = models.PositiveIntegerField(default=0)
    themes_count = models.PositiveIntegerField(default=0)
    same_themes_count = models.PositiveIntegerField(default=0)
    suggestions = models.JSONField(default=list)
    built_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "film recommendations"

    def __str__(self):
        return f"Similar films for {self.film_id}"

    @property
    def suggestions_count(self) -> int:
        return len(self.suggestions)
