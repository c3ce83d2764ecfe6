from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from panah.accounts.scope import ScopedManager
from panah.common.encryption import EncryptedTextField
from panah.evidence.content import ACCEPTED
from panah.evidence.kinds import FileKind


class EvidenceFile(models.Model):
    """A scan or photo kept about a person, or about one of their cases: the file itself is encrypted in
    the evidence storage under `stored_as` (a random name, nothing personal), never in the database."""

    person_scope_path = "person"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="evidence_files")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="evidence_files"
    )
    kind = models.CharField(_("kind of document"), max_length=30, choices=FileKind.choices)
    note = EncryptedTextField(_("note"), blank=True)
    content_type = models.CharField(max_length=40, choices=[(t, t) for t in ACCEPTED])
    size = models.PositiveIntegerField(_("size"))
    stored_as = models.CharField(max_length=100, unique=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"
