from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLogIsAppendOnly(Exception):
    pass


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit entries cannot be changed.")

    def delete(self) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit entries cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit entries cannot be changed.")

    def redact(self, changes: dict[str, Any]) -> int:
        """Replace the recorded values of these entries (their field names stay) when the person they
        name is anonymised. Only `privacy.services.anonymise_person` calls it, inside its audited transaction."""
        return models.QuerySet.update(self, changes=changes)

    def expire(self) -> int:
        """Delete these entries because their retention period has passed. Only
        `audit.services.expire_entries` calls it, and audits the deletion in the same transaction."""
        return models.QuerySet.delete(self)[0]


class AuditEntry(models.Model):
    """One thing someone did: viewed a person, changed one, exported, merged, signed in.

    Append-only: the ORM refuses to update or delete an entry, and so does the admin.
    Persons are referred to by id and registration number, not by foreign key, so the log
    outlives the records it describes.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        SEARCH = "search", _("searched")
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        EXPORT = "export", _("exported")
        MERGE = "merge", _("merged")
        DECIDE = "decide", _("recorded a status event")
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login_failed", _("failed to sign in")
        LOGOUT = "logout", _("signed out")
        ADMIN = "admin", _("administered")
        COMMAND = "command", _("ran a command")
        REFUSED = "refused", _("was refused")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    person_number = models.CharField(max_length=20, blank=True, db_index=True)
    # What happened, as a code of `panah.audit.messages` with its parameters, put into words in the
    # reader's language by `text`; `summary` holds the same in English (and is all an older entry has).
    message = models.CharField(max_length=40, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    purpose = models.CharField(max_length=300, blank=True)

    class Channel(models.TextChoices):
        WEB = "web", _("web page")
        CLI = "cli", _("command line")
        TASK = "task", _("background task")
        API = "api", _("API")

    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogIsAppendOnly("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit entries cannot be deleted.")

    @property
    def text(self) -> str:
        """What happened, in the active language (see `panah.audit.messages`)."""
        from panah.audit.messages import render

        return (render(self.message, self.parameters) if self.message else "") or self.summary

    @property
    def purpose_text(self) -> str:
        from panah.audit.messages import purpose

        return purpose(self.purpose)
