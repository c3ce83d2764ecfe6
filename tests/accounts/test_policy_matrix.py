"""The permission matrix, generated: every URL of the web application and every API operation that changes
state, for every member of a cast of nine, on objects owned by the caller's organisation, by one sharing
with it under an agreement, and by one not sharing → the outcome the policy table says.

The expected outcome is worked out here from `permissions.POLICY` (the roles and bases of each action) and
from the relations of this world (who owns what, which agreement grants which action), by a reference
implementation that knows nothing of the scoping layer. A request the policy refuses answers 403 or 404
(or, for a form that only offers what the caller may choose, the form again) and writes nothing: the row
count of every table is unchanged but for its refused-attempt entry in the audit log. A request the policy
allows is not refused (its validation may still ask for more). Every request runs in a savepoint that is
rolled back, so the world is the same for each.

A new URL or API operation without an entry in SPECS (or in OUTSIDE, with the reason) fails
`test_every_url_and_state_changing_api_operation_has_an_entry`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.utils import timezone

from panah.accounts.models import Membership, Organisation, SharingAgreement, User, UserSession
from panah.accounts.permissions import POLICY, Basis
from panah.accounts.roles import Action, Role
from panah.accounts.scope import unscoped
from panah.api.tokens import issue_token
from panah.audit.models import AuditEntry
from panah.cases.models import BirthObstacle, Case, CaseEvent, CaseTask, Referral
from panah.cases.referral_services import step_referral
from panah.cases.services import add_task, open_case
from panah.evidence.services import attach_file
from panah.imports.models import ImportRun
from panah.jobs.models import Job
from panah.knowledge.models import Leaflet, SharedInformation, Training
from panah.matching.models import CandidatePair, Merge
from panah.matching.services import merge as merge_persons
from panah.privacy.models import SubjectRequest
from panah.privacy.services import record_request
from panah.registry.models import Document, Person, SpecificNeedCode
from panah.stats.disclosure import PUBLIC
from panah.stats.models import Release
from panah.stats.services import publish_release
from panah.stats.tables import Parameters, default_period
from panah.status.models import StatusEvent
from panah.status.services import record_status_event
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, UserFactory, region
from tests.factories.cases import SCAN, child, consent
from tests.factories.knowledge import LeafletFactory, PartnerProjectFactory
from tests.security.urls import Route, fill, routes

A, B = "KZ-55", "KZ-75"  # Pavlodar region, Almaty city
PDF = SCAN  # an evidence file, as a scanner writes one
A_ = Action

# --- The world -----------------------------------------------------------------------------------------

ORGS = {  # key: code, kind, regions
    "state": ("mlsp", "state", [A, B]),
    "unhcr": ("unhcr-kz", "unhcr", [A, B]),
    "partner1": ("kibhr", "partner", [B]),
    "partner2": ("sana", "partner", [B]),
}
AGREEMENTS = {  # (provider, recipient): (regions, actions granted)
    ("state", "unhcr"): ({A, B}, {A_.VIEW_PERSON, A_.VIEW_CASES, A_.REFER_PERSONS}),
    ("partner1", "state"): ({B}, {A_.VIEW_PERSON}),
    ("state", "partner1"): ({B}, {A_.VIEW_CASES}),
}
CAST = {  # key: organisation, role, regions
    "registrar_a": ("state", Role.REGISTRAR, {A}),
    "registrar_b": ("state", Role.REGISTRAR, {B}),
    "decider": ("state", Role.DECISION_OFFICER, {A, B}),
    "unhcr_officer": ("unhcr", Role.CASEWORKER, {A, B}),
    "lawyer1": ("partner1", Role.CASEWORKER, {B}),
    "lawyer2": ("partner2", Role.CASEWORKER, {B}),
    "statistician": ("state", Role.STATISTICIAN, {A, B}),
    "org_admin": ("state", Role.ORG_ADMIN, {A, B}),
    "sysadmin": ("state", Role.SYSTEM_ADMIN, set()),
}
# Whose objects each request is made on: the four organisations, and the state's case on a person the
# first partner identified (the reproduction of the issue: the partner sees the person, not the decision).
OWNERS = ["state", "unhcr", "partner1", "partner2", "state@partner1"]


@dataclass
class Things:
    """The objects of one owner, all in region B."""

    organisation: Organisation
    person: Person
    second: Person
    event: StatusEvent
    case: Case
    birth: Case
    obstacle: BirthObstacle
    task: CaseTask
    referral: Referral
    pair: CandidatePair
    merge: Merge
    shared: SharedInformation
    access_request: SubjectRequest
    erasure_request: SubjectRequest
    member: User  # a user of the organisation, for the account pages
    run: ImportRun
    job: Job
    consent: Any  # the person's consent to share their data with partners
    person_file: Any = None  # an evidence file on the person
    case_file: Any = None  # an evidence file on the case


@dataclass
class World:
    users: dict[str, User]
    organisations: dict[str, Organisation]
    things: dict[str, Things]
    training: Training
    leaflet: Leaflet
    release: Release
    today: dt.date
    tokens: dict[str, str]  # each member's API token


def _user(key: str, organisation: Organisation, role: str, regions: set[str]) -> User:
    user = UserFactory(username=key)
    MembershipFactory(user=user, organisation=organisation, role=role, regions=sorted(regions))
    return user


def _build(today: dt.date) -> World:
    organisations = {
        key: OrganisationFactory(code=code, name=code.upper(), kind=kind, regions=regions)
        for key, (code, kind, regions) in ORGS.items()
    }
    for (provider, recipient), (regions, actions) in AGREEMENTS.items():
        agreement = SharingAgreement.objects.create(
            provider=organisations[provider],
            recipient=organisations[recipient],
            purpose="test",
            reference=f"{provider}-{recipient}",
            valid_from=dt.date(2000, 1, 1),
            actions=sorted(actions),
        )
        agreement.regions.set(sorted(regions))
    users = {key: _user(key, organisations[org], role, regions) for key, (org, role, regions) in CAST.items()}
    admin = users["sysadmin"]
    leaflet = LeafletFactory()
    projects = {
        key: PartnerProjectFactory(organisation=organisations[key], regions=[B]) for key in ("partner1", "partner2")
    }
    things: dict[str, Things] = {}
    with unscoped("the policy matrix's world"):
        for key, organisation in organisations.items():
            names = [("Karim", f"Rahimi{key}"), ("Karim", f"Rahimy{key}"), ("Omar", f"Noori{key}"), ("Umar", key)]
            person, second, third, fourth = (
                PersonFactory(organisation=organisation, region=region(B), name=name) for name in names
            )
            given = [consent(someone, taken_by=admin) for someone in (person, second)]
            Document.objects.create(person=person, type="passport", number=f"P-{key}", issuing_country_id="AFG")
            event = record_status_event(by=admin, person=person, kind="undetermined_identified", effective=today)
            kind = "statelessness" if organisation.kind == "state" else "legal_assistance"
            case = open_case(by=admin, person=person, kind=kind, opened_on=today, organisation=organisation)
            task = add_task(by=admin, case=case, title="Collect the papers")
            baby = child(
                born=today - dt.timedelta(days=40), organisation=organisation, region=region(B), name=("Aisha", key)
            )
            birth = open_case(
                by=admin, person=baby, kind="birth_registration", opened_on=today, organisation=organisation
            )
            obstacle = BirthObstacle.objects.create(case=birth, kind="other", found_on=today, recorded_by=admin)
            target = projects["partner2" if key != "partner2" else "partner1"]
            referral = Referral.objects.create(
                person=person, project=target, kind="legal_aid", needs="Legal advice", from_organisation=organisation,
                to_organisation=target.organisation, region_id=B, consent=given[0], state_since=today,
                sent_on=today, sent_by=admin,
            )  # fmt: skip
            left, right = sorted([person, second], key=lambda p: p.pk)
            pair = CandidatePair.objects.create(left=left, right=right, score=0.9, source="online")
            merge = merge_persons(by=admin, survivor=third, merged=fourth, reason="the same passport")
            shared = SharedInformation.objects.create(
                person=person, leaflet=leaflet, language="ru", shared_on=today, organisation=organisation,
                shared_by=admin,
            )  # fmt: skip
            requests = [
                record_request(
                    by=admin,
                    person=person,
                    kind=kind,
                    received_on=today,
                    channel="in_person",
                    identity_checked=True,
                    identity_evidence="passport seen",
                )
                for kind in ("access", "erasure")
            ]
            member = _user(f"member-{key}", organisation, Role.VIEWER, {B})
            requester = (
                users[next(k for k, (org, *_rest) in CAST.items() if org == key)]
                if key != "state"
                else users["registrar_b"]
            )
            run = ImportRun.objects.create(
                organisation=organisation, requested_by=requester, file_name="b.csv", file_hash="0",
                content=b"given_name,family_name,region\nAli,Karimi,KZ-75\n", state=ImportRun.State.VALIDATED,
                dry_run=True, report={"columns": [["given_name", "given_name"]]}, finished_at=timezone.now(),
            )  # fmt: skip
            job = Job.objects.create(kind=Job.Kind.IMPORT_PERSONS, requested_by=requester)
            things[key] = Things(
                organisation, person, second, event, case, birth, obstacle, task, referral, pair, merge, shared,
                requests[0], requests[1], member, run, job, given[0],
            )  # fmt: skip
            things[key].person_file = attach_file(by=admin, person=person, kind="passport", data=PDF)
            things[key].case_file = attach_file(by=admin, person=person, case=case, kind="decision", data=PDF)
        # The state's statelessness case on a person the first partner identified.
        partner_person = things["partner1"].person
        cross = open_case(by=admin, person=partner_person, kind="statelessness", opened_on=today,
                          organisation=organisations["state"])  # fmt: skip
        cross_task = add_task(by=admin, case=cross, title="Ask the consulate")
        cross_file = attach_file(by=admin, person=partner_person, case=cross, kind="decision", data=PDF)
        things["state@partner1"] = Things(
            **{**things["partner1"].__dict__, "case": cross, "task": cross_task, "case_file": cross_file}
        )
    training = Training.objects.create(
        title="Refugee law", start_date=today, end_date=today, region_id=B, format="in_person", created_by=admin
    )
    start, end = default_period(dt.date(2017, 1, 1))
    parameters = Parameters(dt.date(2017, 1, 1), timezone.now(), start, end, PUBLIC)
    release = publish_release(by=admin, title="Persons of concern, 1 January 2017", parameters=parameters)
    tokens = {key: issue_token(by=user, user=user, name="matrix")[1] for key, user in users.items()}
    return World(users, organisations, things, training, leaflet, release, today, tokens)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build(timezone.localdate())
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- What the policy says, worked out independently of the scoping layer -------------------------------


@dataclass(frozen=True)
class Obj:
    """What a request acts on, as the reference needs it."""

    on: str  # "nothing", "person", "persons", "place", "case", "referral_side", "referral", "org", "user",
    # "region", "requested"
    owner: str | None = None  # organisation key (the person's, the case's handler, the referral's sender...)
    person_owner: str | None = None  # a case's person's owner
    region: str | None = B  # None: in any region of the caller's membership
    assigned: frozenset[str] = frozenset()  # organisations an accepted referral on a case assigns it to
    requested_by: str | None = None
    partner: str | None = None  # a referral's addressee
    others: tuple[str, ...] = ()  # the other persons' owners (a pair, a household)


def _org(user: str) -> str:
    return CAST[user][0]


def _role(user: str) -> str:
    return CAST[user][1]


def _regions(user: str) -> set[str]:
    return CAST[user][2]


def _granted(provider: str, recipient: str, action: str, region: str) -> bool:
    regions, actions = AGREEMENTS.get((provider, recipient), (set(), set()))
    return action in actions and region in regions


def person_allows(user: str, action: str, owner: str, region: str = B) -> bool:
    rule = POLICY[action]
    if _role(user) == Role.SYSTEM_ADMIN:
        return True
    if _role(user) not in rule.roles or region not in _regions(user):
        return False
    if Basis.OWN in rule.bases and owner == _org(user):
        return True
    if Basis.AGREEMENT in rule.bases and _granted(owner, _org(user), action, region):
        return True
    return Basis.STATE in rule.bases and ORGS[_org(user)][1] == "state" and person_allows(user, A_.VIEW_PERSON, owner)


def allows(user: str, action: str | None, obj: Obj) -> bool:
    if action is None:
        return True
    rule = POLICY[action]
    role, org = _role(user), _org(user)
    if role == Role.SYSTEM_ADMIN:
        return True
    if obj.on == "requested":
        return obj.requested_by == user
    if role not in rule.roles:
        return False
    if rule.bases == {Basis.STATE} and ORGS[org][1] != "state":
        return False
    if rule.national:
        return False  # nobody in this cast but the system administrator covers every region of the country
    if obj.on == "nothing":
        return True
    if obj.on == "person":
        return person_allows(user, action, obj.owner or "", obj.region)
    if obj.on == "persons":
        return all(person_allows(user, action, o, obj.region) for o in (obj.owner, *obj.others))
    if obj.on == "place":
        return obj.owner == org and (obj.region in _regions(user) or (obj.region is None and bool(_regions(user))))
    if obj.on == "org":
        return obj.owner == org
    if obj.on == "region":
        return obj.region in _regions(user)
    if obj.on == "user":
        return role == Role.ORG_ADMIN and obj.owner == org
    if obj.on == "referral_side":
        return obj.owner == org and obj.region in _regions(user)
    if obj.on == "referral":  # reached by the sender and the addressee
        return org in (obj.owner, obj.partner) and obj.region in _regions(user)
    assert obj.on == "case"
    if Basis.REFERRAL in rule.bases and org in obj.assigned:
        return True
    if not person_allows(user, A_.VIEW_PERSON, obj.person_owner or "", obj.region) or obj.region not in _regions(user):
        return False
    if Basis.STATE in rule.bases:
        return obj.owner == org and ORGS[org][1] == "state"
    if Basis.OWN in rule.bases and obj.owner == org:
        return True
    return Basis.AGREEMENT in rule.bases and _granted(obj.owner or "", org, action, obj.region)


# --- One entry per URL -------------------------------------------------------------------------------


@dataclass
class Spec:
    """How a URL is asked: for GET and for POST (None: not that method), the actions it needs (all of them)
    and on what; its parameters and, for POST, valid data, from the world and an owner."""

    get: list[str | None] | None = None
    post: list[str | None] | None = None
    obj: Callable[[World, str, str], Obj] = lambda w, owner, user: Obj("nothing")
    kwargs: Callable[[World, Things], dict[str, str]] = lambda w, t: {}
    data: Callable[[World, Things, str], dict[str, Any]] = lambda w, t, user: {}
    by_owner: bool = False  # the request names an owner's object (else: once, on nothing)
    get_anywhere: bool = False  # the page (GET) asks "anywhere"; only the POST names the object
    route: str = ""  # the URL name, when the entry is a variant (name/variant)
    api: bool = False
    files: Callable[[World, Things], dict[str, Any]] = field(default=lambda w, t: {})


def _person(w: World, owner: str, user: str) -> Obj:
    return Obj("person", owner=owner.split("@")[-1])


def _case(w: World, owner: str, user: str) -> Obj:
    case = w.things[owner].case
    handler = owner.split("@")[0]
    assigned = frozenset(
        k for k, t in w.things.items() if "@" not in k and t.organisation.pk in set(
            Referral._base_manager.filter(case=case, state="accepted").values_list("to_organisation_id", flat=True)
        )
    )  # fmt: skip
    return Obj("case", owner=handler, person_owner=owner.split("@")[-1], assigned=assigned)


def _birth(w: World, owner: str, user: str) -> Obj:
    return Obj("case", owner=owner, person_owner=owner)


def _pair(w: World, owner: str, user: str) -> Obj:
    return Obj("persons", owner=owner, others=(owner,))


def _addressee(w: World, owner: str) -> str:
    """The organisation (key) the owner's referral is addressed to."""
    to = w.things[owner].referral.to_organisation_id
    return next(k for k, t in w.things.items() if "@" not in k and t.organisation.pk == to)


