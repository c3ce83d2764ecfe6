"""Legal deadlines from dated rule versions: calendar days, working days with Kazakhstan's public
holidays (from the `holidays` library), months; an amendment is a new version, and a case opened
before it keeps the old period when the new version says so."""

import datetime as dt

import pytest

from panah.accounts.scope import unscoped
from panah.cases import deadlines, selectors, services
from panah.cases.models import Case, DeadlineRule
from panah.cases.workflows import CaseKind
from tests.factories import PersonFactory, region
from tests.factories.cases import DeadlineRuleFactory

D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (D(2024, 1, 15), 3, D(2024, 4, 15)),  # domain notes AT6: application 15.01.2024 -> decision due 15.04.2024
        (D(2024, 1, 15), 12, D(2025, 1, 15)),  # ... and at most one year: 15.01.2025
        (D(2024, 11, 30), 3, D(2025, 2, 28)),  # no 30 February: the month's last day
        (D(2023, 11, 30), 3, D(2024, 2, 29)),  # leap year
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
    ],
)
def test_months_are_calendar_months(start, months, due):
    assert deadlines.add_months(start, months) == due


def test_kazakh_public_holidays_come_from_the_holidays_library():
    assert not deadlines.is_working_day(D(2024, 3, 21))  # Nauryz
    assert not deadlines.is_working_day(D(2024, 3, 25))  # Nauryz falling on a weekend, moved to Monday
    assert not deadlines.is_working_day(D(2024, 12, 16))  # Independence Day
    assert not deadlines.is_working_day(D(2024, 3, 30))  # Saturday
    assert deadlines.is_working_day(D(2024, 3, 26))
    # The government moved 8 May 2024 off and made Saturday 4 May a working day.
    assert not deadlines.is_working_day(D(2024, 5, 8))
    assert deadlines.is_working_day(D(2024, 5, 4))


@pytest.mark.django_db
def test_working_days_skip_weekends_and_holidays():
    rule = DeadlineRuleFactory(period=5, unit="working_days")
    # From Wed 20.03.2024: Nauryz 21, 22, (23 Sat), (24 Sun), 25 observed; then 26, 27, 28, 29 and Mon 1 April.
    assert deadlines.due_date(rule, D(2024, 3, 20)) == D(2024, 4, 1)
    calendar = DeadlineRuleFactory(period=5, unit="calendar_days")
    assert deadlines.due_date(calendar, D(2024, 3, 20)) == D(2024, 3, 25)
    rolled = DeadlineRuleFactory(period=5, unit="calendar_days", roll_to_working_day=True)
    assert deadlines.due_date(rolled, D(2024, 3, 20)) == D(2024, 3, 26)  # 25 March is a holiday
    # The Saturday made a working day counts.
    assert deadlines.due_date(DeadlineRuleFactory(period=1, unit="working_days"), D(2024, 5, 3)) == D(2024, 5, 4)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("keep_previous", "opened_on", "expected_period"),
    [
        (True, D(2023, 6, 1), 30),  # opened before the amendment, which lets open cases keep the old rule
        (False, D(2023, 6, 1), 10),  # the amendment applies to open cases too
        (True, D(2024, 2, 1), 10),  # opened after the amendment
        (False, D(2024, 2, 1), 10),
    ],
)
def test_amendment_and_cases_opened_before_it(keep_previous, opened_on, expected_period):
    DeadlineRuleFactory(code="test.decision", valid_from=D(2020, 1, 1), period=30)
    DeadlineRuleFactory(
        code="test.decision", valid_from=D(2024, 1, 1), period=10, open_cases_keep_previous=keep_previous
    )
    rule = deadlines.rule_for("test.decision", opened_on=opened_on, on=D(2024, 6, 1))
    assert rule.period == expected_period
    # Before the amendment took effect, only the old version exists, whatever the case.
    assert deadlines.rule_for("test.decision", opened_on=opened_on, on=D(2023, 12, 31)).period == 30


@pytest.mark.django_db
def test_no_version_in_force_means_no_deadline():
    DeadlineRuleFactory(code="test.new", valid_from=D(2024, 1, 1))
    assert deadlines.rule_for("test.new", opened_on=D(2023, 1, 1), on=D(2023, 6, 1)) is None


def test_shipped_rules_cite_the_law_and_mark_unconfirmed_values(db):
    rules = list(DeadlineRule.objects.all())
    assert {r.code for r in rules} >= {
        "asylum.lodging",
        "asylum.decision",
        "asylum.decision_extended",
        "asylum.appeal",
        "refugee.status_extension",
        "statelessness.decision",
        "citizenship.decision",
        "birth.registration",
    }
    for rule in rules:
        assert rule.legal_reference and rule.valid_from
        if rule.configurable:
            assert "UNCONFIRMED" in rule.note or "policy" in rule.legal_reference.lower(), rule.code
    decision = DeadlineRule.objects.get(code="asylum.decision")
    assert (decision.period, decision.unit, decision.configurable) == (3, "months", False)
    assert "Art. 11(1)" in decision.legal_reference


