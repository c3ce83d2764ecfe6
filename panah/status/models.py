"""The bitemporal legal-status timeline (ARCHITECTURE.md section 2).

A StatusEvent is true in law from `effective` and known to the system from `recorded_at`.
Events are never edited or deleted: a correction is a new event that `supersedes` an earlier one,
either restating it (another kind or date) or, as a RETRACTION, voiding it.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.accounts.scope import ScopedManager
from panah.common.encryption import EncryptedTextField
from panah.registry.models import PopulationType


class EventKind(models.TextChoices):
    ASYLUM_APPLICATION = "asylum_application", _("asylum application registered")
    REFUGEE_GRANTED = "refugee_granted", _("refugee status granted")
    ASYLUM_REJECTED = "asylum_rejected", _("asylum application rejected")
    APPEAL_LODGED = "appeal_lodged", _("appeal lodged")
    APPEAL_REJECTED = "appeal_rejected", _("appeal rejected")
    CLAIM_CLOSED = "claim_closed", _("asylum claim closed (withdrawn or abandoned)")
    REFUGEE_EXTENDED = "refugee_extended", _("refugee status extended")
    REFUGEE_CEASED = "refugee_ceased", _("refugee status ceased")
    REFUGEE_REVOKED = "refugee_revoked", _("refugee status withdrawn")
    UNDETERMINED_IDENTIFIED = "undetermined_identified", _("identified as of undetermined nationality")
    STATELESS_DETERMINED = "stateless_determined", _("determined stateless")
    NATIONALITY_CONFIRMED = "nationality_confirmed", _("nationality confirmed")
    RESIDENCE_PERMIT = "residence_permit", _("residence permit granted")
    NATURALISED = "naturalised", _("naturalised")
    OTHER_OF_CONCERN = "other_of_concern", _("recorded as other of concern")
    DEPARTED = "departed", _("departed from Kazakhstan")
    DIED = "died", _("died")
    RETRACTION = "retraction", _("retraction of an event recorded in error")


EXIT = ""  # no longer counted in any stock
UNCHANGED = None  # the event does not change the population type

# What each kind makes the person's population type. One table, read by the services and the selectors.
RESULTING_POPULATION: dict[str, str | None] = {
    EventKind.ASYLUM_APPLICATION: PopulationType.ASY,
    EventKind.REFUGEE_GRANTED: PopulationType.REF,
    EventKind.ASYLUM_REJECTED: EXIT,
    EventKind.APPEAL_LODGED: PopulationType.ASY,
    EventKind.APPEAL_REJECTED: EXIT,
    EventKind.CLAIM_CLOSED: EXIT,
    EventKind.REFUGEE_EXTENDED: UNCHANGED,
    EventKind.REFUGEE_CEASED: EXIT,
    EventKind.REFUGEE_REVOKED: EXIT,
    EventKind.UNDETERMINED_IDENTIFIED: PopulationType.UND,
    EventKind.STATELESS_DETERMINED: PopulationType.STA,
    EventKind.NATIONALITY_CONFIRMED: EXIT,
    EventKind.RESIDENCE_PERMIT: UNCHANGED,
    EventKind.NATURALISED: EXIT,
    EventKind.OTHER_OF_CONCERN: PopulationType.OOC,
    EventKind.DEPARTED: EXIT,
    EventKind.DIED: EXIT,
    EventKind.RETRACTION: UNCHANGED,
}


class ApplicationType(models.TextChoices):
    FIRST = "first", _("first application")
    REPEAT = "repeat", _("repeat application")


class StatusEventQuerySet(models.QuerySet["StatusEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("Status events are never changed: record a correction that supersedes the event.")

    def delete(self) -> NoReturn:
        raise TypeError("Status events are never deleted: record a retraction that supersedes the event.")


class StatusEvent(models.Model):
    person_scope_path = "person"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="status_events")
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    # Denormalised from `kind` through RESULTING_POPULATION so the database can fold the timeline;
    # NULL means the event leaves the population type unchanged, "" that the person exits every stock.
    population_type = models.CharField(max_length=3, null=True, blank=True, editable=False)
    effective = models.DateField(_("effective from"), help_text=_("When it became true in law: the decision date."))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    application_type = models.CharField(max_length=6, choices=ApplicationType.choices, blank=True)
    decision_reference = models.CharField(_("decision or document reference"), max_length=100, blank=True)
    evidence = EncryptedTextField(_("evidence"), blank=True)  # encrypted at rest
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        help_text=_("The earlier event this one corrects."),
    )

    objects = ScopedManager.from_queryset(StatusEventQuerySet)()

    class Meta:
        ordering = ["effective", "recorded_at", "id"]
        verbose_name = _("status event")
        indexes = [models.Index(fields=["person", "effective", "recorded_at"], name="statusevent_fold")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="retraction") | Q(supersedes__isnull=False), name="retraction_supersedes_an_event"
            ),
            models.CheckConstraint(
                condition=Q(application_type="") | Q(kind__in=["asylum_application"]),
                name="application_type_only_on_applications",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effective} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("Status events are never changed: record a correction that supersedes the event.")
        self.population_type = RESULTING_POPULATION[self.kind]
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Status events are never deleted: record a retraction that supersedes the event.")


def move_events_between_duplicates(event_ids: list[int], *, to_person_id: int) -> int:
    """Give these events to another Person record: only for merging duplicate records and undoing it.

    A merge joins two records of one and the same human being, so their events are one timeline;
    they keep every field (kind, dates, `recorded_at`, `recorded_by`, `supersedes`) and change only
    the record they hang on. `unmerge` moves the very same rows back. The only callers are
    `panah.matching.services.merge` and `unmerge`, inside their transaction; they list the ids in the
    merge's snapshot. Everything else that would change an event records a correction instead, and
    `StatusEvent.save()` and the queryset's `update()` keep refusing. Returns the rows moved.
    """
    # The plain QuerySet.update, deliberately past StatusEventQuerySet's refusal, for this one column.
    return models.QuerySet(StatusEvent).filter(pk__in=list(event_ids)).update(person_id=to_person_id)
