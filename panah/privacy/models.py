"""Data protection: data-subject requests, anonymisations, and the dated retention rules.

A `SubjectRequest` is about one person and holds what the person asked (personal data), so it is
scoped through the person like every record of personal data. An `Anonymisation` marks a Person row
whose personal data were erased (the row stays, for the statistics). `RetentionRule` holds no
personal data: dated rules, loaded from data/retention_rules.json, amended by adding a version.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from panah.accounts.scope import ScopedManager


class RequestKind(models.TextChoices):
    ACCESS = "access", _("access to one's data")
    CORRECTION = "correction", _("correction")
    ERASURE = "erasure", _("erasure or anonymisation")
    OBJECTION = "objection", _("objection to processing")


class RequestChannel(models.TextChoices):
    IN_PERSON = "in_person", _("in person at the office")
    LETTER = "letter", _("letter")
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("telephone")
    PARTNER = "partner", _("through a partner organisation")


class RequestState(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    REFUSED = "refused", _("refused")


OPEN_STATES = (RequestState.RECEIVED, RequestState.IN_PROGRESS)


class SubjectRequest(models.Model):
    """A person's request to exercise a data-protection right, from receipt to the answer."""

    person_scope_path = "person"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="subject_requests")
    kind = models.CharField(_("request"), max_length=12, choices=RequestKind.choices)
    received_on = models.DateField(_("received on"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=RequestChannel.choices)
    identity_checked = models.BooleanField(_("identity checked"), default=False)
    identity_evidence = models.CharField(_("how the identity was checked"), max_length=200, blank=True)
    details = models.TextField(_("what the person asks"), blank=True)
    state = models.CharField(_("state"), max_length=12, choices=RequestState.choices, default=RequestState.RECEIVED)
    due_on = models.DateField(_("answer due by"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    outcome = models.TextField(_("what was done"), blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    closed_on = models.DateField(_("answered on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("data-subject request")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RequestKind.values), name="subject_request_kind_known"),
            models.CheckConstraint(condition=Q(state__in=RequestState.values), name="subject_request_state_known"),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(refusal_reason=""), name="subject_request_refusal_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["received", "in_progress"], closed_on__isnull=True)
                | Q(state__in=["done", "refused"], closed_on__isnull=False),
                name="subject_request_closed_iff_answered",
            ),
            models.CheckConstraint(condition=Q(due_on__gte=F("received_on")), name="subject_request_due_after_receipt"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on < today


class Anonymisation(models.Model):
    """The personal data of `person` were erased; the row and what the statistics count remain.

    One per person: anonymisation is irreversible. `request` is the data-subject request that asked
    for it, or empty when a retention rule (`rule`) made it due."""

    person_scope_path = "person"

    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="anonymisation")
    at = models.DateTimeField(_("anonymised at"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    request = models.ForeignKey(
        SubjectRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="anonymisations"
    )
    rule = models.CharField(_("retention rule"), max_length=60, blank=True)
    reason = models.TextField(_("reason"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("anonymisation")
        constraints = [
            models.CheckConstraint(
                condition=Q(request__isnull=False) | ~Q(rule=""), name="anonymisation_has_request_or_rule"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} anonymised {self.at:%Y-%m-%d}"


class RecordKind(models.TextChoices):
    REJECTED_ASYLUM = "rejected_asylum", _("asylum-seekers finally rejected, with no appeal left")
    EXITED = "exited", _("persons who departed, died, were naturalised or otherwise left every population")
    IMPORT_FILE = "import_file", _("uploaded import files")
    IMPORT_REPORT = "import_report", _("import reports")
    JOB = "job", _("background job records")
    AUDIT = "audit", _("audit log entries")


class RetentionUnit(models.TextChoices):
    DAYS = "days", _("days")
    YEARS = "years", _("years")


class RetentionRule(models.Model):
    """One version of how long one kind of record is kept. An amendment is a new row with a later
    `valid_from`; the version in force on the day `apply_retention` runs decides.

    `configurable`: the period could not be confirmed in law; an administrator sets it."""

    code = models.CharField(_("rule"), max_length=60)
    record_kind = models.CharField(_("records"), max_length=20, choices=RecordKind.choices)
    title = models.CharField(_("title"), max_length=200)
    title_ru = models.CharField(max_length=200, blank=True)
    title_kk = models.CharField(max_length=200, blank=True)
    valid_from = models.DateField(_("applies from"))
    period = models.PositiveIntegerField(_("period"))
    unit = models.CharField(_("unit"), max_length=5, choices=RetentionUnit.choices)
    counted_from = models.CharField(_("counted from"), max_length=200)
    legal_reference = models.CharField(_("legal reference"), max_length=300, blank=True)
    configurable = models.BooleanField(_("value not confirmed: to be set by an administrator"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["record_kind", "valid_from"]
        verbose_name = _("retention rule")
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="retention_rule_version"),
            models.CheckConstraint(condition=Q(period__gt=0), name="retention_rule_period_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} from {self.valid_from}: {self.period} {self.unit}"

    @property
    def label(self) -> str:
        language = (get_language() or "en")[:2]
        return getattr(self, f"title_{language}", "") or self.title
