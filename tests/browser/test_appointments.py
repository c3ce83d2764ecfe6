"""Appointments in a real browser (issue 22): a status decision officer of Pavlodar Region opens a
statelessness case, schedules the interview from the case page, sees it on the officer's calendar; the
person's lawyer (a partner that accepted a referral on the case, with the person's consent) has it in the
digest; the officer moves it past the decision deadline and Panah warns. The clock is 10 May 2024."""

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from panah.accounts.permissions import acting_as
from panah.accounts.scope import scope_for, unscoped, use_scope
from panah.alerts.models import AlertPreference
from panah.alerts.services import render_digest
from panah.cases import referral_services
from panah.cases.models import Case, DeadlineRule, EligibilityRule
from panah.cases.ruledata import load_rules
from tests.browser.helpers import sign_in
from tests.conftest import REGION_A
from tests.factories import MembershipFactory, PersonFactory, UserFactory, region
from tests.factories.cases import consent
from tests.factories.knowledge import PartnerProjectFactory

pytestmark = pytest.mark.browser
TODAY = dt.date(2024, 5, 10)


def test_interview_on_the_calendar_in_the_lawyers_digest_and_a_warning_when_moved_past_the_deadline(
    cast: Any, new_page: Callable[..., Any], screenshot: Callable[[Any, str], Any]
) -> None:
    with time_machine.travel(dt.datetime(2024, 5, 10, 10, tzinfo=ZoneInfo("Asia/Almaty")), tick=True):
        with unscoped("test set-up"):
            # A browser test's database is emptied after each such test, the shipped rules with it.
            load_rules(DeadlineRule, EligibilityRule)
            person = PersonFactory(
                organisation=cast.state, region=region(REGION_A), sex="M", birth_date=dt.date(1980, 3, 2),
                name=("Arman", "Seitkali"), citizenship_status="undetermined",
            )  # fmt: skip
        agreed = consent(person, taken_by=cast.decider_a, given_on=dt.date(2024, 2, 1), purpose="Sharing with partners")
        cast.partner.regions.add(region(REGION_A))
        lawyer = UserFactory(username="ngo_lawyer", email="lawyer@example.org")
        MembershipFactory(user=lawyer, organisation=cast.partner, role="caseworker", regions=[REGION_A])
        AlertPreference.objects.create(user=lawyer, language="en")
        project = PartnerProjectFactory(organisation=cast.partner, title="Legal aid", regions=[REGION_A], capacity=9)
        number = person.registration_number

        page = new_page()
        sign_in(page, cast.decider_a)
        page.goto(f"/cases/person/{number}/new/")
        page.get_by_label("Kind of case").select_option("statelessness")
        page.get_by_label("Opened on", exact=False).fill("01.03.2024")
        page.get_by_role("button", name="Open the case").click()
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_have_text("statelessness determination: application filed")
        case_url = page.url
        with unscoped("test check"):
            case = Case.objects.get(person=person)
        assert case.due_on == dt.date(2024, 6, 1)

        # Schedule the interview from the case page.
        page.get_by_role("link", name="Schedule an appointment").click()
        page.get_by_label("Kind of appointment").select_option("interview")
        page.get_by_label("Day").fill("20.05.2024")
        page.get_by_label("Time").fill("10:30")
        page.get_by_label("Place").fill("Room 4")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("region", name="Appointments")).to_contain_text("Room 4")
        expect(page.get_by_role("main")).not_to_contain_text("after the deadline it serves")
        screenshot(page, "interview-scheduled")

        # The officer's calendar, that week.
        page.goto("/appointments/?week=20.05.2024")
        expect(page.get_by_role("main")).to_contain_text(number)
        expect(page.get_by_role("main")).to_contain_text("10:30")
        screenshot(page, "officer-calendar")

        # The person's lawyer: a referral on the case, accepted, with the person's consent.
        with use_scope(scope_for(cast.decider_a)):
            referral = referral_services.send_referral(
                by=cast.decider_a, person=person, project=project, kind="legal_aid", needs="Statelessness application.",
                consent=agreed, case=case, sent_on=TODAY,
            )  # fmt: skip
        with use_scope(scope_for(lawyer)):
            referral_services.step_referral(by=lawyer, referral=referral, step="accept", effective=TODAY)
        with acting_as(lawyer, channel="task"):
            _subject, body, _items = render_digest(lawyer, AlertPreference.objects.get(user=lawyer), TODAY)
        assert "Appointments coming up" in body and number in body and "20.05.2024 10:30" in body

        # Moved past the deadline it serves: Panah warns, on the page and on the case.
        page.goto(case_url)
        page.get_by_role("region", name="Appointments").get_by_role("link", name="Move").click()
        page.get_by_label("Day").fill("03.06.2024")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("main")).to_contain_text("This appointment falls after the deadline it serves.")
        expect(page.get_by_role("region", name="Appointments")).to_contain_text("after the deadline it serves")
        screenshot(page, "moved-past-deadline")

        # At 360 px nothing sticks out sideways.
        page.set_viewport_size({"width": 360, "height": 740})
        for path in (case_url, "/appointments/?week=03.06.2024", "/appointments/feed/", "/alerts/preferences/"):
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path} is {width} px wide at 360 px"
