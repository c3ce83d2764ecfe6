"""Reads of issued notices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from panah.notices.models import IssuedNotice

if TYPE_CHECKING:
    from panah.cases.models import Case


def notices_of_case(case: Case) -> list[IssuedNotice]:
    """The notices issued on `case`, newest first (the caller has already been allowed to see the case)."""
    return list(IssuedNotice.objects.filter(case=case).select_related("event").order_by("-issued_at", "-id"))
