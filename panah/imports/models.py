"""An import of a person file and the rows it created.

`ImportRun` keeps the file, encrypted, while the user checks it, says how its columns and values are
read (`mapping`, see mapping.py) and checks it again, until it is imported (or the retention period of
uploaded files ends); then it keeps the report and the outcome. `ImportedRow` remembers each row
identifier an organisation has imported (a `person_id` column, or one derived from the row), so
importing the same file, or the same rows again, creates nothing new. `ColumnMapping` and
`ValueMapping` are an organisation's saved choices, offered on its next imports.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from panah.accounts.permissions import Target
from panah.common.encryption import EncryptedBinaryField


class ImportRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        VALIDATED = "validated", _("Checked: nothing written yet")
        IMPORTED = "imported", _("Imported")
        REFUSED = "refused", _("Not imported: the file has errors")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_hash = models.CharField(max_length=64, db_index=True)  # SHA-256 of the bytes
    content = EncryptedBinaryField(editable=False)  # emptied once imported, or by the retention rule
    mapping = models.JSONField(default=dict, blank=True)  # mapping.ImportMapping.as_dict()
    dry_run = models.BooleanField(_("dry run"), default=False)
    skip_invalid = models.BooleanField(_("import the valid rows, report the others"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    report = models.JSONField(default=dict, blank=True)
    rows = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("import")

    def __str__(self) -> str:
        return f"{self.file_name} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state != self.State.QUEUED

    def policy_target(self) -> Target:
        """Who may follow an import: whoever asked for it, and system administrators (the policy's
        FOLLOW_OWN_WORK)."""
        return Target(
            label=f"imports.ImportRun:{self.pk}",
            organisation_id=self.organisation_id,
            requested_by_id=self.requested_by_id,
        )


class ImportedRow(models.Model):
    """One person-file row an organisation imported: its `person_id` and the person it became."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=100)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="imported_rows")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "source_id"], name="imported_row_once_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.person_id}"


class ColumnMapping(models.Model):
    """A header an organisation's files use, and the person-file column it stands for ("" = ignore).

    Saved from the mapping page of an import; read before the built-in synonyms (columns.py)."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    header = models.CharField(max_length=200)  # folded, as columns.fold writes it
    column = models.CharField(max_length=30, blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "header"], name="column_mapping_once_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.header} → {self.column or '-'}"


class ValueMapping(models.Model):
    """A word an organisation's files use that no word list knows, and the code it stands for (a status,
    a region, a country…). Saved from the import page; offered on the organisation's next imports."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    column = models.CharField(max_length=30)  # one of values.MAPPABLE
    value = models.CharField(max_length=200)  # folded, as columns.fold writes it
    code = models.CharField(max_length=12)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "column", "value"], name="value_mapping_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.column}: {self.value} → {self.code}"
