"""Appointments of casework (interviews, hearings, document collection), each tied to a case and, unless
said otherwise, serving the case's next legal deadline; and the secret calendar feed of each user.

An appointment holds personal data through its case: its manager is the fail-closed `ScopedManager`,
reaching the person through the case. A feed token stores only the SHA-256 of its secret."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.accounts.permissions import Target
from panah.accounts.scope import ScopedManager


class AppointmentKind(models.TextChoices):
    INTERVIEW = "interview", _("interview")
    HEARING = "hearing", _("hearing")
    DOCUMENT_COLLECTION = "document_collection", _("document collection")


class Appointment(models.Model):
    person_scope_path = "case__person"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="appointments")
    kind = models.CharField(_("kind of appointment"), max_length=20, choices=AppointmentKind.choices)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    minutes = models.PositiveSmallIntegerField(_("duration in minutes"), default=60)
    place = models.CharField(_("place"), max_length=200, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer"),
    )
    serves_deadline = models.BooleanField(_("serves the case's next deadline"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("appointment")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=AppointmentKind.values), name="appointment_kind_known"),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=5) & models.Q(minutes__lte=600), name="appointment_minutes_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def day(self) -> dt.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.minutes)

    @property
    def after_deadline(self) -> bool:
        """Whether it falls after the deadline it serves: then it cannot serve it."""
        due = self.case.due_on
        return bool(self.serves_deadline and due is not None and self.day > due)

    def policy_target(self) -> Target:
        return self.case.policy_target()


class CalendarFeedToken(models.Model):
    """A user's secret calendar URL. Only the SHA-256 of the secret is kept; revoking ends it for good."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"
