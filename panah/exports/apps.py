from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "panah.exports"
    label = "exports"
    verbose_name = "Exports"
