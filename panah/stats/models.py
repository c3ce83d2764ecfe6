"""Statistics: the bitemporal stock index and published releases.

`StockFact` is derived data, maintained on every write that can change a figure (status events,
addresses, a person's sex, birth date or origin) by `panah.stats.facts`. Each row is a rectangle in
the two times of ARCHITECTURE.md section 2: the person was in `population_type`, living in `region`,
for effective dates [valid_from, valid_to), and the system believed so from `known_from` until
`known_to`. For any (as of D, known on K) a person in a stock has exactly one row covering the point,
so a stock table is one filtered GROUP BY over this table, with no per-person folding at query time.

The rows are microdata: only the aggregating selectors in `panah.stats.selectors` read them, and no
page or export shows a row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StockFact(models.Model):
    person_id = models.BigIntegerField(db_index=True)
    population_type = models.CharField(max_length=3)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True)
    known_from = models.DateTimeField()
    known_to = models.DateTimeField(null=True)
    origin = models.CharField(max_length=3, blank=True)  # ISO alpha-3; "" when not known
    sex = models.CharField(max_length=1, blank=True)
    # The birth date used for ages: the recorded one, or for a year-only date 1 July of that year,
    # for a month-only date the 15th of that month (the middle of what is known).
    birth_ref = models.DateField(null=True)
    region = models.CharField(max_length=8)

    class Meta:
        # No index on the times: a stock reads a large share of the table (every current row for "as
        # known today"), which a sequential scan does fastest. An index on (valid_from, known_from) made
        # SQLite fetch each row through it, 5-7x slower than the scan (bench/stats.py).
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")), name="stockfact_valid"
            ),
            models.CheckConstraint(
                condition=Q(known_to__isnull=True) | Q(known_to__gt=models.F("known_from")), name="stockfact_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.population_type} {self.valid_from}–{self.valid_to or ''}"


class FlowFact(models.Model):
    """One counted flow (an application, a decision, a birth...) of a person, on its effective date, in
    the region of residence then, as the system believed from `known_from` until `known_to`.

    Maintained with StockFact by `panah.stats.facts`, so a year of flows is one filtered GROUP BY, and
    corrections to events and to the person's attributes leave what was known earlier unchanged.
    """

    person_id = models.BigIntegerField(db_index=True)
    flow = models.CharField(max_length=40)
    effective = models.DateField()
    known_from = models.DateTimeField()
    known_to = models.DateTimeField(null=True)
    origin = models.CharField(max_length=3, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    birth_ref = models.DateField(null=True)
    region = models.CharField(max_length=8)

    class Meta:
        # A year of flows is a small slice of all events: here an index pays (unlike StockFact).
        indexes = [models.Index(fields=["effective"], name="flowfact_effective")]
        constraints = [
            models.CheckConstraint(
                condition=Q(known_to__isnull=True) | Q(known_to__gt=models.F("known_from")), name="flowfact_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.flow} {self.effective}"


class AttributeVersion(models.Model):
    """What the registry said about a person's statistical attributes, from `recorded_at` on.

    The registry keeps only the current sex, birth date, origin and addresses; a correction overwrites
    them. Figures as known on an earlier date must not move when that happens, so every change that
    feeds a figure appends a version here (`panah.stats.facts.refresh_person`) and the stock index
    cuts each person's rows at these moments as it does at status events. Like StockFact, microdata
    read only by the aggregating code.
    """

    person_id = models.BigIntegerField()
    recorded_at = models.DateTimeField()
    origin = models.CharField(max_length=3, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    birth_ref = models.DateField(null=True)
    born = models.DateField(null=True)  # the birth date when known to the month or day: births are counted from it
    regions = models.JSONField()  # [[ISO date from, region code], ...] sorted; the first also covers earlier dates

    class Meta:
        indexes = [models.Index(fields=["person_id", "recorded_at"], name="attributeversion_person")]

    def __str__(self) -> str:
        return f"{self.person_id} from {self.recorded_at:%Y-%m-%d %H:%M}"


class Release(models.Model):
    """A published set of tables, frozen: parameters, figures and their content hash."""

    reference = models.CharField(_("release"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    as_of = models.DateField(_("as of"))
    known_on = models.DateTimeField(_("as known on"))
    period_start = models.DateField(_("flows from"), null=True, blank=True)
    period_end = models.DateField(_("flows until"), null=True, blank=True)
    parameters = models.JSONField()  # breakdowns, policy, regions: everything needed to re-run it
    figures = models.JSONField()  # the published (protected) tables
    content_hash = models.CharField(max_length=64)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("statistics release")

    def __str__(self) -> str:
        return self.reference
