"""IDOR through every URL and API id: for each URL of the application that names an object, a caller
outside that object's scope gets 404 (or 403 where the role itself is missing), by GET and by POST,
and nothing changes. The objects belong to region B; the callers are a registrar of region A of the
same department and a partner NGO's lawyer (who sees only the partner's own clients).

A new URL with a parameter fails `test_every_url_with_an_id_is_covered` until it is added here."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from panah.accounts.models import UserSession
from panah.accounts.scope import unscoped
from panah.appointments.models import Appointment
from panah.audit.models import AuditEntry
from panah.cases.models import BirthObstacle, Case, CaseEvent, Referral
from panah.cases.services import add_task, open_case
from panah.evidence.services import attach_file
from panah.imports.models import ImportRun
from panah.jobs.models import Job
from panah.knowledge.models import SharedInformation, Training
from panah.matching.models import CandidatePair, Merge
from panah.privacy.services import record_request
from panah.status.services import record_status_event
from tests.factories import region
from tests.factories.cases import SCAN, child, consent
from tests.factories.knowledge import LeafletFactory, PartnerProjectFactory
from tests.security.urls import fill, routes

# Pages about public or non-personal things, reachable by every signed-in user (or by role alone).
NOT_PERSONAL = {
    "knowledge:article",
    "knowledge:article_update",  # publishing needs its own role: tested in tests/knowledge
    "knowledge:leaflet",
    "stats:release",
    "stats:release_csv",
    "stats:release_xlsx",
    "api:release",
    "notices:verify",  # public: says only what a notice's signed payload says (tests/notices)
}


@pytest.fixture
def objects(cast):
    """One object of every kind that a URL names, in region B, owned by the state department."""
    today = timezone.localdate()
    with unscoped("test objects"):
        person = cast.person_b
        event = record_status_event(
            by=cast.sysadmin, person=person, kind="asylum_application", effective=dt.date(2020, 1, 1)
        )
        case = open_case(by=cast.sysadmin, person=person, kind="documentation", opened_on=today)
        task = add_task(by=cast.sysadmin, case=case, title="Collect the birth certificate")
        baby = child(
            born=today - dt.timedelta(days=40),
            organisation=cast.state,
            region=region("KZ-75"),
            name=("Aisha", "Husseini"),
        )
        birth = open_case(by=cast.sysadmin, person=baby, kind="birth_registration", opened_on=today)
        obstacle = BirthObstacle.objects.create(case=birth, kind="other", found_on=today, recorded_by=cast.sysadmin)
        project = PartnerProjectFactory(organisation=cast.unhcr, regions=["KZ-75"])
        referral = Referral.objects.create(
            person=person, project=project, kind="legal", needs="Legal advice", from_organisation=cast.state,
            to_organisation=cast.unhcr, region_id="KZ-75", consent=consent(person, taken_by=cast.sysadmin),
            state_since=today, sent_on=today, sent_by=cast.sysadmin,
        )  # fmt: skip
        shared = SharedInformation.objects.create(
            person=person, leaflet=LeafletFactory(), language="ru", shared_on=today, organisation=cast.state,
            shared_by=cast.sysadmin,
        )  # fmt: skip
        left, right = sorted([person, cast.partner_person], key=lambda p: p.pk)
        pair = CandidatePair.objects.create(left=left, right=right, score=0.9, source="online")
        merge = Merge.objects.create(survivor=person, merged=cast.partner_person, by=cast.sysadmin, reason="test")
        training = Training.objects.create(
            # Trainings of officials are seen by region (not by owner): one in neither caller's region.
            title="Refugee law", start_date=today, end_date=today, region_id="KZ-11", format="in_person",
            created_by=cast.sysadmin,
        )  # fmt: skip
        job = Job.objects.create(kind=Job.Kind.IMPORT_PERSONS, requested_by=cast.officer_b)
        request = record_request(
            by=cast.sysadmin, person=person, kind="erasure", received_on=today, channel="in_person",
            identity_checked=True, identity_evidence="passport seen",
        )  # fmt: skip
        scan = attach_file(by=cast.sysadmin, person=person, kind="passport", data=SCAN)
        session = UserSession.objects.create(session_key="k" * 32, user=cast.officer_b)
        appointment = Appointment.objects.create(
            case=case, kind="interview", starts_at=timezone.now() + dt.timedelta(days=3), officer=cast.officer_b
        )
        run = ImportRun.objects.create(
            organisation=cast.state, requested_by=cast.officer_b, file_name="b.csv", file_hash="0", content=b"x",
            state=ImportRun.State.VALIDATED, dry_run=True, report={"columns": [["Имя", "given_name"]]},
        )  # fmt: skip
    number = person.registration_number
    return {
        # url name: its parameters
        "registry:person": {"number": number},
        "registry:edit": {"number": number},
        "registry:add_document": {"number": number},
        "registry:move": {"number": number},
        "registry:add_specific_need": {"number": number},
        "registry:join_household": {"number": number},
        "status:record_event": {"number": number},
        "status:correct_event": {"number": number, "event_id": str(event.pk)},
        "jobs:job": {"pk": str(job.pk)},
        "matching:pair": {"pk": str(pair.pk)},
        "matching:decide": {"pk": str(pair.pk)},
        "matching:merge": {"pk": str(pair.pk)},
        "matching:merge_detail": {"pk": str(merge.pk)},
        "knowledge:training": {"pk": str(training.pk)},
        "knowledge:add_participant": {"pk": str(training.pk)},
        "knowledge:import_participants": {"pk": str(training.pk)},
        "knowledge:person_shared": {"number": number},
        "knowledge:handout": {"pk": str(shared.pk)},
        "cases:eligibility": {"number": number},
        "cases:open": {"number": number},
        "cases:refer": {"number": number},
        "cases:referral": {"pk": str(referral.pk)},
        "cases:referral_step": {"pk": str(referral.pk)},
        "cases:referral_service": {"pk": str(referral.pk)},
        "cases:case": {"pk": str(case.pk)},
        "appointments:new": {"pk": str(case.pk)},
        "appointments:move": {"pk": str(appointment.pk)},
        "appointments:cancel": {"pk": str(appointment.pk)},
        "appointments:ics": {"secret": "not-the-secret"},
        "cases:transition": {"pk": str(case.pk)},
        "cases:note": {"pk": str(case.pk)},
        "cases:task": {"pk": str(case.pk)},
        "cases:task_done": {"pk": str(case.pk), "task_id": str(task.pk)},
        "cases:transfer": {"pk": str(case.pk)},
        "cases:assign": {"pk": str(case.pk)},
        "notices:case_notice": {"pk": str(case.pk), "event": str(CaseEvent._base_manager.filter(case=case).first().pk)},
        "notices:revoke": {"pk": str(case.pk)},
        "notices:registration_certificate": {"number": number},
        "cases:obstacle": {"pk": str(birth.pk)},
        "cases:obstacle_resolved": {"pk": str(birth.pk), "obstacle_id": str(obstacle.pk)},
        "imports:run": {"pk": str(run.pk)},
        "imports:report": {"pk": str(run.pk)},
        "imports:read": {"pk": str(run.pk)},
        "imports:mapping": {"pk": str(run.pk)},
        "imports:import_now": {"pk": str(run.pk)},
        "exports:subject_access": {"number": number},
        "evidence:person_upload": {"number": number},
        "evidence:case_upload": {"pk": str(case.pk)},
        "evidence:download": {"pk": str(scan.pk)},
        "evidence:remove": {"pk": str(scan.pk)},
        "privacy:request_new": {"number": number},
        "privacy:request": {"pk": str(request.pk)},
        "privacy:anonymise": {"pk": str(request.pk)},
        # Another user's account (officer_b): only their own or an administrator's business.
        "accounts:user_detail": {"pk": str(cast.officer_b.pk)},
        "accounts:user_password": {"pk": str(cast.officer_b.pk)},
        "accounts:user_deactivate": {"pk": str(cast.officer_b.pk)},
        "accounts:user_reactivate": {"pk": str(cast.officer_b.pk)},
        "accounts:user_reset_second_factor": {"pk": str(cast.officer_b.pk)},
        "accounts:user_end_session": {"pk": str(cast.officer_b.pk), "session_pk": str(session.pk)},
        "accounts:end_own_session": {"pk": str(session.pk)},
        "accounts:user_membership": {"pk": str(cast.officer_b.pk)},
        "accounts:user_end_membership": {
            "pk": str(cast.officer_b.pk),
            "membership_pk": str(cast.officer_b.memberships.get().pk),
        },
        "api:get_person": {"number": number},
        "api:status_events": {"number": number},
        "api:status": {"number": number},
        "api:run": {"pk": str(run.pk)},
        "api:import_report": {"pk": str(run.pk)},
        "api:report_xlsx": {"pk": str(run.pk)},
    }


def _application_routes():
    return [r for r in routes() if r.parameters and not r.name.startswith("admin:")]


def test_every_url_with_an_id_is_covered(objects):
    names = {r.name for r in _application_routes()}
    assert names - set(objects) - NOT_PERSONAL == set(), "add these URLs to the IDOR test"


@pytest.mark.parametrize("attacker", ["officer_a", "lawyer"])
def test_no_url_reaches_an_object_outside_the_callers_scope(cast, objects, attacker):
    client = Client()
    client.force_login(getattr(cast, attacker))
    reached = {}
    before = AuditEntry.objects.exclude(action__in=["login", "refused"]).count()
    for route in _application_routes():
        if route.name in NOT_PERSONAL:
            continue
        path = fill(route, objects[route.name])
        for method in ("get", "post"):
            status = getattr(client, method)(path).status_code
            if status not in (403, 404, 405):
                reached[f"{method.upper()} {path} ({route.name})"] = status
    assert reached == {}
    # Nothing was read or written on their behalf: no view, no change; only the refused attempts are logged.
    assert AuditEntry.objects.exclude(action__in=["login", "refused"]).count() == before
    assert AuditEntry.objects.filter(action="refused", user=getattr(cast, attacker)).exists()


def test_the_owner_does_reach_them(cast, objects):
    # The same URLs are real: the region B registrar opens the person, the case and the import run.
    client = Client()
    client.force_login(cast.officer_b)
    for name in ("registry:person", "cases:case", "imports:run", "knowledge:person_shared", "cases:eligibility"):
        route = next(r for r in _application_routes() if r.name == name)
        assert client.get(fill(route, objects[name])).status_code == 200, name
    with unscoped("test"):
        assert Case.objects.filter(person=cast.person_b).exists()
