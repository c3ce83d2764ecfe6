"""Referrals to partner projects: the state machine and its illegal steps, consent checked on the day,
the project's capacity, services delivered, who sees what (the partner only the referrals addressed to
it and only the data they share; 404 for everyone else), the scoping rule and the audit trail.

The cast (tests/conftest.py): officer_b (state department, region B) refers person_b (region B) to a
project of the partner NGO KIBHR, whose lawyer works in region B. UNHCR sees person_b under a sharing
agreement but not the referral; a second partner NGO in region B sees nothing of it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from panah.accounts.roles import Action
from panah.accounts.scope import organisation_scope, scope_for, unscoped, use_scope
from panah.audit.models import AuditEntry
from panah.cases import referral_selectors as selectors
from panah.cases import referral_services as services
from panah.cases.models import Referral, ReferralEvent, ReferralSubject, ServiceDelivery
from panah.registry.models import Address, Document
from tests.conftest import REGION_A, REGION_B
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, UserFactory, region
from tests.factories.cases import consent, household
from tests.factories.knowledge import PartnerProjectFactory

D = dt.date
SENT_ON = D(2024, 2, 1)
ANSWERED_ON = D(2024, 2, 5)


@pytest.fixture
def project(cast):
    return PartnerProjectFactory(
        organisation=cast.partner, title="Free legal aid", regions=[REGION_B], capacity=10,
        services="Legal counselling\nRepresentation in court",
    )  # fmt: skip


@pytest.fixture
def agreed(cast):
    """person_b's consent to share with partners, given in 2020."""
    return consent(cast.person_b, taken_by=cast.officer_b, given_on=D(2020, 1, 1))


@pytest.fixture
def other_partner(cast):
    ngo = OrganisationFactory(code="other-ngo", name="Other NGO", kind="partner", regions=[REGION_B])
    user = UserFactory(username="other_lawyer")
    MembershipFactory(user=user, organisation=ngo, role="caseworker", regions=[REGION_B])
    return user


def send(by, person, project, consent, **extra):
    with use_scope(scope_for(by)):
        return services.send_referral(
            by=by,
            person=person,
            project=project,
            kind=extra.pop("kind", "legal_aid"),
            needs=extra.pop("needs", "Needs a lawyer for the statelessness application."),
            consent=consent,
            sent_on=extra.pop("sent_on", SENT_ON),
            **extra,
        )


def step(by, referral, name, effective=ANSWERED_ON, reason=""):
    with use_scope(scope_for(by)):
        return services.step_referral(by=by, referral=referral, step=name, effective=effective, reason=reason)


def state_of(referral):
    with unscoped("test"):
        return Referral.objects.get(pk=referral.pk).state


# ---- the state machine -----------------------------------------------------------------------------


def test_referral_goes_sent_accepted_completed_with_services_and_history(cast, project, agreed):
    referral = send(cast.officer_b, cast.person_b, project, agreed)
    assert referral.state == "sent"
    assert referral.to_organisation == cast.partner and referral.from_organisation == cast.state
    step(cast.lawyer, referral, "accept", D(2024, 2, 5), "We take it.")
    with use_scope(scope_for(cast.lawyer)):
        services.record_delivery(
            by=cast.lawyer, referral=referral, delivered_on=D(2024, 2, 10), service="Legal counselling", note="1 h"
        )
    step(cast.lawyer, referral, "complete", D(2024, 3, 1), "Application filed with the migration service.")
    assert state_of(referral) == "completed"
    with unscoped("test"):
        history = [
            (e.step, e.from_state, e.to_state, e.reason) for e in ReferralEvent.objects.filter(referral=referral)
        ]
        delivery = ServiceDelivery.objects.get(referral=referral)
    assert history == [
        ("send", "", "sent", "Needs a lawyer for the statelessness application."),
        ("accept", "sent", "accepted", "We take it."),
        ("complete", "accepted", "completed", "Application filed with the migration service."),
    ]
    assert (delivery.delivered_on, delivery.service, delivery.delivered_by) == (
        D(2024, 2, 10),
        "Legal counselling",
        "lawyer",
    )


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([], "complete"),  # not accepted yet
        (["accept"], "accept"),  # twice
        (["accept"], "decline"),  # declining is an answer to a sent referral only
        (["decline"], "accept"),  # declined is final
        (["decline"], "complete"),
        (["accept", "complete"], "decline"),  # completed is final
        (["accept", "complete"], "complete"),
        ([], "send"),  # not a step a partner takes
        ([], "reopen"),  # no such step
    ],
)
def test_illegal_steps_are_refused_and_change_nothing(cast, project, agreed, path, illegal):
    referral = send(cast.officer_b, cast.person_b, project, agreed)
    for name in path:
        step(cast.lawyer, referral, name, reason="because")
    before = state_of(referral)
    with pytest.raises(ValidationError) as refused:
        step(cast.lawyer, referral, illegal, reason="because")
    assert "step" in refused.value.message_dict
    assert state_of(referral) == before


