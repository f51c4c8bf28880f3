from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"

    def ready(self):
        from films.catalog.signals import film_edited
        from recommendations.services import rebuild_after_edit

        film_edited.connect(rebuild_after_edit)
