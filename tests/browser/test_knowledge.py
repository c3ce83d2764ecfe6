"""The knowledge journey of a trainer and knowledge editor, and of a regional officer, in a real browser.

Screenshots of each step are kept in test-artifacts/browser/, the Dari handout also as a PDF.
"""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from panah.accounts.scope import unscoped
from panah.knowledge.models import Participation, SharedInformation, Training
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import blocking_violations, sign_in
from tests.conftest import REGION_A, REGION_B
from tests.factories import MembershipFactory, UserFactory
from tests.factories.knowledge import LeafletFactory, PartnerProjectFactory, publish

pytestmark = pytest.mark.browser

DARI_TITLE = "کمک حقوقی رایگان"


@pytest.fixture
def editor(cast: Any) -> Any:
    """An organisation administrator of the state department: publishes articles and records trainings."""
    user = UserFactory(username="editor", first_name="Aigerim", last_name="Sadykova")
    MembershipFactory(user=user, organisation=cast.state, role="org_admin", regions=[REGION_A, REGION_B])
    return user


def test_editor_publishes_an_update_finds_it_in_russian_and_records_a_training(
    cast: Any, editor: Any, new_page: Any, screenshot: Any
) -> None:
    publish(
        cast.sysadmin,
        "law-on-refugees-2009",
        dt.date(2010, 1, 1),
        ru=("Закон «О беженцах»", "Статус беженца присваивается на один год."),
        en=("Law on Refugees", "Refugee status is granted for one year."),
    )
    today = timezone.localdate()
    page = new_page()
    sign_in(page, editor)

    # Publish a change to the article.
    page.get_by_role("link", name="Knowledge", exact=True).click()
    page.get_by_role("link", name="Law on Refugees").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Law on Refugees")
    page.get_by_role("link", name="Publish a change").click()
    page.get_by_label("In force from").fill(today.strftime("%d.%m.%Y"))
    page.get_by_label("What changed (Russian)").fill("Ходатайство подаётся в органы социальной защиты населения.")
    page.get_by_label("Text (Russian)").fill(
        "Статус беженца присваивается на один год. Ходатайство подаётся в органы социальной защиты населения."
    )
    page.get_by_label("What changed (English)").fill("Claims are lodged with the social-protection bodies.")
    screenshot(page, "publish-form")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Published version 2")
    expect(page.get_by_role("region", name="What changed")).to_contain_text("social-protection bodies")
    screenshot(page, "article-version-2")

    # It is the first of the latest updates.
    page.get_by_role("link", name="Latest updates").click()
    first = page.locator("li.update").first
    expect(first).to_contain_text("Law on Refugees")
    expect(first).to_contain_text("version 2")
    expect(first).to_contain_text("Claims are lodged with the social-protection bodies.")
    screenshot(page, "latest-updates")

    # Found by a search in Russian (another form of the word than in the text).
    page.get_by_role("link", name="Knowledge base").first.click()
    page.get_by_label("Search the knowledge base in Kazakh, Russian or English").fill("социальной защиты ходатайства")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#results ol.results li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Law on Refugees")
    expect(results.first).to_contain_text("version 2")
    screenshot(page, "search-ru")

    # Record a training with two participants.
    page.get_by_role("link", name="Trainings", exact=True).click()
    page.get_by_role("link", name="Record a training").click()
    page.get_by_label("Title").fill("Statelessness determination for social-protection officers")
    page.get_by_label("First day").fill("14.02.2017")
    page.get_by_label("Last day").fill("15.02.2017")
    page.get_by_label("Region where it was held").select_option(label="Pavlodar Region")
    page.get_by_label("Place").fill("Pavlodar")
    page.get_by_label("Format").select_option(label="in person")
    page.get_by_label("UNHCR Kazakhstan").check()
    page.get_by_label("Statelessness determination").check()
    page.get_by_label("Materials used").fill("UNHCR Handbook on Protection of Stateless Persons (2014)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Statelessness determination for social-protection officers"
    )

    for name, sex, before, after in [
        ("Zhumabayev Yerlan", "male", "40", "85"),
        ("Kassymova Dinara", "female", "55", "90"),
    ]:
        page.get_by_label("Full name").fill(name)
        page.get_by_label("Organisation", exact=True).fill("Department of Employment and Social Programmes")
        page.get_by_label("Position").fill("Chief specialist")
        page.get_by_label("Region where the official works").select_option(label="Pavlodar Region")
        page.get_by_label("Sex").select_option(label=sex)
        page.get_by_label("Score before (0–100)").fill(before)
        page.get_by_label("Score after (0–100)").fill(after)
        page.get_by_role("button", name="Add participant").click()
        expect(page.locator("table.participants tbody")).to_contain_text(name)
    expect(page.locator("table.participants tbody tr")).to_have_count(2)
    expect(page.locator("table.participants caption")).to_have_text("2 participants")
    screenshot(page, "training-participants")

    training = Training.objects.get()
    assert training.region_id == REGION_A and training.end_date == dt.date(2017, 2, 15)
    assert sorted(Participation.objects.values_list("pre_test", "post_test")) == [(40, 85), (55, 90)]

    page.get_by_role("link", name="Training reports").click()
    expect(page.locator("table.scores tfoot")).to_contain_text("+40.0")  # (85+90)/2 - (40+55)/2
    screenshot(page, "training-reports")


