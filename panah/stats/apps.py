from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "panah.stats"
    label = "stats"
    verbose_name = "Official statistics"
