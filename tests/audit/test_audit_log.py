import pytest
from django.contrib.admin.sites import site

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry, AuditLogIsAppendOnly
from panah.audit.services import record


def test_entries_cannot_be_changed_or_deleted(cast):
    entry = record(by=cast.officer_a, action=AuditEntry.Action.VIEW, obj=cast.person_a, person=cast.person_a)
    entry.summary = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == ""


def test_admin_offers_no_add_change_or_delete(rf, cast):
    model_admin = site._registry[AuditEntry]
    request = rf.get("/")
    request.user = cast.sysadmin
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_viewing_a_person_is_audited_with_who_and_what(client, cast):
    client.force_login(cast.officer_a)
    client.get(f"/persons/{cast.person_a.registration_number}/")
    entry = AuditEntry.objects.filter(action="view").latest("id")
    assert (entry.username, entry.person_number, entry.channel, entry.organisation) == (
        "officer_a",
        cast.person_a.registration_number,
        "web",
        cast.state,
    )
    assert entry.ip_address == "127.0.0.1"


def test_a_not_found_person_is_not_audited_as_viewed(client, cast):
    client.force_login(cast.officer_b)
    client.get(f"/persons/{cast.person_a.registration_number}/")
    assert not AuditEntry.objects.filter(action="view", person_id=cast.person_a.pk).exists()


def test_changes_are_audited_with_old_and_new_values(client, cast):
    client.force_login(cast.officer_a)
    response = client.post(
        f"/persons/{cast.person_a.registration_number}/edit/",
        {
            "name-latn_given_name": "Mohammad",
            "name-latn_family_name": "Ahmadi",
            "person-sex": "M",
            "person-birth": "1989",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="change").latest("id")
    assert entry.changes["birth_date"] == ["1990-05-17", "1989-01-01"]
    assert entry.changes["birth_date_precision"] == ["day", "year"]


def test_sign_in_and_failed_sign_in_are_audited(client, cast):
    from tests.factories import PASSWORD

    assert client.post("/accounts/login/", {"username": "officer_a", "password": PASSWORD}).status_code == 302
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "officer_a", "password": "wrong"})
    actions = list(AuditEntry.objects.filter(username="officer_a").values_list("action", flat=True))
    assert {"login", "logout", "login_failed"} <= set(actions)


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("sysadmin", 200),
        ("officer_a", 403),
        ("statistician", 403),
        ("lawyer", 403),
    ],
)
def test_audit_page_is_for_administrators(client, cast, user, status):
    client.force_login(getattr(cast, user))
    assert client.get("/audit/").status_code == status


def test_audit_page_filters_by_person(client, cast):
    record(by=cast.officer_a, action=AuditEntry.Action.VIEW, obj=cast.person_a, person=cast.person_a)
    record(by=cast.officer_b, action=AuditEntry.Action.VIEW, obj=cast.person_b, person=cast.person_b)
    client.force_login(cast.sysadmin)
    page = client.get("/audit/", {"person": cast.person_a.registration_number})
    entries = list(page.context["page"].object_list)
    assert {e.person_number for e in entries} == {cast.person_a.registration_number}


def test_organisation_administrator_reads_only_own_organisations_entries(client, cast):
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    other = OrganisationFactory(code="other-org")
    record(
        by=cast.officer_a,
        action=AuditEntry.Action.VIEW,
        obj=cast.person_a,
        person=cast.person_a,
        organisation=cast.state,
    )
    record(
        by=cast.lawyer,
        action=AuditEntry.Action.VIEW,
        obj=cast.partner_person,
        person=cast.partner_person,
        organisation=other,
    )
    admin = UserFactory(username="orgadmin")
    MembershipFactory(user=admin, organisation=cast.state, role="org_admin", regions=["KZ-55"])
    client.force_login(admin)
    entries = list(client.get("/audit/").context["page"].object_list)
    assert entries and all(e.organisation_id == cast.state.pk for e in entries)
    with unscoped("test"):
        assert AuditEntry.objects.count() > len(entries)