def _number(w: World, t: Things) -> dict[str, str]:
    return {"number": t.person.registration_number}


def _case_pk(w: World, t: Things) -> dict[str, str]:
    return {"pk": str(t.case.pk)}


def _day(w: World) -> str:
    return w.today.strftime("%d.%m.%Y")


PERSON = {"obj": _person, "kwargs": _number, "by_owner": True}
CASE = {"obj": _case, "kwargs": _case_pk, "by_owner": True}
OWNERS_OF_PERSONS = [o for o in OWNERS if "@" not in o]


def _transition(step_for: dict[str, str]) -> Callable[[World, Things, str], dict[str, Any]]:
    def data(w: World, t: Things, user: str) -> dict[str, Any]:
        return {"transition": step_for[t.case.kind], "effective": _day(w), "note": "reason given"}

    return data


SPECS: dict[str, Spec] = {
    # Every signed-in user
    "home": Spec(get=[None]),
    "registry:list": Spec(get=[None]),
    "registry:search": Spec(get=[None]),
    "knowledge:home": Spec(get=[None]),
    "knowledge:search": Spec(get=[None]),
    "knowledge:updates": Spec(get=[None]),
    "knowledge:subscriptions": Spec(get=[None]),
    "knowledge:leaflets": Spec(get=[None]),
    "knowledge:projects": Spec(get=[None]),
    "knowledge:trainings": Spec(get=[A_.VIEW_TRAININGS]),
    "knowledge:training_reports": Spec(get=[A_.VIEW_TRAININGS]),
    "knowledge:leaflet": Spec(get=[None], kwargs=lambda w, t: {"slug": w.leaflet.slug, "language": "ru"}),
    "cases:referrals": Spec(get=[None]),
    "privacy:requests": Spec(get=[None]),
    "imports:household_form": Spec(get=[None]),
    # Persons
    "registry:register": Spec(
        get_anywhere=True,
        get=[A_.REGISTER_PERSON],
        post=[A_.REGISTER_PERSON],
        obj=lambda w, owner, user: Obj("place", owner=_org(user)),
        data=lambda w, t, user: {
            "name-latn_given_name": "Ali",
            "name-latn_family_name": "Zamani",
            "person-sex": "M",
            "person-birth": "1985",
            "address-region": B,
        },
    ),
    "registry:register_check": Spec(
        post=[A_.REGISTER_PERSON], data=lambda w, t, user: {"name-latn_given_name": "Ali", "name-latn_family_name": "Z"}
    ),
    "registry:person": Spec(get=[A_.VIEW_PERSON], **PERSON),
    "registry:edit": Spec(
        get=[A_.CHANGE_PERSON],
        post=[A_.CHANGE_PERSON],
        data=lambda w, t, user: {"person-sex": "M", "person-birth": "1980", "name-latn_given_name": "Karim"},
        **PERSON,
    ),
    "registry:add_document": Spec(
        get=[A_.CHANGE_PERSON],
        post=[A_.CHANGE_PERSON],
        data=lambda w, t, user: {"type": "passport", "number": "Q123"},
        **PERSON,
    ),
    "registry:move": Spec(
        get=[A_.CHANGE_PERSON],
        post=[A_.CHANGE_PERSON],
        data=lambda w, t, user: {"region": B, "line": "Abay 1", "valid_from": _day(w)},
        **PERSON,
    ),
    "registry:add_specific_need": Spec(
        get=[A_.CHANGE_PERSON],
        post=[A_.CHANGE_PERSON],
        data=lambda w, t, user: {"code": SpecificNeedCode.objects.order_by("pk").first().pk, "identified_on": _day(w)},
        **PERSON,
    ),
    "registry:join_household": Spec(
        get=[A_.CHANGE_PERSON],
        post=[A_.CHANGE_PERSON],
        data=lambda w, t, user: {"head": t.second.registration_number, "relationship": "spouse", "since": _day(w)},
        **PERSON,
    ),
    "status:record_event": Spec(
        get=[A_.DECIDE_STATUS],
        post=[A_.DECIDE_STATUS],
        data=lambda w, t, user: {"kind": "stateless_determined", "effective": _day(w)},
        **PERSON,
    ),
    "status:correct_event": Spec(
        get=[A_.DECIDE_STATUS],
        post=[A_.DECIDE_STATUS, A_.RECORD_STATUS_FACTS],
        kwargs=lambda w, t: {"number": t.person.registration_number, "event_id": str(t.event.pk)},
        data=lambda w, t, user: {"reason": "entered on the wrong person"},
        obj=_person,
        by_owner=True,
    ),
    "exports:subject_access": Spec(get=[A_.VIEW_PERSON], **PERSON),
    "knowledge:person_shared": Spec(
        get=[A_.VIEW_PERSON],
        post=[A_.CHANGE_PERSON],
        data=lambda w, t, user: {"leaflet": w.leaflet.pk, "language": "ru", "shared_on": _day(w)},
        **PERSON,
    ),
    "knowledge:handout": Spec(
        get=[A_.VIEW_PERSON], obj=_person, kwargs=lambda w, t: {"pk": str(t.shared.pk)}, by_owner=True
    ),
    "privacy:request_new": Spec(
        get=[A_.CHANGE_PERSON],
        post=[A_.CHANGE_PERSON],
        data=lambda w, t, user: {"kind": "access", "received_on": w.today.isoformat(), "channel": "in_person"},
        **PERSON,
    ),
    "privacy:request": Spec(
        get=[A_.VIEW_PERSON],
        post=[A_.CHANGE_PERSON],
        obj=_person,
        kwargs=lambda w, t: {"pk": str(t.access_request.pk)},
        data=lambda w, t, user: {"action": "start"},
        by_owner=True,
    ),
    "privacy:anonymise": Spec(
        get=[A_.EXPORT_PERSONS],
        post=[A_.EXPORT_PERSONS],
        obj=_person,
        kwargs=lambda w, t: {"pk": str(t.erasure_request.pk)},
        data=lambda w, t, user: {"number": t.person.registration_number, "reason": "asked by the person"},
        by_owner=True,
    ),
    # Duplicates
    "matching:queue": Spec(get=[None]),
    "matching:run_batch": Spec(post=[A_.MAINTAIN]),
    "matching:pair": Spec(get=[A_.VIEW_PERSON], obj=_pair, kwargs=lambda w, t: {"pk": str(t.pair.pk)}, by_owner=True),
    "matching:decide": Spec(
        post=[A_.REVIEW_DUPLICATES],
        obj=_pair,
        kwargs=lambda w, t: {"pk": str(t.pair.pk)},
        data=lambda w, t, user: {"decision": "not_same", "note": "different fathers"},
        by_owner=True,
    ),
    "matching:merge": Spec(
        get=[A_.MERGE_PERSONS],
        post=[A_.MERGE_PERSONS],
        obj=_pair,
        kwargs=lambda w, t: {"pk": str(t.pair.pk)},
        data=lambda w, t, user: {"survivor": str(t.pair.left_id), "reason": "same passport"},
        by_owner=True,
    ),
    "matching:merge_detail": Spec(
        get=[A_.VIEW_PERSON],
        post=[A_.MERGE_PERSONS],
        obj=_pair,
        kwargs=lambda w, t: {"pk": str(t.merge.pk)},
        data=lambda w, t, user: {"reason": "not the same after all"},
        by_owner=True,
    ),
    # Cases
    "cases:worklist": Spec(get=[A_.WORK_CASES]),
    "cases:overview": Spec(get=[A_.VIEW_CASES]),
    "cases:births": Spec(get=[A_.OPEN_CASES]),
    "cases:eligible": Spec(get=[A_.OPEN_CASES]),
    "cases:eligibility": Spec(
        get=[A_.OPEN_CASES],
        post=[A_.OPEN_CASES],
        data=lambda w, t, user: {"kind": "language_certificate", "met_on": _day(w)},
        **PERSON,
    ),
    "cases:open": Spec(
        post=[A_.OPEN_CASES],
        data=lambda w, t, user: {"kind": "legal_assistance", "opened_on": _day(w)},
        **PERSON,
    ),
    "cases:refer": Spec(
        get=[A_.REFER_PERSONS],
        post=[A_.REFER_PERSONS],
        data=lambda w, t, user: {
            "project": t.referral.project_id,
            "kind": "legal_aid",
            "consent": t.consent.pk,
            "needs": "Legal advice",
        },
        **PERSON,
    ),
    "cases:case": Spec(get=[A_.VIEW_CASES], **CASE),
    "cases:transition/work": Spec(
        route="cases:transition",
        post=[A_.WORK_CASES],
        data=_transition({"statelessness": "examine", "legal_assistance": "file"}),
        **CASE,
    ),
    "cases:transition/decide": Spec(
        route="cases:transition",
        post=[A_.DECIDE_CASES],
        data=_transition({"statelessness": "refuse", "legal_assistance": "close"}),
        **CASE,
    ),
    # Printing a notice of a step that decides nothing answers 400 ("no notice"), never refused when allowed.
    "notices:case_notice": Spec(
        post=[A_.PRINT_NOTICES],
        data=lambda w, t, user: {"lang": "ru"},
        obj=_case,
        kwargs=lambda w, t: {
            "pk": str(t.case.pk),
            "event": str(CaseEvent._base_manager.filter(case=t.case).first().pk),
        },
        by_owner=True,
    ),
    "notices:revoke": Spec(
        post=[A_.VIEW_CASES, A_.REVOKE_NOTICES],
        data=lambda w, t, user: {"code": "AAAA-BBBB", "reason": "issued in error"},
        **CASE,
    ),
    "notices:registration_certificate": Spec(
        post=[A_.VIEW_PERSON, A_.PRINT_CERTIFICATES], data=lambda w, t, user: {"lang": "ru"}, **PERSON
    ),
    "appointments:calendar": Spec(get=[None]),
    "alerts:caseload": Spec(get=[A_.VIEW_CASES]),
    "appointments:new": Spec(
        get=[A_.VIEW_CASES, A_.WORK_CASES],
        post=[A_.VIEW_CASES, A_.WORK_CASES],
        data=lambda w, t, user: {"kind": "interview", "day": _day(w), "time": "10:00", "minutes": "30"},
        **CASE,
    ),
    "cases:note": Spec(post=[A_.NOTE_CASES], data=lambda w, t, user: {"text": "Called the person."}, **CASE),
    "cases:task": Spec(post=[A_.NOTE_CASES], data=lambda w, t, user: {"title": "Call back"}, **CASE),
    "cases:task_done": Spec(
        post=[A_.NOTE_CASES],
        obj=_case,
        kwargs=lambda w, t: {"pk": str(t.case.pk), "task_id": str(t.task.pk)},
        by_owner=True,
    ),
    "cases:transfer": Spec(
        post=[A_.MANAGE_CASES],
        data=lambda w, t, user: {
            "region": B,
            "organisation": t.case.organisation_id,
            "effective": _day(w),
            "note": "x",
        },
        **CASE,
    ),
    "cases:assign": Spec(post=[A_.MANAGE_CASES], data=lambda w, t, user: {"officer": ""}, **CASE),
    "cases:obstacle": Spec(
        post=[A_.WORK_CASES],
        obj=_birth,
        kwargs=lambda w, t: {"pk": str(t.birth.pk)},
        data=lambda w, t, user: {"kind": "no_marriage", "found_on": _day(w)},
        by_owner=True,
    ),
    "cases:obstacle_resolved": Spec(
        post=[A_.WORK_CASES],
        obj=_birth,
        kwargs=lambda w, t: {"pk": str(t.birth.pk), "obstacle_id": str(t.obstacle.pk)},
        by_owner=True,
    ),
    "cases:referral": Spec(
        get=[A_.VIEW_PERSON],
        obj=lambda w, owner, user: Obj(
            "referral",
            owner=owner,
            partner=_addressee(w, owner),
        ),
        kwargs=lambda w, t: {"pk": str(t.referral.pk)},
        by_owner=True,
    ),
    "cases:referral_step": Spec(
        post=[A_.RESPOND_REFERRALS],
        obj=lambda w, owner, user: Obj(
            "referral_side",
            owner=_addressee(w, owner),
        ),
        kwargs=lambda w, t: {"pk": str(t.referral.pk)},
        data=lambda w, t, user: {"step": "accept", "effective": _day(w)},
        by_owner=True,
    ),
    "cases:referral_service": Spec(
        post=[A_.RESPOND_REFERRALS],
        obj=lambda w, owner, user: Obj(
            "referral_side",
            owner=_addressee(w, owner),
        ),
        kwargs=lambda w, t: {"pk": str(t.referral.pk)},
        data=lambda w, t, user: {"delivered_on": _day(w), "service": "consultation"},
        by_owner=True,
    ),
    # Evidence files: a person's by the file actions on the person, a case's by the case's actions
    "evidence:person_upload": Spec(
        get=[A_.ATTACH_FILES],
        post=[A_.ATTACH_FILES],
        data=lambda w, t, user: {"kind": "passport", "note": "front page"},
        files=lambda w, t: {"file": ("scan.pdf", PDF)},
        **PERSON,
    ),
    "evidence:case_upload": Spec(
        get=[A_.WORK_CASES],
        post=[A_.WORK_CASES],
        data=lambda w, t, user: {"kind": "decision"},
        files=lambda w, t: {"file": ("decision.pdf", PDF)},
        **CASE,
    ),
    "evidence:download": Spec(
        get=[A_.VIEW_FILES], obj=_person, kwargs=lambda w, t: {"pk": str(t.person_file.pk)}, by_owner=True
    ),
    "evidence:download/case": Spec(
        route="evidence:download",
        get=[A_.VIEW_CASES],
        obj=_case,
        kwargs=lambda w, t: {"pk": str(t.case_file.pk)},
        by_owner=True,
    ),
    "evidence:remove": Spec(
        post=[A_.REMOVE_FILES],
        obj=_person,
        kwargs=lambda w, t: {"pk": str(t.person_file.pk)},
        data=lambda w, t, user: {"reason": "attached to the wrong person"},
        by_owner=True,
    ),
    "evidence:remove/case": Spec(
        route="evidence:remove",
        post=[A_.WORK_CASES],
        obj=_case,
        kwargs=lambda w, t: {"pk": str(t.case_file.pk)},
        data=lambda w, t, user: {"reason": "a draft, not the decision"},
        by_owner=True,
    ),
    # Imports and exports
    "imports:upload": Spec(
        get_anywhere=True,
        get=[A_.REGISTER_PERSON],
        post=[A_.REGISTER_PERSON],
        obj=lambda w, owner, user: Obj("place", owner=owner, region=None),
        data=lambda w, t, user: {"organisation": t.organisation.pk},
        files=lambda w, t: {"file": ("persons.csv", b"given_name,family_name,region\nAli,Karimi,KZ-75\n")},
        by_owner=True,
    ),
    "imports:run": Spec(
        get=[A_.FOLLOW_OWN_WORK],
        obj=lambda w, owner, user: Obj("requested", requested_by=w.things[owner].run.requested_by.username),
        kwargs=lambda w, t: {"pk": str(t.run.pk)},
        by_owner=True,
    ),
    "exports:persons": Spec(
        get=[A_.EXPORT_PERSONS],
        post=[A_.EXPORT_PERSONS],
        data=lambda w, t, user: {"file_format": "csv", "purpose": "quarterly report"},
    ),
    # Statistics
    "stats:dashboard": Spec(get=[A_.VIEW_STATISTICS]),
    "stats:download_csv": Spec(get=[A_.VIEW_STATISTICS]),
    "stats:download_xlsx": Spec(get=[A_.VIEW_STATISTICS]),
    "stats:releases": Spec(
        get=[A_.VIEW_STATISTICS],
        post=[A_.PUBLISH_STATISTICS],
        data=lambda w, t, user: {"title": "Persons of concern", "as_of": "2017-01-01"},
    ),
    "stats:rebuild": Spec(post=[A_.MAINTAIN]),
    "stats:release": Spec(get=[A_.VIEW_STATISTICS], kwargs=lambda w, t: {"reference": w.release.reference}),
    "stats:release_csv": Spec(get=[A_.VIEW_STATISTICS], kwargs=lambda w, t: {"reference": w.release.reference}),
    "stats:release_xlsx": Spec(get=[A_.VIEW_STATISTICS], kwargs=lambda w, t: {"reference": w.release.reference}),
    "jobs:job": Spec(
        get=[A_.FOLLOW_OWN_WORK],
        obj=lambda w, owner, user: Obj("requested", requested_by=w.things[owner].job.requested_by.username),
        kwargs=lambda w, t: {"pk": str(t.job.pk)},
        by_owner=True,
    ),
    # Knowledge and trainings
    "knowledge:article_new": Spec(
        get=[A_.PUBLISH_KNOWLEDGE],
        post=[A_.PUBLISH_KNOWLEDGE],
        data=lambda w, t, user: {
            "slug": "new-order",
            "topic": "asylum",
            "effective_from": _day(w),
            "title_en": "New order",
            "body_en": "Text.",
        },
    ),
    "knowledge:training_new": Spec(
        get_anywhere=True,
        get=[A_.RECORD_TRAININGS],
        post=[A_.RECORD_TRAININGS],
        obj=lambda w, owner, user: Obj("region", region=B),
        data=lambda w, t, user: {
            "title": "Interviewing children",
            "start_date": _day(w),
            "region": B,
            "format": "in_person",
            "organisers": [t.organisation.pk],
            "topics": ["refugee_law"],
        },
    ),
    "knowledge:training": Spec(
        get=[A_.VIEW_TRAININGS],
        obj=lambda w, owner, user: Obj("region", region=B),
        kwargs=lambda w, t: {"pk": str(w.training.pk)},
    ),
    "knowledge:add_participant": Spec(
        post=[A_.RECORD_TRAININGS],
        obj=lambda w, owner, user: Obj("region", region=B),
        kwargs=lambda w, t: {"pk": str(w.training.pk)},
        data=lambda w, t, user: {"full_name": "Asel Nur", "organisation": "Akimat", "region": B, "sex": "F"},
    ),
    # Data protection and the audit log
    "privacy:agreements": Spec(
        get_anywhere=True,
        get=[A_.MANAGE_AGREEMENTS],
        post=[A_.MANAGE_AGREEMENTS],
        obj=lambda w, owner, user: Obj("org", owner=owner),
        data=lambda w, t, user: {
            "provider": t.organisation.pk,
            "recipient": next(o.pk for o in w.organisations.values() if o.pk != t.organisation.pk),
            "regions": [B],
            "actions": ["view_person"],
            "purpose": "monitoring",
            "reference": "X-1",
            "valid_from": w.today.isoformat(),
            "valid_to": (w.today + dt.timedelta(days=365)).isoformat(),
        },
        by_owner=True,
    ),
    "privacy:retention": Spec(get=[A_.VIEW_AUDIT]),
    "privacy:retention_apply": Spec(post=[A_.MAINTAIN]),
    "audit_log": Spec(get=[A_.VIEW_AUDIT]),
    # Administering users
    "accounts:user_list": Spec(get=[A_.MANAGE_USERS]),
    "accounts:user_new": Spec(
        get_anywhere=True,
        get=[A_.MANAGE_MEMBERSHIPS],
        post=[A_.MANAGE_MEMBERSHIPS],
        obj=lambda w, owner, user: Obj("org", owner=owner),
        data=lambda w, t, user: {
            "username": f"new-{t.organisation.code}",
            "first_name": "Aigul",
            "last_name": "Serikova",
            "password1": "a-long enough pass 1",
            "password2": "a-long enough pass 1",
            "organisation": t.organisation.pk,
            "role": "viewer",
            "regions": [B],
        },
        by_owner=True,
    ),
    "accounts:user_detail": Spec(
        get=[A_.MANAGE_USERS],
        obj=lambda w, owner, user: Obj("user", owner=owner),
        kwargs=lambda w, t: {"pk": str(t.member.pk)},
        by_owner=True,
    ),
    "accounts:user_password": Spec(
        post=[A_.MANAGE_USERS],
        obj=lambda w, owner, user: Obj("user", owner=owner),
        kwargs=lambda w, t: {"pk": str(t.member.pk)},
        data=lambda w, t, user: {"password1": "Another-Pass-2026", "password2": "Another-Pass-2026"},
        by_owner=True,
    ),
    "accounts:user_deactivate": Spec(
        post=[A_.MANAGE_USERS],
        obj=lambda w, owner, user: Obj("user", owner=owner),
        kwargs=lambda w, t: {"pk": str(t.member.pk)},
        by_owner=True,
    ),
    "accounts:user_membership": Spec(
        post=[A_.MANAGE_USERS, A_.MANAGE_MEMBERSHIPS],
        obj=lambda w, owner, user: Obj("user", owner=owner),
        kwargs=lambda w, t: {"pk": str(t.member.pk)},
        data=lambda w, t, user: {"organisation": t.organisation.pk, "role": "registrar", "regions": [B]},
        by_owner=True,
    ),
    "accounts:user_end_membership": Spec(
        post=[A_.MANAGE_USERS, A_.MANAGE_MEMBERSHIPS],
        obj=lambda w, owner, user: Obj("user", owner=owner),
        kwargs=lambda w, t: {"pk": str(t.member.pk), "membership_pk": str(t.member.memberships.get().pk)},
        by_owner=True,
    ),
    # The JSON API: the operations that change state
    "api:upload": Spec(
        post=[A_.REGISTER_PERSON],
        obj=lambda w, owner, user: Obj("place", owner=owner, region=None),
        data=lambda w, t, user: {"organisation": t.organisation.code, "dry_run": "true"},
        files=lambda w, t: {"file": ("persons.csv", b"given_name,family_name,region\nAli,Karimi,KZ-75\n")},
        by_owner=True,
        api=True,
    ),
}

