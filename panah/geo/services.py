"""Keeps the reference tables equal to the code-owned lists (regions here, countries from pycountry)."""

import gettext
from typing import Any

import pycountry
from django.db import transaction

from panah.geo.models import Country, Region
from panah.geo.regions import REGIONS


def _translator(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


@transaction.atomic
def sync_reference_lists(**_: Any) -> None:
    """Upsert regions and countries. Side effects: writes geo tables only; never deletes rows."""
    for row in REGIONS:
        Region.objects.update_or_create(
            code=row.code,
            defaults={
                "name_en": row.name_en,
                "name_ru": row.name_ru,
                "name_kk": row.name_kk,
                "is_city": row.is_city,
                "valid_from": row.valid_from,
                "valid_to": row.valid_to,
                "old_alpha_code": row.old_alpha,
            },
        )
    for row in REGIONS:
        if row.successors:
            Region.objects.get(code=row.code).successors.set(Region.objects.filter(code__in=row.successors))

    existing = set(Country.objects.values_list("alpha3", flat=True))
    ru, kk = _translator("ru"), _translator("kk")
    countries = [
        Country(
            alpha3=c.alpha_3,
            alpha2=c.alpha_2,
            name_en=getattr(c, "common_name", c.name),
            name_ru=ru.gettext(c.name),
            name_kk=kk.gettext(c.name),
        )
        for c in pycountry.countries
        if c.alpha_3 not in existing
    ]
    Country.objects.bulk_create(countries)
