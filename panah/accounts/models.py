import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import MultilingualManager

from panah.accounts.roles import Role


class Organisation(models.Model):
    class Kind(models.TextChoices):
        STATE = "state", _("State social-protection department")
        UNHCR = "unhcr", _("UNHCR office")
        PARTNER = "partner", _("Partner NGO")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    regions = models.ManyToManyField("geo.Region", verbose_name=_("regions covered"), blank=True)
    is_active = models.BooleanField(default=True)

    # The manager django-modeltranslation would put here anyway (`translation.py` registers `name`), named
    # so the type checker knows it: lookups on `name` read the reader's language.
    objects = MultilingualManager["Organisation"]()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. What they may see and do comes from their memberships."""

    # Set when an administrator gives a temporary password: the next sign-in must choose a new one.
    must_change_password = models.BooleanField(_("must change password at next sign-in"), default=False)
    # The day of the last deactivation: reactivation may restore the memberships that ended that day.
    deactivated_on = models.DateField(_("deactivated on"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, on: dt.date | None = None) -> "MembershipQuerySet":
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=on),
            valid_from__lte=on,
            organisation__is_active=True,
        )


class Membership(models.Model):
    """A user's role in one organisation, limited to some of the regions that organisation covers."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    regions = models.ManyToManyField("geo.Region", verbose_name=_("regions"), blank=True)
    valid_from = models.DateField(default=timezone.localdate)
    valid_to = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="membership_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class SharingAgreement(models.Model):
    """A recorded agreement under which one organisation lets another see its persons in some regions."""

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agreements_given")
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agreements_received")
    regions = models.ManyToManyField("geo.Region", verbose_name=_("regions shared"))
    purpose = models.TextField(_("purpose"))
    # What the recipient may do with the provider's persons and cases: action codes of the policy that an
    # agreement may grant (`permissions.GRANTABLE`). Never a decision: those stay with the state body.
    actions = models.JSONField(_("actions granted"), default=list)
    reference = models.CharField(_("agreement reference"), max_length=100)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("data-sharing agreement")
        constraints = [
            models.CheckConstraint(condition=~Q(provider=F("recipient")), name="agreement_two_parties"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="agreement_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} → {self.recipient} ({self.reference})"

    def clean(self) -> None:
        from panah.accounts.permissions import GRANTABLE

        if self.provider_id and self.provider_id == self.recipient_id:
            raise ValidationError(_("An organisation cannot share data with itself."))
        unknown = sorted(set(self.actions) - GRANTABLE)
        if unknown:
            raise ValidationError(
                {
                    "actions": _("An agreement cannot grant these actions: %(actions)s.")
                    % {"actions": ", ".join(unknown)}
                }
            )


class UserSession(models.Model):
    """One signed-in browser session, to show a user where they are signed in and to end it.

    Written on sign-in, refreshed by AccountMiddleware at most once a minute, removed on sign-out or
    when the session is ended; the session itself lives in Django's session store."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("signed in"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        verbose_name = _("signed-in session")

    def __str__(self) -> str:
        return f"{self.user} · {self.ip_address or '?'} · {self.last_seen_at:%Y-%m-%d %H:%M}"