# URLs outside the matrix, each with the reason.
OUTSIDE = {
    "login": "signing in: no one is signed in yet",
    "logout": "signing out: one's own session",
    "set_language": "the language of one's own pages",
    "healthz": "liveness, no sign-in",
    "readyz": "readiness, no sign-in",
    "api_tokens": "one's own API tokens (tests/api/test_access.py)",
    "accounts:otp_enrol": "one's own second factor (tests/accounts/test_second_factor.py)",
    "accounts:otp_verify": "one's own second factor",
    "accounts:recovery_codes": "one's own recovery codes",
    "accounts:security": "one's own sessions and second factor",
    "accounts:password_change": "one's own password",
    "accounts:end_own_session": "one's own sessions (tests/accounts/test_sessions.py)",
    "alerts:preferences": "one's own alert preferences, no personal data (tests/alerts/test_digest.py)",
    "appointments:feed": "one's own calendar link (tests/appointments)",
    "appointments:ics": "the secret calendar link is its own credential, no sign-in (tests/appointments)",
    "appointments:move": "the same right as scheduling (WORK_CASES on the appointment's case), tests/appointments",
    "appointments:cancel": "the same right as moving (WORK_CASES on the appointment's case), tests/appointments",
    "accounts:user_reactivate": "the same right as deactivation (MANAGE_USERS), on a deactivated user",
    "accounts:user_reset_second_factor": "the same right as the temporary password (MANAGE_USERS)",
    "accounts:user_end_session": "the same right as the temporary password (MANAGE_USERS)",
    "knowledge:article": "a published article: every signed-in user (tests/knowledge)",
    "knowledge:article_update": "the same right as a new article (PUBLISH_KNOWLEDGE)",
    "knowledge:import_participants": "the same right as adding a participant (RECORD_TRAININGS)",
    "imports:report": "the same right as the import's page (FOLLOW_OWN_WORK)",
    "imports:mapping": "the same right as the import's page (FOLLOW_OWN_WORK)",
    "imports:read": "the import's page's right and registering, tested in tests/imports",
    "imports:import_now": "the import's page's right and registering, tested in tests/imports",
    "api:openapi-json": "the schema: no data",
    "api:openapi-view": "the schema's page",
    "api:api-root": "the API's index",
    "notices:verify_form": "public: anyone checks a notice, no sign-in (tests/notices/test_verification.py)",
    "notices:verify": "public: anyone checks a notice, no sign-in (tests/notices/test_verification.py)",
    "notices:public_key": "public: the key that checks notices offline",
}


