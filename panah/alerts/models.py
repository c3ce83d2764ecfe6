"""Alerts: what each user wants to be told about and how often, and the log of every message sent.

`AlertPreference` is a user's own choice (no personal data of persons). `DeliveryLog` records each
message sent, failed or skipped with a reason *code* (rendered when read, `messages.REASONS`); it names
the recipient's address and nothing else about anyone, so it can be kept and shown to administrators."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    DEADLINES = "deadlines", _("Deadlines due or overdue on my cases")
    DOCUMENTS = "documents", _("Documents about to expire")
    BIRTHS = "births", _("Children past the age for birth registration without a certificate")
    REFERRALS = "referrals", _("Referrals waiting for an answer")
    APPOINTMENTS = "appointments", _("Appointments coming up on my cases")


class Frequency(models.TextChoices):
    DAILY = "daily", _("Every working day")
    WEEKLY = "weekly", _("Once a week (on its first working day)")
    OFF = "off", _("Never (switched off)")


DEFAULT_DAYS_AHEAD = 14
MAX_DAYS_AHEAD = 90


def all_kinds() -> list[str]:
    return list(AlertKind.values)


class AlertPreference(models.Model):
    """What a user wants in their digest, how often, and in which language (users have no language of
    their own elsewhere: the digest is read away from the site)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preference", verbose_name=_("user")
    )
    kinds = models.JSONField(_("what to include"), default=all_kinds)
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    days_ahead = models.PositiveSmallIntegerField(_("days ahead"), default=DEFAULT_DAYS_AHEAD)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="ru")
    last_sent_on = models.DateField(_("last digest sent on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("alert preference")
        constraints = [
            models.CheckConstraint(
                condition=Q(days_ahead__gte=1) & Q(days_ahead__lte=MAX_DAYS_AHEAD), name="alert_days_ahead_range"
            ),
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="alert_frequency_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.frequency}"


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("skipped")


class DeliveryLog(models.Model):
    """One message sent, failed or skipped. `reason` is a code (`messages.REASONS`); `recipient` is the
    address only; nothing of the message's content is kept."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    message = models.CharField(_("message"), max_length=30)  # a code of messages.KINDS ("digest")
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    items = models.PositiveIntegerField(_("items"), default=0)
    for_day = models.DateField(_("for the day"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery log entry")
        verbose_name_plural = _("delivery log")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="delivery_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.for_day} {self.channel} {self.status} {self.recipient}"