def test_officer_records_a_leaflet_given_and_prints_the_handout_in_dari(
    cast: Any, new_page: Any, screenshot: Any, request: Any
) -> None:
    LeafletFactory(
        slug="free-legal-aid",
        languages={
            "prs": (
                DARI_TITLE,
                "اگر پناهجو، پناهنده یا شخص بدون تابعیت هستید، می‌توانید مشوره حقوقی رایگان دریافت کنید.",
            ),
            "ru": ("Бесплатная юридическая помощь", "Вы можете получить бесплатную юридическую консультацию."),
            "en": ("Free legal aid", "You can get free legal advice."),
        },
    )
    PartnerProjectFactory(title="Free legal aid in Pavlodar", regions=[REGION_A], contact="+7 7182 00 00 00")
    person = cast.person_a
    page = new_page()
    sign_in(page, cast.officer_a)
    page.goto(f"/knowledge/persons/{person.registration_number}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ahmadi Mohammad")
    page.get_by_label("Leaflet").select_option(label="Free legal aid")
    page.get_by_label("Partner project").select_option(
        label="Kazakhstan International Bureau for Human Rights: Free legal aid in Pavlodar"
    )
    page.get_by_label("Language of the person").select_option(value="prs")
    screenshot(page, "share-form")
    page.get_by_role("button", name="Record").click()
    row = page.locator("table.shared tbody tr").first
    expect(row).to_contain_text("Free legal aid")
    expect(row).to_contain_text("Dari")

    row.get_by_role("link", name="Print the handout in Dari").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "fa-AF")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(DARI_TITLE)
    # Laid out right to left: the heading's text starts at the right edge of the sheet.
    assert heading.evaluate("e => getComputedStyle(e).direction") == "rtl"
    sheet = page.locator("main.sheet").bounding_box()
    title = heading.evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e); const b = r.getBoundingClientRect();"
        " return {left: b.left, right: b.right}; }"
    )
    assert sheet is not None and sheet["x"] + sheet["width"] - title["right"] < sheet["x"] + title["left"] - sheet["x"]
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    screenshot(page, "handout-dari")

    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    screenshot(page, "handout-dari-print")
    directory = request.config.rootpath / ARTIFACTS
    page.pdf(path=str(directory / f"{request.node.name}-handout-dari.pdf"), format="A4")

    with unscoped("test check"):
        assert SharedInformation.objects.get().language == "prs"

    other = new_page()
    sign_in(other, cast.officer_b)
    with unscoped("test check"):
        shared = SharedInformation.objects.get()
    response = other.goto(f"/knowledge/shared/{shared.pk}/handout/")
    assert response is not None and response.status == 404


def test_knowledge_pages_have_no_serious_axe_violations(cast: Any, editor: Any, page: Any) -> None:
    from tests.factories.knowledge import OfficialFactory, ParticipationFactory, TrainingFactory

    publish(cast.sysadmin, "law", dt.date(2010, 1, 1), ru=("Закон «О беженцах»", "Статус беженца."))
    training = TrainingFactory(title="Seminar", region=cast.person_a.region)
    ParticipationFactory(
        training=training, official=OfficialFactory(region=cast.person_a.region), pre_test=40, post_test=80
    )
    LeafletFactory(slug="legal-aid", languages={"prs": (DARI_TITLE, "متن"), "ru": ("Юридическая помощь", "Текст")})
    PartnerProjectFactory(regions=[REGION_A])
    sign_in(page, editor)
    found: list[str] = []
    for path, name in [
        ("/knowledge/", "knowledge home"),
        ("/knowledge/articles/law/", "article in fallback language"),
        ("/knowledge/search/?q=беженца", "search results"),
        ("/knowledge/updates/", "latest updates"),
        ("/knowledge/articles/law/update/", "publish form"),
        (f"/knowledge/trainings/{training.pk}/", "training"),
        ("/knowledge/trainings/reports/", "training reports"),
        ("/knowledge/projects/", "partner projects"),
        ("/knowledge/leaflets/legal-aid/prs/", "leaflet in Dari"),
        (f"/knowledge/persons/{cast.person_a.registration_number}/", "information shared"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        found += blocking_violations(page, name)
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)