def _web_routes() -> list[Route]:
    return [r for r in routes() if not r.name.startswith("admin:")]


def test_every_url_and_state_changing_api_operation_has_an_entry() -> None:
    from panah.api.api import api

    covered = {spec.route or name for name, spec in SPECS.items()}
    names = {r.name for r in _web_routes() if not r.name.startswith("api:")}
    assert names - covered - set(OUTSIDE) == set(), "add these URLs to SPECS (or OUTSIDE with the reason)"
    changing = {
        (path, method)
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    }
    api_routes = {r.name: "/" + r.pattern.lstrip("/") for r in _web_routes() if r.name.startswith("api:")}
    tested = {(api_routes[name], "post") for name, spec in SPECS.items() if spec.api and spec.post is not None}
    assert changing == tested, "add the API's state-changing operations to SPECS"


# --- The requests --------------------------------------------------------------------------------------


def _counts() -> dict[str, int]:
    """The row count of every table, in one query."""
    from django.db import connection

    models = [m for m in apps.get_models() if not m._meta.proxy and m._meta.managed]
    quote = connection.ops.quote_name
    # Table names from the models, never from input.
    union = " UNION ALL ".join(f"SELECT '{m._meta.label}', COUNT(*) FROM {quote(m._meta.db_table)}" for m in models)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(union)
        return dict(cursor.fetchall())


