from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "panah.audit"
    label = "audit"
    verbose_name = "Audit log"
