from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def sync_specific_need_codes(**_: Any) -> None:
    """Upsert the UNHCR specific-needs codes; local additions made in the admin are kept."""
    from panah.registry.models import SpecificNeedCode
    from panah.registry.specific_needs import (
        HIGHLY_SENSITIVE_CATEGORIES,
        HIGHLY_SENSITIVE_CODES,
        SPECIFIC_NEEDS,
    )

    for code, category, label_en, label_ru, label_kk in SPECIFIC_NEEDS:
        SpecificNeedCode.objects.update_or_create(
            code=code,
            defaults={
                "category": category,
                "label_en": label_en,
                "label_ru": label_ru,
                "label_kk": label_kk,
                "highly_sensitive": category in HIGHLY_SENSITIVE_CATEGORIES or code in HIGHLY_SENSITIVE_CODES,
            },
        )


class RegistryConfig(AppConfig):
    name = "panah.registry"
    label = "registry"
    verbose_name = "Registry"

    def ready(self) -> None:
        post_migrate.connect(sync_specific_need_codes, sender=self)