def _path(name: str, spec: Spec, w: World, t: Things) -> str:
    route = next(r for r in _web_routes() if r.name == (spec.route or name))
    return fill(route, spec.kwargs(w, t))


REFUSED = {403, 404}


def _ask(client: Client, method: str, path: str, spec: Spec, w: World, t: Things, user: str) -> Any:
    if method == "get":
        return client.get(path)
    if spec.api:
        data = {**spec.data(w, t, user)}
        for key, (filename, content) in spec.files(w, t).items():
            upload = io.BytesIO(content)
            upload.name = filename
            data[key] = upload
        return Client().post(path, data, headers={"Authorization": f"Bearer {w.tokens[user]}"})
    data = spec.data(w, t, user)
    for key, (filename, content) in spec.files(w, t).items():
        upload = io.BytesIO(content)
        upload.name = filename
        data[key] = upload
    return client.post(path, data)


def _cases(name: str) -> list[tuple[str, str, str]]:
    spec = SPECS[name]
    if not spec.by_owner:
        owners = ["state"]
    elif spec.obj is _case:
        # A state procedure's decisions exist only on the state's cases; every other step on every case.
        owners = ["state", "state@partner1"] if name.endswith("/decide") else OWNERS
    else:
        owners = OWNERS_OF_PERSONS
    methods = [m for m in ("get", "post") if getattr(spec, m) is not None]
    return [(owner, user, method) for owner in owners for user in CAST for method in methods]


