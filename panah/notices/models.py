"""Decision notices and registration certificates: the templates an administrator edits (each save a new
version) and every notice issued, with its signed payload and whether it is still genuine.

An issued notice holds personal data (it names the person it was issued to): its manager is the
fail-closed `ScopedManager`, reaching the person through `person_scope_path`. The public verification
page reads it across scopes in one visible line, and shows only the payload's fields.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from panah.accounts.permissions import Target
from panah.accounts.scope import ScopedManager

# The official languages a notice is issued in, and the person's own languages shown alongside
# (the leaflet languages written right to left: panah.knowledge.models.LEAFLET_LANGUAGES).
OFFICIAL_LANGUAGES = (("kk", _("Kazakh")), ("ru", _("Russian")))
PERSON_LANGUAGES = (("prs", _("Dari")), ("ps", _("Pashto")), ("ar", _("Arabic")))
TEMPLATE_LANGUAGES = OFFICIAL_LANGUAGES + PERSON_LANGUAGES


class TemplateKind(models.TextChoices):
    DECISION = "decision", _("decision notice")
    REGISTRATION = "registration", _("registration certificate")


class NoticeTemplate(models.Model):
    """One version of the text of a notice in one language: a Django template over the documented
    variables (`panah.notices.services.VARIABLES`). Saved in the admin, a change is a new version."""

    kind = models.CharField(_("kind"), max_length=20, choices=TemplateKind.choices)
    language = models.CharField(_("language"), max_length=3, choices=TEMPLATE_LANGUAGES)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    valid_from = models.DateField(_("applies to decisions from"))
    body = models.TextField(
        _("text"), help_text=_("Django template text; the variables are listed in the operators' guide.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["kind", "language", "-valid_from", "-version"]
        verbose_name = _("notice template")
        constraints = [
            models.UniqueConstraint(fields=["kind", "language", "version"], name="notice_template_version"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.language} v{self.version} ({self.valid_from})"


class NoticeStatus(models.TextChoices):
    GENUINE = "genuine", _("genuine and current")
    CORRECTED = "corrected", _("corrected: replaced by a later notice")
    REVOKED = "revoked", _("revoked")


class IssuedNotice(models.Model):
    person_scope_path = "person"

    code = models.CharField(_("short code"), max_length=12, unique=True)
    kind = models.CharField(_("kind"), max_length=60)  # "registration" or "<case kind>.<step>"
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    event = models.ForeignKey("cases.CaseEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing body")
    )
    language = models.CharField(_("language"), max_length=3, choices=OFFICIAL_LANGUAGES)
    person_language = models.CharField(_("person's language"), max_length=3, choices=PERSON_LANGUAGES, blank=True)
    decided_on = models.DateField(_("date of the decision"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # What the notice said, frozen when issued: the variables its templates were rendered with, and which
    # template versions, so a reprint is the same document.
    content = models.JSONField(default=dict)
    payload = models.CharField(max_length=300)
    signature = models.CharField(max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.GENUINE)
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    replaced_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = ScopedManager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("issued notice")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=NoticeStatus.values), name="notice_status_known"),
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True) | Q(status=NoticeStatus.CORRECTED),
                name="notice_replaced_iff_corrected",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def policy_target(self) -> Target:
        """A decision notice is read as its case; a registration certificate as its person."""
        if self.case_id is not None:
            return self.case.policy_target()
        person = self.person
        return Target(
            label=f"notices.IssuedNotice:{self.pk}",
            organisation_id=person.organisation_id,
            region_code=person.region_id,
            person=person,
            organisation_kind=person.organisation.kind,
        )


class NoticeCheck(models.Model):
    """One check on the public verification page: which code was asked, what it answered, from where.
    Holds no personal data (a notice's id, not its person)."""

    class Outcome(models.TextChoices):
        GENUINE = "genuine", _("genuine")
        CORRECTED = "corrected", _("corrected")
        REVOKED = "revoked", _("revoked")
        UNKNOWN = "unknown", _("unknown code")
        BAD_SIGNATURE = "bad_signature", _("signature does not match")

    checked_at = models.DateTimeField(auto_now_add=True)
    code = models.CharField(max_length=40)
    notice = models.ForeignKey(IssuedNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("notice check")

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {self.code} {self.outcome}"


def initials(names: Any) -> str:
    """ "A. K." from a person's first name: the only personal detail a notice's payload carries."""
    name = names[0] if names else None
    if name is None:
        return ""
    words = [w for w in (name.given_name, name.family_name) if w] or (name.full_name or "").split()[:2]
    return " ".join(f"{w[0].upper()}." for w in words)
