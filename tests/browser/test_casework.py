"""Casework in a real browser (issue 6): a status decision officer of Pavlodar Region opens a
statelessness case for a man of undetermined nationality, records the determination, sees him counted
as a stateless person on the statistics page, and refers his household to a partner's legal-aid
project; the partner's lawyer signs in, finds the referral in the partner's inbox, sees only what it
shares, and accepts it.

Figures on the statistics page, Pavlodar Region, under public disclosure control (1 to 4 would show
as *, so every group below is 5 or more, all men aged 18-59 of unknown origin, and every cell of every
table stays 0 or at least 5):

| who                                          | before  | after the determination |
| -------------------------------------------- | ------- | ----------------------- |
| 5 men determined stateless in February 2020  | STA 5   | STA 5                   |
| 5 men identified as undetermined, June 2020  | UND 5   | UND 5                   |
| Arman Seitkali, undetermined since June 2020 | UND 1   | STA 1                   |
| headline                                     | STA 5, UND 6 | STA 6, UND 5       |
"""

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from panah.accounts.scope import unscoped
from panah.cases.models import Referral
from panah.status.models import EventKind as K
from panah.status.services import record_status_event
from tests.browser.helpers import sign_in
from tests.conftest import REGION_A
from tests.factories import MembershipFactory, PersonFactory, UserFactory, region
from tests.factories.cases import consent, household
from tests.factories.knowledge import PartnerProjectFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def family(cast: Any) -> dict[str, Any]:
    """The household of Arman Seitkali (undetermined nationality) in Pavlodar Region, the persons of the
    table above, the partner's legal-aid project in Pavlodar Region and the partner's lawyer there."""
    pavlodar = region(REGION_A)
    with unscoped("test set-up"):
        for n in range(5):
            for kind, effective, status in (
                (K.STATELESS_DETERMINED, dt.date(2020, 2, 1), "stateless"),
                (K.UNDETERMINED_IDENTIFIED, dt.date(2020, 6, 1), "undetermined"),
            ):
                other = PersonFactory(
                    organisation=cast.state, region=pavlodar, sex="M", birth_date=dt.date(1985, 1, 1),
                    name=(f"Given{n}", f"Family{status}"), citizenship_status=status,
                )  # fmt: skip
                record_status_event(person=other, kind=kind, effective=effective, by=cast.sysadmin)
        head = PersonFactory(
            organisation=cast.state, region=pavlodar, sex="M", birth_date=dt.date(1980, 3, 2),
            name=("Arman", "Seitkali"), citizenship_status="undetermined",
        )  # fmt: skip
        record_status_event(
            person=head, kind=K.UNDETERMINED_IDENTIFIED, effective=dt.date(2020, 6, 1), by=cast.sysadmin
        )
        spouse = PersonFactory(
            organisation=cast.state, region=pavlodar, sex="F", birth_date=dt.date(1984, 7, 9),
            name=("Gulnara", "Seitkali"),
        )  # fmt: skip
        child = PersonFactory(
            organisation=cast.state,
            region=pavlodar,
            sex="M",
            birth_date=dt.date(2016, 1, 20),
            name=("Timur", "Seitkali"),
        )
    household(head, (spouse, "spouse"), (child, "child"))
    consent(head, taken_by=cast.decider_a, given_on=dt.date(2020, 6, 1), purpose="Sharing with partners")
    consent(spouse, taken_by=cast.decider_a, given_on=dt.date(2020, 6, 1), purpose="Sharing with partners")
    cast.partner.regions.add(pavlodar)
    ngo_lawyer = UserFactory(username="ngo_lawyer")
    MembershipFactory(user=ngo_lawyer, organisation=cast.partner, role="caseworker", regions=[REGION_A])
    project = PartnerProjectFactory(
        partner="KIBHR", organisation=cast.partner, title="Legal aid to stateless persons", regions=[REGION_A],
        capacity=20,
    )  # fmt: skip
    return {"head": head, "spouse": spouse, "child": child, "project": project, "ngo_lawyer": ngo_lawyer}


def headline(page: Any) -> dict[str, str]:
    items = page.locator("ul.headline li")
    expect(items).to_have_count(5)
    return {item.locator(".hint").inner_text(): item.locator(".figure").inner_text() for item in items.all()}


