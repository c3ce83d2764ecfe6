from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "panah.common"
    label = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        from panah.common import signals  # noqa: F401  (connects the login audit receivers)