@pytest.mark.parametrize("name", sorted(SPECS))
def test_each_url_answers_every_member_of_the_cast_as_the_policy_says(world: World, name: str, db: Any) -> None:
    spec = SPECS[name]
    wrong = []
    clients: dict[str, Client] = {}
    for owner, user, method in _cases(name):
        things = world.things[owner]
        obj = Obj("nothing") if method == "get" and spec.get_anywhere else spec.obj(world, owner, user)
        expected = all(allows(user, action, obj) for action in getattr(spec, method))
        path = _path(name, spec, world, things)
        if user not in clients:
            clients[user] = Client()
            clients[user].force_login(world.users[user])
            clients[user].get("/")  # the session's first request writes its row; the matrix counts from here
        client = clients[user]
        with transaction.atomic():
            before = _counts()
            audit_before = set(AuditEntry.objects.values_list("pk", flat=True))
            response = _ask(client, method, path, spec, world, things, user)
            status = response.status_code
            added = AuditEntry.objects.exclude(pk__in=audit_before)
            refusals = added.filter(action=AuditEntry.Action.REFUSED).count()
            after = _counts()
            transaction.set_rollback(True)
        where = f"{method.upper()} {path} as {user} on {owner}'s"
        if status >= 500:
            wrong.append(f"{where}: server error {status}")
        elif expected and status in REFUSED:
            wrong.append(f"{where}: refused ({status}) but the policy allows it")
        elif not expected:
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k] and k != "audit.AuditEntry"}
            others = after["audit.AuditEntry"] - before["audit.AuditEntry"] - refusals
            if (status in (200, 201, 202, 302) and method == "get") or (method == "post" and status in (201, 202, 302)):
                wrong.append(f"{where}: answered {status} but the policy refuses it")
            if changed or others:
                wrong.append(f"{where}: refused but wrote {changed or ''} {others or ''} audit entries")
            if status in REFUSED and not refusals:
                wrong.append(f"{where}: refused ({status}) without a refused-attempt audit entry")
    assert wrong == [], "\n".join(wrong)


