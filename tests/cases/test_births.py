"""Birth-registration monitoring on a fixture whose answers are computed by hand (as of 30.06.2025)."""

import datetime as dt

import pytest

from panah.accounts.scope import scope_for, unscoped, use_scope
from panah.cases import selectors, services
from panah.cases.models import BirthObstacle, Case
from panah.cases.workflows import CaseKind
from panah.registry.models import Document
from panah.status.services import record_status_event
from tests.factories import PersonFactory, region
from tests.factories.cases import attach_required, child, document, household

D = dt.date
AS_OF = D(2025, 6, 30)


def status(person, *kinds_and_dates, by):
    with unscoped("test"):
        for kind, day in kinds_and_dates:
            record_status_event(person=person, kind=kind, effective=day, by=by)


@pytest.fixture
def families(cast, open_case, step):
    a, b = region("KZ-55"), region("KZ-75")
    org = cast.state
    # Family 1, region A: a refugee father and four children.
    father = PersonFactory(organisation=org, region=a, name=("Hamid", "Noori"))
    status(father, ("asylum_application", D(2015, 1, 10)), ("refugee_granted", D(2015, 6, 1)), by=cast.sysadmin)
    c1 = child(born=D(2025, 1, 10), organisation=org, region=a, name=("Sara", "Noori"))  # age 0
    c2 = child(born=D(2022, 3, 1), organisation=org, region=a, name=("Omid", "Noori"))  # age 3
    c3 = child(born=D(2020, 5, 5), organisation=org, region=a, name=("Lina", "Noori"))  # has a certificate
    c4 = child(born=D(2019, 1, 1), organisation=org, region=a, name=("Aziz", "Noori"), in_kazakhstan=False)
    document(c3, "birth_cert", "I-AA 123456", valid_from=D(2020, 6, 1))
    household(father, (c1, "child"), (c2, "child"), (c3, "child"), (c4, "child"))
    # Family 2, region B: a stateless mother; one child of 10 and one adult son.
    mother = PersonFactory(organisation=org, region=b, name=("Gulnara", "Ivanova"), sex="F")
    status(mother, ("stateless_determined", D(2012, 1, 1)), by=cast.sysadmin)
    c5 = child(born=D(2014, 7, 1), organisation=org, region=b, name=("Timur", "Ivanov"))  # age 10 -> 5-11
    c6 = child(born=D(2006, 1, 1), organisation=org, region=b, name=("Artur", "Ivanov"))  # 19: not a child
    household(mother, (c5, "child"), (c6, "child"))
    # Family 3, region A: nobody of concern, so the child is not tracked.
    neighbour = PersonFactory(organisation=org, region=a, name=("Bolat", "Seitov"))
    c7 = child(born=D(2024, 1, 1), organisation=org, region=a, name=("Aru", "Seitova"))
    household(neighbour, (c7, "child"))
    # A child tracked by a birth-registration case only, exactly one year old on AS_OF.
    c8 = child(born=D(2024, 6, 30), organisation=org, region=a, name=("Yusuf", "Rahimi"))
    case8 = open_case(cast.officer_a, c8, CaseKind.BIRTH_REGISTRATION, opened_on=D(2024, 7, 1))
    # A child whose certificate was issued through its case.
    c9 = child(born=D(2023, 1, 1), organisation=org, region=b, name=("Mira", "Sultan"))
    case9 = open_case(cast.sysadmin, c9, CaseKind.BIRTH_REGISTRATION, opened_on=D(2023, 2, 1))
    attach_required(case9, "issue", by=cast.sysadmin)
    step(cast.sysadmin, case9, "issue", D(2023, 5, 1), decision_reference="I-AB 777")
    return {
        "c1": c1,
        "c2": c2,
        "c3": c3,
        "c4": c4,
        "c5": c5,
        "c6": c6,
        "c7": c7,
        "c8": c8,
        "c9": c9,
        "case8": case8,
        "case9": case9,
    }


def test_birth_report_by_region_age_and_parents_status(cast, families):
    with unscoped("test: national report"):
        rows = selectors.birth_report(AS_OF)
    assert [(r["region_id"], r["age"], r["parents"], r["n"]) for r in rows] == [
        ("KZ-55", "0", "REF", 1),  # c1
        ("KZ-55", "1", "", 1),  # c8: no household recorded
        ("KZ-55", "3", "REF", 1),  # c2
        ("KZ-75", "5-11", "STA", 1),  # c5
    ]