def test_declining_and_completing_need_a_reason(cast, project, agreed):
    referral = send(cast.officer_b, cast.person_b, project, agreed)
    with pytest.raises(ValidationError, match="reason"):
        step(cast.lawyer, referral, "decline", reason="  ")
    step(cast.lawyer, referral, "accept")
    with pytest.raises(ValidationError, match="reason"):
        step(cast.lawyer, referral, "complete")
    assert state_of(referral) == "accepted"


def test_a_step_cannot_be_dated_before_the_referral_or_in_the_future(cast, project, agreed, today):
    referral = send(cast.officer_b, cast.person_b, project, agreed)
    with pytest.raises(ValidationError, match="before"):
        step(cast.lawyer, referral, "accept", SENT_ON - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="future"):
        step(cast.lawyer, referral, "accept", today + dt.timedelta(days=1))


def test_services_are_recorded_only_while_accepted(cast, project, agreed):
    referral = send(cast.officer_b, cast.person_b, project, agreed)
    with use_scope(scope_for(cast.lawyer)), pytest.raises(ValidationError, match="accepted"):
        services.record_delivery(by=cast.lawyer, referral=referral, delivered_on=D(2024, 2, 10), service="Counselling")


def test_only_the_partner_addressed_takes_steps_and_records_services(cast, project, agreed, other_partner):
    referral = send(cast.officer_b, cast.person_b, project, agreed)
    for outsider in (cast.officer_b, other_partner, cast.unhcr_officer, cast.statistician):
        with pytest.raises(PermissionDenied):
            step(outsider, referral, "accept")
    step(cast.lawyer, referral, "accept")
    with use_scope(scope_for(cast.officer_b)), pytest.raises(PermissionDenied):
        services.record_delivery(by=cast.officer_b, referral=referral, delivered_on=D(2024, 2, 10), service="x")
    assert state_of(referral) == "accepted"


# ---- consent -----------------------------------------------------------------------------------------


def test_referral_without_consent_is_refused_with_a_clear_message(cast, project):
    with pytest.raises(ValidationError) as refused:
        send(cast.officer_b, cast.person_b, project, None)
    assert "has no consent valid on 01.02.2024" in refused.value.message_dict["consent"][0]
    with unscoped("test"):
        assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("given_on", "withdrawn_on", "valid"),
    [
        (D(2020, 1, 1), None, True),
        (SENT_ON, None, True),  # given that day
        (D(2024, 2, 2), None, False),  # given the day after
        (D(2020, 1, 1), SENT_ON, False),  # withdrawn that day
        (D(2020, 1, 1), D(2024, 2, 2), True),  # withdrawn only later
    ],
)
def test_consent_must_be_valid_on_the_day_of_the_referral(cast, project, given_on, withdrawn_on, valid):
    given = consent(cast.person_b, taken_by=cast.officer_b, given_on=given_on, withdrawn_on=withdrawn_on)
    if valid:
        assert send(cast.officer_b, cast.person_b, project, given).consent == given
    else:
        with pytest.raises(ValidationError, match="no consent valid"):
            send(cast.officer_b, cast.person_b, project, given)


def test_another_persons_consent_does_not_count(cast, project):
    someone_else = consent(cast.person_a, taken_by=cast.officer_a)
    with pytest.raises(ValidationError, match="no consent valid"):
        send(cast.officer_b, cast.person_b, project, someone_else)


def test_household_referral_shares_the_members_and_needs_each_adults_consent(cast, project, agreed):
    spouse = PersonFactory(organisation=cast.state, region=region(REGION_B), name=("Aigul", "Husseini"), sex="F")
    child = PersonFactory(
        organisation=cast.state, region=region(REGION_B), name=("Dana", "Husseini"), sex="F", birth_date=D(2019, 4, 1)
    )
    household(cast.person_b, (spouse, "spouse"), (child, "child"))
    with pytest.raises(ValidationError) as refused:
        send(cast.officer_b, cast.person_b, project, agreed, household=True)
    message = refused.value.message_dict["household"][0]
    assert spouse.registration_number in message and child.registration_number not in message
    consent(spouse, taken_by=cast.officer_b)
    referral = send(cast.officer_b, cast.person_b, project, agreed, household=True)
    with unscoped("test"):
        shared = {(s.person_id, s.relationship) for s in ReferralSubject.objects.filter(referral=referral)}
    assert shared == {(cast.person_b.pk, "head"), (spouse.pk, "spouse"), (child.pk, "child")}
    view = selectors.shared_view(referral, on=D(2024, 6, 1))
    assert [(s.name, s.age, s.relationship) for s in view.subjects] == [
        ("Husseini Zarina", 34, "head of household"),
        ("Husseini Aigul", 34, "spouse"),
        ("Husseini Dana", 5, "son or daughter"),
    ]


