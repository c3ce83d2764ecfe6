from django.apps import AppConfig
from django.db.models.signals import post_migrate


class GeoConfig(AppConfig):
    name = "panah.geo"
    label = "geo"
    verbose_name = "Reference lists"

    def ready(self) -> None:
        from panah.geo.services import sync_reference_lists

        # Reference lists are code-owned data: every migrate brings the tables up to date.
        post_migrate.connect(sync_reference_lists, sender=self)