def test_birth_report_is_scoped(cast, families):
    with use_scope(scope_for(cast.officer_b)):
        rows = selectors.birth_report(AS_OF)
    assert [(r["region_id"], r["n"]) for r in rows] == [("KZ-75", 1)]


def test_children_past_the_alert_age(cast, families):
    # The shipped alert age is 12 months: born on or before 30.06.2024.
    with use_scope(scope_for(cast.officer_a)):
        names = {p.pk for p in selectors.children_past_alert_age(AS_OF)}
    assert names == {families["c2"].pk, families["c8"].pk}
    with unscoped("test"):
        everyone = {p.pk for p in selectors.children_past_alert_age(AS_OF)}
    assert everyone == {families["c2"].pk, families["c5"].pk, families["c8"].pk}


def test_issued_certificate_is_a_document_and_ends_tracking(cast, families):
    with unscoped("test"):
        assert Document.objects.filter(person=families["c9"], type="birth_cert", number="I-AB 777").exists()
        assert Case.objects.get(pk=families["case9"].pk).closed_on == D(2023, 5, 1)


def test_obstacles_are_recorded_and_resolved_with_the_certificate(cast, families, step):
    case = families["case8"]
    with use_scope(scope_for(cast.officer_a)):
        services.record_obstacle(
            by=cast.officer_a,
            case=case,
            kind="parents_undocumented",
            found_on=D(2024, 8, 1),
            note="Mother has no passport",
        )
        services.record_obstacle(by=cast.officer_a, case=case, kind="missed_deadline", found_on=D(2024, 10, 1))
    with unscoped("test"):
        case = Case.objects.get(pk=case.pk)
        assert case.state == "blocked"
        assert BirthObstacle.objects.filter(case=case, resolved_on__isnull=True).count() == 2
    step(cast.officer_a, case, "apply", D(2025, 2, 1))
    attach_required(case, "issue", by=cast.officer_a)
    step(cast.officer_a, case, "issue", D(2025, 3, 1), decision_reference="I-AC 42")
    with unscoped("test"):
        assert not BirthObstacle.objects.filter(case=case, resolved_on__isnull=True).exists()
        rows = selectors.birth_report(AS_OF)
    assert ("KZ-55", "1") not in {(r["region_id"], r["age"]) for r in rows}


def test_birth_registration_deadline_runs_from_birth(cast, families):
    # Shipped rule birth.registration: 3 months from birth (value unconfirmed, configurable).
    assert families["case8"].due_on == D(2024, 9, 30)


def test_worklist_shows_children_past_the_alert_age(client, cast, families):
    client.force_login(cast.officer_a)
    page = client.get("/cases/").content.decode()
    assert families["c2"].registration_number in page
    assert families["c5"].registration_number not in page  # another region


def test_every_untracked_child_gets_a_case(cast, families):
    """c1, c2 and c5 have no case yet; an officer of region A opens cases for region A's two only."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("track_births", "--as", "officer_a", stdout=out)
    assert "Opened 2 " in out.getvalue()
    with unscoped("test"):
        tracked = set(Case.objects.filter(kind="birth_registration").values_list("person_id", flat=True))
    assert {families["c1"].pk, families["c2"].pk} <= tracked
    assert families["c5"].pk not in tracked
    # Running again opens nothing: each child has one case.
    with use_scope(scope_for(cast.officer_a)):
        assert services.track_births(by=cast.officer_a) == 0


def test_the_births_page_lists_the_children_themselves_oldest_first(client, cast, families):
    """Not only the totals: each child without a certificate, with a link to act on it, in the reader's
    scope (officer_a covers region A: c8, c2 and c1; c5 is in region B)."""
    import time_machine
    from django.utils import timezone

    client.force_login(cast.officer_a)
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(AS_OF, dt.time(12))), tick=False):
        page = client.get("/cases/births/").content.decode()
    listed = page.split("The children, oldest first", 1)[1]
    numbers = [families[c].registration_number for c in ("c2", "c8", "c1")]
    assert [listed.index(f'href="/persons/{n}/"') for n in numbers] == sorted(
        listed.index(f'href="/persons/{n}/"') for n in numbers
    )
    assert families["c5"].registration_number not in page and families["c3"].registration_number not in page