# --- The reproduction of the issue ---------------------------------------------------------------------


def test_a_partner_lawyer_cannot_refuse_a_ministry_case_and_nothing_changes(world: World, db: Any) -> None:
    """Issue: as lawyer.kibhr, POST /cases/25/step/ with transition=refuse → 302 and the case was refused."""
    case = world.things["state@partner1"].case
    client = Client()
    client.force_login(world.users["lawyer1"])
    client.get("/")
    before = _counts()
    with transaction.atomic():
        response = client.post(
            f"/cases/{case.pk}/step/",
            {"transition": "refuse", "effective": _day(world), "note": "not stateless"},
        )
        assert response.status_code in REFUSED
        with unscoped("test"):
            case.refresh_from_db()
        assert case.state == "application"
        after = _counts()
        assert {k: v for k, v in after.items() if before[k] != v} == {
            "audit.AuditEntry": before["audit.AuditEntry"] + 1
        }
        entry = AuditEntry.objects.order_by("-pk").first()
        assert entry.action == "refused" and entry.user == world.users["lawyer1"]
        assert entry.changes["action"] == "decide_cases" and entry.object_id == str(case.pk)
        transaction.set_rollback(True)
    # The lawyer follows the case (the state shares it with the partner) but takes none of its steps.
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert b'name="transition"' not in page.content and b"cases/%d/assign" % case.pk not in page.content