def test_caseworker_determines_statelessness_sees_it_counted_and_refers_the_household_which_the_partner_accepts(
    cast: Any, family: dict[str, Any], new_page: Callable[..., Any], screenshot: Callable[[Any, str], Any]
) -> None:
    head = family["head"]
    number = head.registration_number
    page = new_page()
    sign_in(page, cast.decider_a)

    # Before: Arman is one of six persons of undetermined nationality.
    page.get_by_role("link", name="Statistics", exact=True).click()
    figures = headline(page)
    assert (figures["stateless person"], figures["undetermined nationality"]) == ("5", "6")

    # Open a statelessness case from the person's page.
    page.goto(f"/persons/{number}/")
    page.get_by_role("link", name="Cases and eligibility").click()
    page.get_by_role("link", name="Open a case").click()
    page.get_by_label("Kind of case").select_option("statelessness")
    page.get_by_label("Opened on", exact=False).fill("01.03.2024")
    page.get_by_role("button", name="Open the case").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("statelessness determination: application filed")
    case_url = page.url

    # Record the determination: it writes the STA event of the status timeline.
    page.get_by_label("Step", exact=True).select_option("determine")
    page.get_by_label("Date (of the decision or event)").fill("15.03.2024")
    page.get_by_label("Decision or document reference").fill("No. 42-STA")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(heading).to_have_text("statelessness determination: determined stateless")
    expect(page.get_by_role("main")).to_contain_text("determined stateless")
    screenshot(page, "determined")

    # The statistics index is kept on write: he is counted as stateless now.
    page.get_by_role("link", name="Statistics", exact=True).click()
    figures = headline(page)
    assert (figures["stateless person"], figures["undetermined nationality"]) == ("6", "5")
    screenshot(page, "counted-as-sta")

    # Refer the household from the case page.
    page.goto(case_url)
    page.get_by_role("link", name="Refer to a partner project").click()
    expect(heading).to_have_text("Refer to a partner project")
    page.get_by_label("Partner project").select_option(label="KIBHR: Legal aid to stateless persons")
    page.get_by_label("Kind of assistance").select_option("legal_aid")
    page.get_by_label("Refer the whole household").check()
    page.get_by_label("Consent to share data with partners").select_option(label="Sharing with partners (01.06.2020)")
    page.get_by_label("Needs stated in the referral").fill("Help to apply for a stateless person's certificate.")
    page.get_by_role("button", name="Send the referral").click()
    expect(heading).to_have_text("Legal aid: sent")
    expect(page.get_by_role("main")).to_contain_text("Household shared")
    screenshot(page, "referred")
    with unscoped("test check"):
        referral = Referral.objects.get()
    assert (referral.state, referral.to_organisation_id, referral.household_id is not None) == (
        "sent",
        cast.partner.pk,
        True,
    )

    # The partner's lawyer finds it in the partner's inbox and accepts it.
    partner = new_page()
    sign_in(partner, family["ngo_lawyer"])
    partner.get_by_role("link", name="Cases", exact=True).click()
    partner.get_by_role("link", name="Referrals", exact=True).click()
    inbox = partner.get_by_role("region", name="Addressed to your organisation")
    inbox.get_by_role("link", name=number).click()
    expect(partner).to_have_url(re.compile(rf"/cases/referrals/{referral.pk}/$"))
    main = partner.get_by_role("main")
    shared = main.get_by_role("table").first
    expect(shared.locator("tbody tr")).to_have_count(3)
    for text in ("Seitkali Arman", "Seitkali Gulnara", "Seitkali Timur", number, "Help to apply for a stateless"):
        expect(main).to_contain_text(text)
    # What the referral does not share stays out: the birth dates, and any link into the person's file.
    for hidden in ("02.03.1980", "09.07.1984", "20.01.2016"):
        expect(main).not_to_contain_text(hidden)
    expect(main.locator(f"a[href*='/persons/{number}']")).to_have_count(0)
    partner.get_by_label("Step", exact=True).select_option("accept")
    partner.get_by_role("button", name="Record", exact=True).click()
    expect(partner.get_by_role("heading", level=1)).to_have_text("Legal aid: accepted")
    screenshot(partner, "accepted-by-partner")
    with unscoped("test check"):
        assert Referral.objects.get().state == "accepted"

    # The referring officer sees the answer.
    page.goto(f"/cases/referrals/{referral.pk}/")
    expect(heading).to_have_text("Legal aid: accepted")
