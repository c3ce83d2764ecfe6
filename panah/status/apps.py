from django.apps import AppConfig


class StatusConfig(AppConfig):
    name = "panah.status"
    label = "status"
    verbose_name = "Legal status"