def test_unhcr_follows_a_ministry_case_and_refers_but_does_not_decide(world: World, db: Any) -> None:
    case = world.things["state"].case
    client = Client()
    client.force_login(world.users["unhcr_officer"])
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    with transaction.atomic():
        refused = client.post(
            f"/cases/{case.pk}/step/", {"transition": "refuse", "effective": _day(world), "note": "x"}
        )
        transaction.set_rollback(True)
    assert refused.status_code == 403
    assert client.get(f"/cases/person/{case.person.registration_number}/refer/").status_code == 200


def test_the_state_decides_a_case_on_a_person_a_partner_identified(world: World, db: Any) -> None:
    case = world.things["state@partner1"].case
    client = Client()
    client.force_login(world.users["decider"])
    with transaction.atomic():
        response = client.post(
            f"/cases/{case.pk}/step/",
            {"transition": "determine", "effective": _day(world), "decision_reference": "D-1"},
        )
        assert response.status_code == 302, response.content.decode()[:500]
        with unscoped("test"):
            case.refresh_from_db()
            assert case.state == "determined"
            assert StatusEvent.objects.filter(person=case.person, kind="stateless_determined").exists()
        transaction.set_rollback(True)


def test_a_partner_records_legal_aid_steps_on_its_own_case(world: World, db: Any) -> None:
    case = world.things["partner1"].case
    client = Client()
    client.force_login(world.users["lawyer1"])
    with transaction.atomic():
        response = client.post(f"/cases/{case.pk}/step/", {"transition": "file", "effective": _day(world)})
        assert response.status_code == 302
        response = client.post(f"/cases/{case.pk}/notes/", {"text": "Hearing on Monday."})
        assert response.status_code == 302
        transaction.set_rollback(True)


def test_an_accepted_referral_on_a_case_lets_the_partner_add_notes_but_not_decide(world: World, db: Any) -> None:
    case = world.things["state"].case
    partner = world.organisations["partner2"]
    with unscoped("test"):
        referral = world.things["state"].referral
        Referral.objects.filter(pk=referral.pk).update(case=case)
        with transaction.atomic():
            step_referral(by=world.users["lawyer2"], referral=referral, step="accept", effective=world.today)
            from panah.accounts.permissions import may

            lawyer = world.users["lawyer2"]
            assert referral.to_organisation_id == partner.pk
            assert may(lawyer, A_.NOTE_CASES, case)
            assert not may(lawyer, A_.DECIDE_CASES, case)
            assert not may(lawyer, A_.MANAGE_CASES, case)
            transaction.set_rollback(True)


def test_the_assign_form_offers_only_the_handling_organisations_staff(world: World, db: Any) -> None:
    case = world.things["state"].case
    client = Client()
    client.force_login(world.users["decider"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "member-state" in page and "lawyer1" not in page and "member-partner1" not in page
    with unscoped("test"):
        assert Membership.objects.filter(user__username="member-state").exists()
    assert UserSession  # the sessions table is counted like every other
