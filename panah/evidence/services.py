"""Writes of evidence files: attach, open (a download is audited), remove, and erase with the person.

Each is one transaction that asks the policy (`permissions.file_action`) before it touches anything and
writes its audit entry inside it. The encrypted blob is written before its row; if the row cannot be
written the blob is deleted again. Blobs of removed rows are deleted once the removal is committed."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from panah.accounts.permissions import file_action, require
from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.common.phrases import label
from panah.evidence import content, crypto
from panah.evidence.kinds import FileKind
from panah.evidence.models import EvidenceFile

if TYPE_CHECKING:
    from panah.accounts.models import User
    from panah.cases.models import Case
    from panah.registry.models import Person

KIND = "panah.evidence.kinds.FileKind"


def _subject(file: EvidenceFile) -> Any:
    """What the policy decides a file's actions on: its case, else its person."""
    return file.case if file.case_id else file.person


def _params(file: EvidenceFile, **more: Any) -> dict[str, Any]:
    return {"file": file.pk, "kind": label(KIND, file.kind), **more}


@transaction.atomic
def attach_file(
    *,
    by: User,
    person: Person,
    kind: str,
    data: bytes,
    size: int | None = None,
    note: str = "",
    case: Case | None = None,
) -> EvidenceFile:
    """Check `data` by its content, re-encode images without metadata, encrypt and store it.

    Side effects: one encrypted blob in the evidence storage; one EvidenceFile; one audit entry.
    Raises PermissionDenied (Refused) unless `by` may attach to the person (or work on the case);
    ValidationError naming `file` or `kind` for a file or kind not accepted."""
    if case is not None and case.person_id != person.pk:
        raise ValueError("The case is not about this person.")
    require(by, file_action("attach", on_case=case is not None), case or person)
    if kind not in FileKind.values:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    checked = content.check(data, field="file", size=size)
    storage = crypto.storage()
    name = storage.save(f"{uuid.uuid4().hex}.bin", ContentFile(crypto.encrypt(checked.data)))
    try:
        file = EvidenceFile.objects.create(
            person=person,
            case=case,
            kind=kind,
            note=note.strip(),
            content_type=checked.content_type,
            size=len(checked.data),
            stored_as=name,
            uploaded_by=by if getattr(by, "pk", None) else None,
        )
        record(
            by=by,
            action=AuditEntry.Action.CREATE,
            obj=file,
            person=person,
            message="evidence_attached_case" if case is not None else "evidence_attached",
            params=_params(file, case=case.pk) if case is not None else _params(file),
        )
    except BaseException:
        storage.delete(name)
        raise
    return file


def read_blob(file: EvidenceFile) -> bytes:
    """The decrypted bytes of a file, for code that has already authorised and audited the read (the
    subject-access export)."""
    with crypto.storage().open(file.stored_as, "rb") as stored:
        return crypto.decrypt(stored.read())


@transaction.atomic
def open_file(*, by: User, file: EvidenceFile) -> bytes:
    """The file's decrypted bytes, for a download. Side effects: one audit entry (a view of the person's
    record). Raises PermissionDenied unless `by` may see the person's files (or the case)."""
    require(by, file_action("view", on_case=bool(file.case_id)), _subject(file))
    data = read_blob(file)
    record(
        by=by,
        action=AuditEntry.Action.VIEW,
        obj=file,
        person=file.person,
        message="evidence_downloaded",
        params=_params(file),
    )
    return data


@transaction.atomic
def remove_file(*, by: User, file: EvidenceFile, reason: str) -> None:
    """Remove a file attached by mistake (or no longer to be kept).

    Side effects: the EvidenceFile row; its blob, once the removal is committed; one audit entry with the
    reason. Raises PermissionDenied unless `by` may remove it; ValidationError without a reason."""
    require(by, file_action("remove", on_case=bool(file.case_id)), _subject(file))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for removing the file.")})
    record(
        by=by,
        action=AuditEntry.Action.CHANGE,
        obj=file,
        person=file.person,
        message="evidence_removed",
        params=_params(file, reason=reason.strip()),
    )
    name = file.stored_as
    file.delete()
    transaction.on_commit(lambda: crypto.storage().delete(name))


def erase_files(person_ids: Iterable[int]) -> int:
    """Delete every evidence file of these persons and, once committed, their blobs: what anonymisation
    (on request or under a retention rule) does with them. The caller audits the anonymisation.
    Returns how many were deleted."""
    with unscoped("erase the evidence files of an anonymised person"):
        files = EvidenceFile.objects.filter(person_id__in=list(person_ids))
        names = list(files.values_list("stored_as", flat=True))
        files.delete()

    def delete_blobs() -> None:
        storage = crypto.storage()
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_blobs)
    return len(names)
