from django.apps import AppConfig
from django.db.models.signals import pre_migrate


class FilmsConfig(AppConfig):
    name = "films"

    def ready(self):
        from films.bulk_load import build_before_migrating

        pre_migrate.connect(build_before_migrating, sender=self)
