import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _localised(obj: models.Model, prefix: str = "name") -> str:
    language = (get_language() or "en")[:2]
    return getattr(obj, f"{prefix}_{language}", "") or getattr(obj, f"{prefix}_en")


class RegionQuerySet(models.QuerySet["Region"]):
    def valid_on(self, day: dt.date) -> "RegionQuerySet":
        """Regions that existed on `day` (the list valid at that date)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gt=day),
        )


class Region(models.Model):
    """A region (oblast) or city of republican significance, with the dates it existed."""

    code = models.CharField(_("ISO 3166-2 code"), max_length=8, primary_key=True)
    name_en = models.CharField(max_length=80)
    name_ru = models.CharField(max_length=80)
    name_kk = models.CharField(max_length=80)
    is_city = models.BooleanField(default=False)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True, help_text=_("First day it no longer existed."))
    old_alpha_code = models.CharField(max_length=3, blank=True)
    successors = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="predecessors")

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("region")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="region_valid_period",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self)

    def existed_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)


class Country(models.Model):
    """A country of ISO 3166-1, keyed by its alpha-3 code."""

    alpha3 = models.CharField(max_length=3, primary_key=True)
    alpha2 = models.CharField(max_length=2, unique=True)
    name_en = models.CharField(max_length=100)
    name_ru = models.CharField(max_length=100)
    name_kk = models.CharField(max_length=100)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self)
