from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Panah: backups and restores, health and readiness, structured logs."""

    name = "panah.ops"
    label = "ops"
    verbose_name = "Operations"
