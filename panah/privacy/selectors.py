"""Reads of data protection: the sharing agreements an administrator sees and may record."""

from typing import Any

from django.db.models import Q, QuerySet

from panah.accounts.models import Organisation, SharingAgreement, User
from panah.accounts.permissions import found_in_scope
from panah.accounts.roles import Action
from panah.accounts.scope import organisation_scope
from panah.privacy.models import SubjectRequest


def _administered(user: User) -> tuple[bool, set[int]]:
    scope = organisation_scope(user, Action.MANAGE_AGREEMENTS)
    return scope.everything, set().union(*(g.organisation_ids for g in scope.grants)) if scope.grants else set()


def agreements_for_user(user: User) -> QuerySet[SharingAgreement]:
    """The sharing agreements an administrator may list: those their organisations give or receive;
    all of them for a system administrator."""
    everything, organisations = _administered(user)
    agreements = SharingAgreement.objects.select_related("provider", "recipient").prefetch_related("regions")
    if not everything:
        agreements = agreements.filter(Q(provider_id__in=organisations) | Q(recipient_id__in=organisations))
    return agreements.order_by("valid_to", "id")


def providers_for_user(user: User) -> QuerySet[Organisation]:
    """The organisations whose agreements `user` records: those they administer."""
    everything, organisations = _administered(user)
    providers = Organisation.objects.filter(is_active=True)
    return providers if everything else providers.filter(pk__in=sorted(organisations))


def get_request_for_user(user: Any, pk: int, **lookup: Any) -> SubjectRequest:
    """One data-subject request about a person `user` may see, or 404 alike for "no such" and "not yours"."""
    return found_in_scope(
        SubjectRequest.objects.select_related("person", "received_by", "handled_by"),
        user=user,
        action=Action.VIEW_PERSON,
        pk=pk,
        **lookup,
    )
