from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "panah.accounts"
    label = "accounts"
    verbose_name = "Organisations and users"

    def ready(self) -> None:
        from panah.accounts import signals  # noqa: F401  (connects the sign-in receivers)
