"""Data-sharing agreements: an end date for new ones, the administrators' page, and sharing that stops
the day an agreement ends (tests/accounts covers regions and an agreement long expired)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from panah.accounts.models import SharingAgreement
from panah.accounts.scope import scope_for
from panah.privacy.services import record_agreement
from tests.conftest import REGION_B
from tests.factories import MembershipFactory, SharingAgreementFactory, UserFactory, region


@pytest.fixture
def partner_admin(cast):
    user = UserFactory(username="partner_admin")
    MembershipFactory(user=user, organisation=cast.partner, role="org_admin", regions=[REGION_B])
    return user


def test_sharing_stops_on_the_day_the_agreement_ends(cast):
    ends = dt.date(2026, 6, 30)
    SharingAgreementFactory(provider=cast.partner, recipient=cast.unhcr, regions=[REGION_B], valid_to=ends)
    day_before = ends - dt.timedelta(days=1)
    assert scope_for(cast.unhcr_officer, on=day_before).allows(cast.partner_person)
    assert not scope_for(cast.unhcr_officer, on=ends).allows(cast.partner_person)
    assert not scope_for(cast.unhcr_officer, on=ends + dt.timedelta(days=1)).allows(cast.partner_person)
    # What the state shares under its open-ended agreement is unaffected.
    assert scope_for(cast.unhcr_officer, on=ends).allows(cast.person_b)


def test_a_new_agreement_needs_an_end_after_its_start(cast, partner_admin):
    fields = {
        "provider": cast.partner, "recipient": cast.unhcr, "regions": [region(REGION_B)], "purpose": "legal aid",
        "reference": "DSA-2026-7", "valid_from": dt.date(2026, 1, 1),
    }  # fmt: skip
    with pytest.raises(ValidationError, match="end date"):
        record_agreement(by=partner_admin, valid_to=None, **fields)
    with pytest.raises(ValidationError, match="end after"):
        record_agreement(by=partner_admin, valid_to=dt.date(2026, 1, 1), **fields)
    agreement = record_agreement(by=partner_admin, valid_to=dt.date(2027, 1, 1), **fields)
    assert list(agreement.regions.values_list("code", flat=True)) == [REGION_B]
    assert agreement.recorded_by == partner_admin


@pytest.mark.parametrize("who", ["officer_a", "lawyer", "unhcr_officer", "statistician"])
def test_only_an_administrator_of_the_provider_records_an_agreement(cast, partner_admin, who):
    with pytest.raises(PermissionDenied):
        record_agreement(
            by=getattr(cast, who), provider=cast.partner, recipient=cast.unhcr, regions=[region(REGION_B)],
            purpose="legal aid", reference="DSA-1", valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2027, 1, 1),
        )  # fmt: skip


def test_the_page_lists_the_administrators_agreements_and_flags_those_ending_soon(client, cast, partner_admin):
    today = timezone.localdate()
    SharingAgreementFactory(
        provider=cast.partner, recipient=cast.unhcr, regions=[REGION_B], reference="DSA-SOON",
        valid_to=today + dt.timedelta(days=20),
    )  # fmt: skip
    SharingAgreementFactory(
        provider=cast.partner, recipient=cast.state, regions=[REGION_B], reference="DSA-LATER",
        valid_to=today + dt.timedelta(days=400),
    )  # fmt: skip
    client.force_login(partner_admin)
    page = client.get("/privacy/agreements/").content.decode()
    assert "DSA-SOON" in page and "DSA-LATER" in page
    assert "expires soon" in page
    assert page.count("expires soon") == 1
    # The state → UNHCR agreement of the cast is none of the partner's business.
    state_reference = SharingAgreement.objects.get(provider=cast.state, recipient=cast.unhcr).reference
    assert state_reference not in page
    client.force_login(cast.sysadmin)
    page = client.get("/privacy/agreements/").content.decode()
    assert state_reference in page and "no end date: review it" in page
    for who in ("officer_a", "lawyer", "statistician"):
        client.force_login(getattr(cast, who))
        assert client.get("/privacy/agreements/").status_code == 403


def test_recording_from_the_page(client, cast, partner_admin):
    client.force_login(partner_admin)
    data = {
        "provider": cast.partner.pk, "recipient": cast.unhcr.pk, "regions": [REGION_B], "purpose": "legal aid",
        "reference": "DSA-PAGE", "valid_from": "2026-01-01", "actions": ["view_person", "view_cases"],
    }  # fmt: skip
    assert client.post("/privacy/agreements/", data).status_code == 200  # no end date
    assert not SharingAgreement.objects.filter(reference="DSA-PAGE").exists()
    refused = client.post("/privacy/agreements/", {**data, "valid_to": "2027-01-01", "actions": ["decide_cases"]})
    assert refused.status_code == 200 and "decide_cases" not in [
        c[0] for c in refused.context["form"].fields["actions"].choices
    ]
    assert not SharingAgreement.objects.filter(reference="DSA-PAGE").exists()  # a decision is never granted
    response = client.post("/privacy/agreements/", {**data, "valid_to": "2027-01-01"})
    assert response.status_code == 302
    agreement = SharingAgreement.objects.get(reference="DSA-PAGE")
    assert agreement.valid_to == dt.date(2027, 1, 1) and agreement.actions == ["view_cases", "view_person"]


def test_the_django_admin_reads_and_ends_agreements_but_never_adds_deletes_or_opens_them(client, cast):
    from panah.audit.models import AuditEntry

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    agreement = SharingAgreementFactory(provider=cast.partner, recipient=cast.unhcr, regions=[REGION_B],
                                        valid_to=dt.date(2027, 6, 30))  # fmt: skip
    assert client.get("/admin/accounts/sharingagreement/add/").status_code == 403
    assert client.get(f"/admin/accounts/sharingagreement/{agreement.pk}/delete/").status_code == 403
    url = f"/admin/accounts/sharingagreement/{agreement.pk}/change/"
    form = {
        "provider": cast.partner.pk, "recipient": cast.unhcr.pk, "regions": [region(REGION_B).pk],
        "purpose": agreement.purpose, "reference": agreement.reference, "valid_from": agreement.valid_from.isoformat(),
        "actions": agreement.actions,
    }  # fmt: skip
    response = client.post(url, {**form, "valid_to": ""})
    assert response.status_code == 200 and "needs an end date" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.valid_to == dt.date(2027, 6, 30)
    ends = timezone.localdate() + dt.timedelta(days=1)
    assert client.post(url, {**form, "valid_to": ends.isoformat()}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.valid_to == ends
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.ADMIN, summary__contains=agreement.reference).get()
    assert entry.changes == {"valid_to": ends.isoformat()}