def test_asylum_case_shows_the_article_11_deadlines(cast, open_case, step):
    case = open_case(cast.decider_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2024, 1, 15))
    assert (case.due_on, case.due_rule) == (D(2024, 4, 15), "asylum.decision")
    step(cast.decider_a, case, "postpone", D(2024, 4, 1), note="verification")
    with unscoped("test"):
        case = Case.objects.get(pk=case.pk)
    assert (case.due_on, case.due_rule) == (D(2025, 1, 15), "asylum.decision_extended")
    step(cast.decider_a, case, "recognise", D(2024, 6, 3))
    with unscoped("test"):
        case = Case.objects.get(pk=case.pk)
    assert (case.due_on, case.due_rule) == (D(2025, 6, 3), "refugee.status_extension")


def test_late_lodging_is_flagged(cast, open_case):
    late = open_case(
        cast.decider_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2024, 1, 15), arrival_date=D(2024, 1, 9)
    )
    assert services.lodged_late(late)  # 9 Jan + 5 calendar days = 14 Jan


def test_lodging_on_the_fifth_day_is_in_time(cast, open_case):
    sysadmin = cast.sysadmin
    case = open_case(sysadmin, cast.person_b, CaseKind.ASYLUM, opened_on=D(2024, 1, 15), arrival_date=D(2024, 1, 10))
    assert not services.lodged_late(case)


def test_amendment_applying_to_open_cases_moves_their_deadline(cast, open_case):
    case = open_case(cast.decider_a, cast.person_a, CaseKind.BIRTH_REGISTRATION, opened_on=D(2024, 1, 15))
    assert case.due_on == D(1990, 8, 17)  # birth 17.05.1990 + 3 months (the cast's person is an adult)
    DeadlineRuleFactory(
        code="birth.registration", valid_from=D(2024, 6, 1), period=1, unit="months", open_cases_keep_previous=False
    )
    assert services.refresh_deadlines() >= 1
    with unscoped("test"):
        assert Case.objects.get(pk=case.pk).due_on == D(1990, 6, 17)


def test_worklist_and_regional_overview(cast, open_case, today):
    """Overdue and due-soon cases, counted by region; relative to today, since decisions cannot be dated later."""
    person_c = PersonFactory(organisation=cast.state, region=region("KZ-55"), name=("Ali", "Karimi"))
    overdue = open_case(
        cast.decider_a, cast.person_a, CaseKind.ASYLUM, opened_on=deadlines.add_months(today, -4)
    )  # due a month ago
    soon = open_case(
        cast.decider_a, person_c, CaseKind.ASYLUM, opened_on=deadlines.add_months(today + dt.timedelta(days=5), -3)
    )  # due in 5 days
    later = open_case(cast.sysadmin, cast.person_b, CaseKind.ASYLUM, opened_on=today)  # due in 3 months, region B
    work = selectors.worklist(cast.decider_a, today=today)
    assert [c.pk for c in work.overdue] == [overdue.pk]
    assert [c.pk for c in work.due_soon] == [soon.pk]
    # The officer of region A does not see region B's case at all.
    assert later.pk not in [c.pk for c in work.overdue + work.due_soon]
    rows = selectors.regional_overview(cast.sysadmin, today=today)
    by_region = {(r["region_id"], r["kind"]): (r["open"], r["overdue"], r["soon"]) for r in rows}
    assert by_region == {("KZ-55", "asylum"): (2, 1, 1), ("KZ-75", "asylum"): (1, 0, 0)}
    rows_a = selectors.regional_overview(cast.decider_a, today=today)
    assert {r["region_id"] for r in rows_a} == {"KZ-55"}


def test_worklist_page_queries_do_not_grow_with_cases(cast, open_case, client, today):
    """The worklist reads a fixed number of queries for 1 or 3 cases (STYLE.md query-count guard)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.decider_a)
    counts = []
    created = 0
    for n in (1, 3):
        for i in range(created, n):
            person = PersonFactory(organisation=cast.state, region=region("KZ-55"), name=(f"Given{i}", "Family"))
            open_case(cast.decider_a, person, CaseKind.ASYLUM, opened_on=deadlines.add_months(today, -4))
        created = n
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/cases/")
        assert response.status_code == 200
        assert response.content.decode().count("days overdue") == n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_rules_are_maintained_in_the_admin_and_deadlines_recomputed_by_command(client, cast, open_case):
    import io

    from django.core.management import call_command

    case = open_case(cast.decider_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2024, 1, 15))
    cast.sysadmin.is_staff = cast.sysadmin.is_superuser = True
    cast.sysadmin.save()
    client.force_login(cast.sysadmin)
    page = client.get("/admin/cases/deadlinerule/?q=asylum.decision")
    assert page.status_code == 200 and "asylum.decision" in page.content.decode()
    # An amendment from 1 February 2024 shortening the decision period to 2 months for open cases too.
    DeadlineRuleFactory(
        code="asylum.decision", valid_from=D(2024, 2, 1), period=2, unit="months", open_cases_keep_previous=False
    )
    out = io.StringIO()
    call_command("refresh_deadlines", stdout=out)
    assert "1 open case(s) changed" in out.getvalue()
    with unscoped("test"):
        assert Case.objects.get(pk=case.pk).due_on == D(2024, 3, 15)
