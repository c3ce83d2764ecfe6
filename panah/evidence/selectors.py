"""Reads of evidence files: which a user may see on a person or a case, one file by id (authorised), and
what a case step still lacks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from panah.accounts.permissions import file_action, may, require_found
from panah.accounts.scope import unscoped
from panah.evidence.models import EvidenceFile

if TYPE_CHECKING:
    from panah.accounts.models import User
    from panah.cases.models import Case
    from panah.registry.models import Person


def files_of_person(user: User, person: Person) -> list[EvidenceFile] | None:
    """The files kept about `person` itself (not those of a case), or None if `user` may not see them."""
    if not may(user, file_action("view", on_case=False), person):
        return None
    return list(EvidenceFile.objects.filter(person=person, case__isnull=True).select_related("uploaded_by"))


def files_of_case(user: User, case: Case) -> list[EvidenceFile] | None:
    """The files of `case`, or None if `user` may not see the case. A partner a referral assigns the case
    to sees it (and its files) without seeing the person's record, so the rows are read unscoped once the
    case's policy has answered."""
    if not may(user, file_action("view", on_case=True), case):
        return None
    with unscoped("the files of a case the policy lets the caller see"):
        return list(EvidenceFile.objects.filter(case=case).select_related("uploaded_by"))


def get_file_for_user(user: User, pk: int, verb: str = "view") -> EvidenceFile:
    """One file `user` may see, or 404 (the same for "no such file" and "not yours", the attempt noted).
    `verb` other than "view" is then required by the service, which answers 403."""
    from django.http import Http404

    with unscoped("find the file; the policy decides below, on its person or case"):
        file = EvidenceFile.objects.select_related("person", "case", "case__organisation").filter(pk=pk).first()
    if file is None:
        raise Http404
    require_found(user, file_action("view", on_case=bool(file.case_id)), file.case if file.case_id else file.person)
    return file


def kinds_on_case(case: Case) -> set[str]:
    with unscoped("which kinds of document a case holds (no file is read)"):
        return set(EvidenceFile.objects.filter(case=case).values_list("kind", flat=True))


def missing_for(case: Case, requires: Any) -> list[str]:
    """The kinds of document among `requires` that `case` does not hold yet, in the order required."""
    if not requires:
        return []
    held = kinds_on_case(case)
    return [kind for kind in requires if kind not in held]
