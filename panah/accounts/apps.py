from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "panah.accounts"
    label = "accounts"
    verbose_name = "Organisations and users"