def test_household_referral_of_a_person_without_household_is_refused(cast, project, agreed):
    with pytest.raises(ValidationError, match="no household"):
        send(cast.officer_b, cast.person_b, project, agreed, household=True)


# ---- the project ------------------------------------------------------------------------------------


def test_accepting_beyond_capacity_is_refused_until_a_place_frees(cast, project, agreed):
    project.capacity = 1
    project.save()
    first = send(cast.officer_b, cast.person_b, project, agreed)
    second = send(cast.officer_b, cast.person_b, project, agreed, kind="cash")
    step(cast.lawyer, first, "accept")
    with pytest.raises(ValidationError, match="The project is full: it serves 1 of 1 persons"):
        step(cast.lawyer, second, "accept")
    assert state_of(second) == "sent"
    step(cast.lawyer, first, "complete", reason="done")
    step(cast.lawyer, second, "accept")
    assert state_of(second) == "accepted"


def test_a_project_without_capacity_is_not_limited(cast, project, agreed):
    project.capacity = None
    project.save()
    for _n in range(3):
        step(cast.lawyer, send(cast.officer_b, cast.person_b, project, agreed), "accept")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"organisation": None}, "no organisation in Panah"),
        ({"ends_on": D(2023, 12, 31)}, "not running"),
        ({"starts_on": D(2024, 3, 1)}, "not running"),
    ],
)
def test_a_project_that_cannot_receive_the_referral_is_refused(cast, project, agreed, change, message):
    for field, value in change.items():
        setattr(project, field, value)
    project.save()
    with pytest.raises(ValidationError, match=message):
        send(cast.officer_b, cast.person_b, project, agreed)


def test_a_project_outside_the_persons_region_is_refused(cast, agreed):
    elsewhere = PartnerProjectFactory(organisation=cast.partner, regions=[REGION_A])
    with pytest.raises(ValidationError, match="does not work in the person's region"):
        send(cast.officer_b, cast.person_b, elsewhere, agreed)


def test_only_who_works_the_persons_case_may_refer(cast, project, agreed):
    for outsider in (cast.officer_a, cast.lawyer, cast.statistician):
        with pytest.raises(PermissionDenied):
            send(outsider, cast.person_b, project, agreed)


# ---- who sees what ----------------------------------------------------------------------------------


def test_organisation_scope_leaves_out_what_agreements_share(cast):
    unhcr = organisation_scope(cast.unhcr_officer, Action.VIEW_PERSON)
    assert unhcr.covers(cast.unhcr.pk, REGION_B) and not unhcr.covers(cast.state.pk, REGION_B)
    assert scope_for(cast.unhcr_officer).covers(cast.state.pk, REGION_B)  # the person scope does include it
    lawyer = organisation_scope(cast.lawyer, Action.WORK_CASES)
    assert lawyer.covers(cast.partner.pk, REGION_B) and not lawyer.covers(cast.partner.pk, REGION_A)
    assert not organisation_scope(cast.statistician, Action.VIEW_PERSON).grants
    assert organisation_scope(cast.sysadmin, Action.WORK_CASES).everything


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("lawyer", 200),  # the partner addressed
        ("officer_b", 200),  # the referring organisation
        ("sysadmin", 200),
        ("other_lawyer", 404),  # another partner in the same region
        ("unhcr_officer", 404),  # sees the person under an agreement, not the referral
        ("officer_a", 404),  # the referring organisation, another region
        ("decider_a", 404),
        ("statistician", 404),
    ],
)
def test_referral_page_answers_only_to_sender_and_addressee(client, cast, project, agreed, other_partner, user, status):
    referral = send(cast.officer_b, cast.person_b, project, agreed)
    users = {"other_lawyer": other_partner}
    client.force_login(users.get(user) or getattr(cast, user))
    assert client.get(f"/cases/referrals/{referral.pk}/").status_code == status
    assert client.post(
        f"/cases/referrals/{referral.pk}/step/", {"step": "accept", "effective": "05.02.2024"}
    ).status_code in ({404} if status == 404 else {302, 403})
    assert state_of(referral) == ("accepted" if user in ("lawyer", "sysadmin") else "sent")


def test_partner_sees_only_the_shared_fields(client, cast, project, agreed):
    with unscoped("test set-up: leakable data"):
        Document._base_manager.create(person=cast.person_b, type="passport", number="N7654321")
        Address._base_manager.create(
            person=cast.person_b, region=region(REGION_B), line="Abaya 150, kv. 12", phone="+77015550101",
            valid_from=D(2020, 1, 1),
        )  # fmt: skip
    referral = send(cast.officer_b, cast.person_b, project, agreed, needs="Legal counselling on documents.")
    client.force_login(cast.lawyer)
    page = client.get(f"/cases/referrals/{referral.pk}/").content.decode()
    for shared in ("Husseini Zarina", cast.person_b.registration_number, "female", "Legal counselling on documents."):
        assert shared in page
    for hidden in (
        "17.05.1990",
        "1990-05-17",
        "N7654321",
        "Abaya 150",
        "+77015550101",
        f"/persons/{cast.person_b.registration_number}",
    ):
        assert hidden not in page
    # The person's file itself stays out of reach.
    assert client.get(f"/persons/{cast.person_b.registration_number}/").status_code == 404


def test_inbox_lists_addressed_and_sent_referrals_by_organisation(cast, project, agreed, other_partner):
    referral = send(cast.officer_b, cast.person_b, project, agreed)
    assert [r.pk for r in selectors.inbox(cast.lawyer).addressed] == [referral.pk]
    assert selectors.inbox(cast.lawyer).sent == []
    assert [r.pk for r in selectors.inbox(cast.officer_b).sent] == [referral.pk]
    assert selectors.inbox(other_partner).addressed == [] and selectors.inbox(other_partner).sent == []
    assert selectors.inbox(cast.unhcr_officer).addressed == [] and selectors.inbox(cast.unhcr_officer).sent == []


@pytest.mark.parametrize("count", [1, 3])
def test_inbox_page_query_count_does_not_grow_with_referrals(
    client, cast, project, agreed, count, django_assert_max_num_queries
):
    for _n in range(count):
        send(cast.officer_b, cast.person_b, project, agreed)
    client.force_login(cast.lawyer)
    with django_assert_max_num_queries(25):
        response = client.get("/cases/referrals/")
    assert response.status_code == 200
    assert response.content.decode().count("/cases/referrals/") >= count


# ---- pages and audit --------------------------------------------------------------------------------


def test_refer_accept_and_record_a_service_through_the_pages_with_audit(client, cast, project, agreed, today):
    day = today.strftime("%d.%m.%Y")  # sent from the page: today
    number = cast.person_b.registration_number
    client.force_login(cast.officer_b)
    assert client.get(f"/cases/person/{number}/refer/").status_code == 200
    response = client.post(
        f"/cases/person/{number}/refer/",
        {"project": project.pk, "kind": "legal_aid", "consent": agreed.pk, "needs": "Lawyer needed."},
    )
    assert response.status_code == 302
    with unscoped("test"):
        referral = Referral.objects.get()
    client.force_login(cast.lawyer)
    assert client.get("/cases/referrals/").status_code == 200
    assert client.get(f"/cases/referrals/{referral.pk}/").status_code == 200
    assert client.post(f"/cases/referrals/{referral.pk}/step/", {"step": "accept", "effective": day}).status_code == 302
    assert (
        client.post(
            f"/cases/referrals/{referral.pk}/services/",
            {"delivered_on": day, "service": "Legal counselling", "note": "first meeting"},
        ).status_code
        == 302
    )
    entries = list(AuditEntry.objects.filter(object_type="cases.Referral", object_id=str(referral.pk)).order_by("id"))
    assert [(e.username, e.action) for e in entries] == [
        ("officer_b", "create"),
        ("lawyer", "view"),
        ("lawyer", "change"),
        ("lawyer", "change"),
    ]
    assert all(e.person_id == cast.person_b.pk for e in entries)
    assert entries[2].organisation == cast.partner
    assert AuditEntry.objects.filter(username="lawyer", action="search", summary="referrals inbox").exists()


def test_refer_page_without_consent_explains_and_writes_nothing(client, cast, project):
    number = cast.person_b.registration_number
    client.force_login(cast.officer_b)
    response = client.post(
        f"/cases/person/{number}/refer/", {"project": project.pk, "kind": "legal_aid", "needs": "Lawyer needed."}
    )
    assert response.status_code == 400
    assert "has no consent valid on" in response.content.decode()
    with unscoped("test"):
        assert not Referral.objects.exists()


def test_refer_page_is_not_found_outside_scope(client, cast, project):
    client.force_login(cast.lawyer)
    assert client.get(f"/cases/person/{cast.person_b.registration_number}/refer/").status_code == 404
