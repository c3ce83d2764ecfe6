"""The statistics dashboard in a real browser: charts drawn from the same figures as the tables beside
them, the date picker and the disclosure choice changing what is shown, the CSV (HXL) and XLSX
downloads, and a regional user seeing only their region.

The registry below is small but every figure the statistician sees is 5 or more (or 0), so under the
public disclosure policy nothing is shown as * and each figure can be worked out by hand:

| who                                  | region    | sex, age | asylum claim | decision                |
| ------------------------------------ | --------- | -------- | ------------ | ----------------------- |
| 6 from Afghanistan                   | Pavlodar  | M, 18-59 | 1 Mar 2019   | refugee 1 Jun 2020      |
| 5 from Afghanistan                   | Pavlodar  | M, 18-59 | 1 Mar 2019   | rejected 1 Sep 2020     |
| 5 from Syria                         | Almaty    | F, 18-59 | 1 Mar 2019   | refugee 1 Mar 2021      |
| 5 stateless, origin unknown          | Pavlodar  | F, 18-59 |              | stateless 1 Feb 2020    |
| 5 stateless, origin unknown          | Almaty    | M, 18-59 |              | stateless 1 Feb 2020    |
| 2 from Afghanistan (national only)   | Akmola    | M, 18-59 | 1 Mar 2019   | refugee 1 Jun 2020      |

The statistician covers Pavlodar and Almaty; the decision officer of region A only Pavlodar; the
system administrator the whole country, and may ask for exact figures.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from panah.accounts.scope import unscoped
from panah.status.models import EventKind as K
from panah.status.services import record_status_event
from tests.browser.helpers import sign_in
from tests.conftest import REGION_A, REGION_B
from tests.factories import PersonFactory, country, region

pytestmark = pytest.mark.browser

REGION_C = "KZ-11"  # Akmola Region: outside the statistician's regions
APPLIED = dt.date(2019, 3, 1)
POPULATIONS = ["asylum-seeker", "refugee", "stateless person", "undetermined nationality", "other of concern"]
HXL_ROW = (
    "#meta+table,#date+as_of,#date+known_on,#population+type,#indicator+breakdown,#indicator+category,#affected+num"
)
CHARTS = ["chart-pyramid", "chart-origin", "chart-region", "chart-over-time"]

SEX_AGE = "Persons by sex and age group at the “as of” date; age in years"
BY_ORIGIN = "Persons by country of origin, largest first"
BY_REGION = "Persons by region of residence"
FLOWS = "Events in the period, by kind"
FLOWS_BY_ORIGIN = "Flows by country of origin"
FLOWS_BY_REGION = "Flows by region"
OVER_TIME = "Persons of concern on 1 January of each year and on the “as of” date, as known on the same date"


@pytest.fixture
def registry(cast: Any) -> None:
    """The persons of the table in the module docstring, with their status events."""
    groups = [
        # (how many, region, origin, sex, birth date, [(event kind, effective), ...])
        (6, REGION_A, "AFG", "M", dt.date(1990, 5, 17), [(K.ASYLUM_APPLICATION, APPLIED), (K.REFUGEE_GRANTED, dt.date(2020, 6, 1))]),
        (5, REGION_A, "AFG", "M", dt.date(1992, 8, 2), [(K.ASYLUM_APPLICATION, APPLIED), (K.ASYLUM_REJECTED, dt.date(2020, 9, 1))]),
        (5, REGION_B, "SYR", "F", dt.date(1985, 2, 3), [(K.ASYLUM_APPLICATION, APPLIED), (K.REFUGEE_GRANTED, dt.date(2021, 3, 1))]),
        (5, REGION_A, None, "F", dt.date(1970, 1, 9), [(K.STATELESS_DETERMINED, dt.date(2020, 2, 1))]),
        (5, REGION_B, None, "M", dt.date(1968, 11, 30), [(K.STATELESS_DETERMINED, dt.date(2020, 2, 1))]),
        (2, REGION_C, "AFG", "M", dt.date(1991, 4, 4), [(K.ASYLUM_APPLICATION, APPLIED), (K.REFUGEE_GRANTED, dt.date(2020, 6, 1))]),
    ]  # fmt: skip
    with unscoped("test set-up"):
        for group, (count, code, origin, sex, birth, events) in enumerate(groups):
            for n in range(count):
                person = PersonFactory(
                    organisation=cast.state,
                    region=region(code),
                    country_of_origin=country(origin) if origin else None,
                    sex=sex,
                    birth_date=birth,
                    name=(f"Given{group}x{n}", f"Family{group}"),
                )
                for kind, effective in events:
                    record_status_event(person=person, kind=kind, effective=effective, by=cast.sysadmin)


# -- reading the page -------------------------------------------------------------------------------


def watch_errors(page: Any) -> list[str]:
    """Every console error and uncaught exception of the page, as text."""
    errors: list[str] = []

    def console(message: Any) -> None:
        url = message.location.get("url", "")
        if message.type == "error":
            errors.append(f"console: {message.text} ({url})")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    return errors


def table(page: Any, caption: str) -> list[list[str]]:
    """The visible table named by its caption, as rows of cell texts (header, body and footer)."""
    located = page.get_by_role("table", name=caption, exact=True)
    expect(located).to_be_visible()
    return located.evaluate("t => Array.from(t.rows, r => Array.from(r.cells, c => c.textContent.trim()))")


def rows_by_label(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in rows}


def headline(page: Any) -> dict[str, str]:
    items = page.locator("ul.headline li")
    expect(items).to_have_count(5)
    return {item.locator(".hint").inner_text(): item.locator(".figure").inner_text() for item in items.all()}


def rates(page: Any) -> dict[str, str]:
    facts = page.locator("section[aria-labelledby=flows] dl.facts")
    return dict(zip(facts.locator("dt").all_inner_texts(), facts.locator("dd").all_inner_texts(), strict=True))


def chart(page: Any, source: str) -> dict[str, Any]:
    """The Chart.js instance drawn for the JSON block `source`: its type and data, how many pixels of
    its canvas are painted, and how many of them in each dataset's own colour (bars, lines, points)."""
    canvas = page.locator(f"[data-source={source}] canvas")
    expect(canvas).to_be_visible()
    return canvas.evaluate(
        """canvas => {
            const instance = window.Chart.getChart(canvas);
            if (!instance) { return null; }
            const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            const counts = new Map();
            let painted = 0;
            for (let i = 0; i < pixels.length; i += 4) {
                if (pixels[i + 3] === 0) { continue; }
                painted += 1;
                if (pixels[i + 3] === 255) {
                    const key = "#" + [0, 1, 2].map(j => pixels[i + j].toString(16).padStart(2, "0")).join("");
                    counts.set(key, (counts.get(key) || 0) + 1);
                }
            }
            return {
                type: instance.config.type,
                labels: instance.data.labels,
                datasets: instance.data.datasets.map(d => ({label: d.label, data: d.data})),
                in_colour: instance.data.datasets.map(d => counts.get(String(d.backgroundColor).toLowerCase()) || 0),
                painted: painted,
                width: canvas.width,
                height: canvas.height,
            };
        }"""
    )


def assert_drawn(drawn: dict[str, Any] | None) -> dict[str, Any]:
    """A chart exists and its canvas is drawn: axes, and every dataset with a figure above 0 in its colour
    (a bar over more pixels than a legend's colour box takes)."""
    assert drawn is not None, "no Chart.js instance on the canvas"
    assert drawn["width"] > 0 and drawn["height"] > 0
    assert drawn["painted"] > 500, f"the canvas is (nearly) blank: {drawn['painted']} painted pixels"
    least = 1000 if drawn["type"] == "bar" else 20
    for dataset, in_colour in zip(drawn["datasets"], drawn["in_colour"], strict=True):
        if any(value for value in dataset["data"]):
            assert in_colour > least, f"{dataset['label']!r} is not drawn: {in_colour} pixels in its colour"
    return drawn


def show_figures(page: Any, **fields: str) -> None:
    """Fill the dashboard form (field label -> value) and submit it."""
    for label, value in fields.items():
        control = page.get_by_label(label, exact=True)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    with page.expect_navigation():
        page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refugees and stateless persons: statistics")


def download(page: Any, name: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    file = info.value
    path = file.path()
    assert file.failure() is None
    with open(path, "rb") as handle:
        return file.suggested_filename, handle.read()


def csv_figures(text: str) -> dict[tuple[str, str, str, str], str]:
    """(table, population or flow, breakdown, category) -> value of a downloaded CSV."""
    rows = list(csv.reader(io.StringIO(text)))
    return {(row[0], row[3], row[4], row[5]): row[6] for row in rows[2:]}


# -- the journeys -----------------------------------------------------------------------------------


def test_statistician_sees_charts_and_tables_agree_and_follow_the_as_of_date(
    cast: Any, registry: None, page: Any, screenshot: Callable[[Any, str], Any]
) -> None:
    errors = watch_errors(page)
    sign_in(page, cast.statistician)
    page.get_by_role("link", name="Statistics", exact=True).click()
    expect(page).to_have_url(re.compile(r"/stats/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Refugees and stateless persons: statistics")
    main = page.get_by_role("main")
    expect(main.locator("p.caption")).to_have_text("Your regions: Pavlodar Region, Almaty")
    # A statistician gets the public figures only: no choice of exact ones.
    expect(page.get_by_label("Figures", exact=True)).to_have_count(0)
    expect(main).to_contain_text("Figures from 1 to 4 are confidential and shown as *.")

    # Today (any day after 1 March 2021): the Syrians are refugees too; the two in Akmola are not counted.
    assert headline(page) == {
        "asylum-seeker": "0",
        "refugee": "11",
        "stateless person": "10",
        "undetermined nationality": "0",
        "other of concern": "0",
    }
    assert table(page, BY_REGION) == [
        ["Region", *POPULATIONS, "Total"],
        ["Pavlodar Region", "0", "6", "5", "0", "0", "11"],
        ["Almaty", "0", "5", "5", "0", "0", "10"],
        ["Total", "0", "11", "10", "0", "0", "21"],
    ]
    for source in CHARTS:
        assert_drawn(chart(page, source))
    screenshot(page, "today")

    # 1 January 2021: the Syrians are still asylum-seekers; 2020 brought 6 recognitions, 5 rejections
    # and 10 statelessness determinations: the flow period follows the date (twelve months before it).
    show_figures(page, **{"As of": "2021-01-01"})
    expect(page).to_have_url(re.compile(r"as_of=2021-01-01"))
    expect(page.get_by_label("As of", exact=True)).to_have_value("2021-01-01")
    expect(main.locator("p.lead")).to_contain_text("As of 1 Jan 2021")
    assert headline(page) == {
        "asylum-seeker": "5",
        "refugee": "6",
        "stateless person": "10",
        "undetermined nationality": "0",
        "other of concern": "0",
    }
    assert table(page, SEX_AGE) == [
        ["Sex and age group", *POPULATIONS, "Total"],
        ["female, 18-59", "5", "0", "5", "0", "0", "10"],
        ["male, 18-59", "0", "6", "5", "0", "0", "11"],
        ["Total", "5", "6", "10", "0", "0", "21"],
    ]
    assert table(page, BY_ORIGIN) == [
        ["Country of origin", *POPULATIONS, "Total"],
        ["origin unknown", "0", "0", "10", "0", "0", "10"],
        ["Afghanistan", "0", "6", "0", "0", "0", "6"],
        ["Syria", "5", "0", "0", "0", "0", "5"],
        ["Total", "5", "6", "10", "0", "0", "21"],
    ]
    assert table(page, BY_REGION) == [
        ["Region", *POPULATIONS, "Total"],
        ["Pavlodar Region", "0", "6", "5", "0", "0", "11"],
        ["Almaty", "5", "0", "5", "0", "0", "10"],
        ["Total", "5", "6", "10", "0", "0", "21"],
    ]
    expect(main.get_by_role("heading", name=re.compile(r"^Flows: "))).to_have_text("Flows: 1 Jan 2020 – 31 Dec 2020")
    flows = rows_by_label(table(page, FLOWS))
    assert flows["Recognised as refugees"] == ["6"]
    assert flows["Rejected"] == ["5"]
    assert flows["Determined stateless"] == ["10"]
    assert flows["Asylum applications (first)"] == ["0"]
    assert sum(int(value) for label, (value,) in flows.items() if label != "Flow") == 21
    # 6 recognised of 6 + 5 substantive decisions.
    assert rates(page) == {"Refugee recognition rate": "54.5 %", "Total protection rate": "54.5 %"}
    page.locator("summary", has_text="Flows by country of origin").click()
    by_origin = rows_by_label(table(page, FLOWS_BY_ORIGIN))
    assert by_origin["Flow"] == ["Afghanistan", "origin unknown", "Total"]
    assert by_origin["Recognised as refugees"] == ["6", "0", "6"]
    assert by_origin["Rejected"] == ["5", "0", "5"]
    assert by_origin["Determined stateless"] == ["0", "10", "10"]
    assert by_origin["Total"] == ["11", "10", "21"]
    page.locator("summary", has_text="Flows by region").click()
    by_region = rows_by_label(table(page, FLOWS_BY_REGION))
    assert by_region["Flow"] == ["Pavlodar Region", "Almaty", "Total"]
    assert by_region["Recognised as refugees"] == ["6", "0", "6"]
    assert by_region["Rejected"] == ["5", "0", "5"]
    assert by_region["Determined stateless"] == ["5", "5", "10"]
    assert by_region["Total"] == ["16", "5", "21"]

    # Each chart is drawn from the figures of its table.
    pyramid = assert_drawn(chart(page, "chart-pyramid"))
    assert pyramid["type"] == "bar"
    assert pyramid["labels"] == ["age unknown", "60+", "18-59", "12-17", "5-11", "0-4"]
    assert pyramid["datasets"] == [
        {"label": "female", "data": [None, None, -10, None, None, None]},
        {"label": "male", "data": [None, None, 11, None, None, None]},
    ]
    origin = assert_drawn(chart(page, "chart-origin"))
    assert origin["labels"] == ["origin unknown", "Afghanistan", "Syria"]
    assert origin["datasets"] == [{"label": "Persons", "data": [10, 6, 5]}]
    regions = assert_drawn(chart(page, "chart-region"))
    assert regions["labels"] == ["Pavlodar Region", "Almaty"]
    assert regions["datasets"] == [{"label": "Persons", "data": [11, 10]}]
    over_time = assert_drawn(chart(page, "chart-over-time"))
    assert over_time["type"] == "line"
    assert over_time["labels"] == [f"{year}-01-01" for year in range(2011, 2022)]
    series = {dataset["label"]: dataset["data"] for dataset in over_time["datasets"]}
    assert list(series) == POPULATIONS
    assert series["asylum-seeker"] == [0] * 9 + [16, 5]  # 1 Jan 2020: all 16 claims were open
    assert series["refugee"] == [0] * 10 + [6]
    assert series["stateless person"] == [0] * 10 + [10]
    assert series["undetermined nationality"] == series["other of concern"] == [0] * 11
    page.locator("summary", has_text="Table: persons of concern over time").click()
    over_time_rows = table(page, OVER_TIME)
    assert over_time_rows[0] == ["Date", *POPULATIONS]
    assert over_time_rows[-2:] == [["2020-01-01", "16", "0", "0", "0", "0"], ["2021-01-01", "5", "6", "10", "0", "0"]]
    assert len(over_time_rows) == 1 + 11
    screenshot(page, "as-of-2021")

    # 1 January 2022: the Syrians were recognised in 2021; nothing else happened that year.
    show_figures(page, **{"As of": "2022-01-01"})
    assert headline(page)["asylum-seeker"] == "0"
    assert headline(page)["refugee"] == "11"
    assert table(page, SEX_AGE) == [
        ["Sex and age group", *POPULATIONS, "Total"],
        ["female, 18-59", "0", "5", "5", "0", "0", "10"],
        ["male, 18-59", "0", "6", "5", "0", "0", "11"],
        ["Total", "0", "11", "10", "0", "0", "21"],
    ]
    flows = rows_by_label(table(page, FLOWS))
    assert flows["Recognised as refugees"] == ["5"]
    assert flows["Rejected"] == ["0"]
    assert flows["Determined stateless"] == ["0"]
    assert rates(page) == {"Refugee recognition rate": "100.0 %", "Total protection rate": "100.0 %"}
    origin = assert_drawn(chart(page, "chart-origin"))
    assert origin["labels"] == ["origin unknown", "Afghanistan", "Syria"]
    assert origin["datasets"] == [{"label": "Persons", "data": [10, 6, 5]}]
    pyramid = assert_drawn(chart(page, "chart-pyramid"))
    assert pyramid["datasets"][0]["data"] == [None, None, -10, None, None, None]
    over_time = assert_drawn(chart(page, "chart-over-time"))
    assert over_time["labels"][-1] == "2022-01-01"
    assert {d["label"]: d["data"][-1] for d in over_time["datasets"]}["refugee"] == 11

    # The "as known on" date: on 1 January 2022 the system knew nothing yet (every event was recorded
    # today), so every figure is 0 and the tables say no one is counted.
    show_figures(page, **{"As known on": "2022-01-01"})
    assert set(headline(page).values()) == {"0"}
    expect(page.get_by_role("table", name=BY_REGION, exact=True)).to_contain_text(
        "No one is counted here for these dates."
    )
    show_figures(page, **{"As known on": ""})
    assert headline(page)["refugee"] == "11"

    assert errors == []


def test_downloads_carry_the_figures_on_screen_with_an_hxl_row(
    cast: Any, registry: None, page: Any, screenshot: Callable[[Any, str], Any]
) -> None:
    errors = watch_errors(page)
    sign_in(page, cast.statistician)
    page.goto("/stats/")
    show_figures(page, **{"As of": "2021-01-01", "Flows from": "", "Flows until": ""})
    assert headline(page)["refugee"] == "6"

    name, content = download(page, "Download CSV (HXL)")
    assert name == "panah-statistics-20210101.csv"
    text = content.decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "table,as_of,known_on,population_or_flow,breakdown,category,value"
    assert lines[1] == HXL_ROW
    figures = csv_figures(text)
    assert {p: figures[("stock", p, "total", "total")] for p in ("ASY", "REF", "STA", "UND", "OOC")} == {
        "ASY": "5",
        "REF": "6",
        "STA": "10",
        "UND": "0",
        "OOC": "0",
    }
    assert figures[("stock", "REF", "origin", "AFG")] == "6"
    assert figures[("stock", "ASY", "origin", "SYR")] == "5"
    assert figures[("stock", "STA", "origin", "unknown")] == "10"
    assert figures[("stock", "STA", "region", "KZ-55")] == "5"
    assert figures[("stock", "total", "region", "KZ-75")] == "10"
    assert figures[("stock", "REF", "sex_age", "M 18-59")] == "6"
    assert figures[("flows", "recognised", "total", "total")] == "6"
    assert figures[("flows", "rejected", "total", "total")] == "5"
    assert figures[("flows", "stateless_determinations", "region", "KZ-75")] == "5"
    assert figures[("rates", "refugee_recognition_rate", "total", "percent")] == "54.5"
    # Only the statistician's regions: nothing of Akmola, and no one by name.
    assert "KZ-11" not in text
    assert "PN-" not in text and "Family" not in text
    assert all(row.split(",")[1] == "2021-01-01" for row in lines[2:])

    name, content = download(page, "Download XLSX")
    assert name == "panah-statistics-20210101.xlsx"
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    assert workbook.sheetnames == ["figures", "metadata"]
    sheet = list(workbook["figures"].iter_rows(values_only=True))
    assert ",".join(sheet[1]) == HXL_ROW
    cells = {(row[0], row[3], row[4], row[5]): row[6] for row in sheet[2:]}
    assert cells[("stock", "REF", "total", "total")] == 6
    assert cells[("flows", "recognised", "total", "total")] == 6
    metadata = dict(workbook["metadata"].iter_rows(values_only=True))
    assert metadata["As of"] == "2021-01-01"
    assert metadata["Regions"] == "KZ-55, KZ-75"
    screenshot(page, "downloaded")
    assert errors == []


def test_decision_officer_of_one_region_sees_only_that_region_and_a_registrar_none(
    cast: Any, registry: None, new_page: Callable[..., Any], screenshot: Callable[[Any, str], Any]
) -> None:
    page = new_page()
    errors = watch_errors(page)
    sign_in(page, cast.decider_a)
    page.get_by_role("link", name="Statistics", exact=True).click()
    main = page.get_by_role("main")
    expect(main.locator("p.caption")).to_have_text("Your regions: Pavlodar Region")
    show_figures(page, **{"As of": "2021-01-01", "Flows from": "", "Flows until": ""})
    assert headline(page) == {
        "asylum-seeker": "0",
        "refugee": "6",
        "stateless person": "5",
        "undetermined nationality": "0",
        "other of concern": "0",
    }
    assert table(page, BY_REGION) == [
        ["Region", *POPULATIONS, "Total"],
        ["Pavlodar Region", "0", "6", "5", "0", "0", "11"],
        ["Total", "0", "6", "5", "0", "0", "11"],
    ]
    assert table(page, BY_ORIGIN) == [
        ["Country of origin", *POPULATIONS, "Total"],
        ["Afghanistan", "0", "6", "0", "0", "0", "6"],
        ["origin unknown", "0", "0", "5", "0", "0", "5"],
        ["Total", "0", "6", "5", "0", "0", "11"],
    ]
    flows = rows_by_label(table(page, FLOWS))
    assert flows["Recognised as refugees"] == ["6"]
    assert flows["Rejected"] == ["5"]
    assert flows["Determined stateless"] == ["5"]
    regions = assert_drawn(chart(page, "chart-region"))
    assert regions["labels"] == ["Pavlodar Region"]
    assert regions["datasets"] == [{"label": "Persons", "data": [11]}]
    origin = assert_drawn(chart(page, "chart-origin"))
    assert origin["labels"] == ["Afghanistan", "origin unknown"]
    for other in ("Almaty", "Akmola", "Syria"):
        expect(main).not_to_contain_text(other)
    _name, content = download(page, "Download CSV (HXL)")
    text = content.decode("utf-8")
    assert "KZ-75" not in text and "KZ-11" not in text and "SYR" not in text
    assert csv_figures(text)[("stock", "REF", "total", "total")] == "6"
    screenshot(page, "region-a")
    assert errors == []

    registrar = new_page()
    sign_in(registrar, cast.officer_a)
    expect(registrar.get_by_role("link", name="Statistics", exact=True)).to_have_count(0)
    response = registrar.goto("/stats/?as_of=2021-01-01")
    assert response is not None
    assert response.status == 403
    expect(registrar.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(registrar.get_by_role("main")).to_contain_text("Your role does not include statistics.")
    expect(registrar.locator("ul.headline, canvas, table")).to_have_count(0)
    response = registrar.goto("/stats/download.csv?as_of=2021-01-01")
    assert response is not None
    assert response.status == 403


def test_administrator_switches_between_public_and_exact_figures(
    cast: Any, registry: None, page: Any, screenshot: Callable[[Any, str], Any]
) -> None:
    errors = watch_errors(page)
    sign_in(page, cast.sysadmin)
    page.goto("/stats/")
    main = page.get_by_role("main")
    expect(main.locator("p.caption")).to_have_text("Whole country")
    expect(page.get_by_label("Figures", exact=True)).to_have_value("public")

    # Public: the two refugees in Akmola are a small figure, shown as *; the national total is true.
    show_figures(page, **{"As of": "2021-01-01", "Flows from": "", "Flows until": ""})
    assert headline(page)["refugee"] == "8"
    by_region = rows_by_label(table(page, BY_REGION))
    assert by_region["Region"] == [*POPULATIONS, "Total"]
    assert list(by_region) == ["Region", "Akmola Region", "Pavlodar Region", "Almaty", "Total"]
    assert by_region["Akmola Region"][1] == "*"
    assert by_region["Akmola Region"][-1] == "*"
    assert by_region["Total"][-1] == "23"
    expect(main).to_contain_text("Figures from 1 to 4 are confidential and shown as *.")
    expect(main.locator("strong.tag")).to_have_count(0)
    regions = assert_drawn(chart(page, "chart-region"))
    assert regions["labels"] == ["Akmola Region", "Pavlodar Region", "Almaty"]
    assert regions["datasets"][0]["data"][0] is None  # a suppressed figure is left out of the chart

    # Exact: every figure as it is, marked for internal use.
    show_figures(page, **{"Figures": "exact"})
    expect(page).to_have_url(re.compile(r"policy=exact"))
    expect(main.locator("strong.tag")).to_have_text("Exact figures: internal use only")
    expect(main).to_contain_text("Exact figures: no disclosure control has been applied. For internal use only.")
    assert headline(page)["refugee"] == "8"
    assert table(page, BY_REGION) == [
        ["Region", *POPULATIONS, "Total"],
        ["Akmola Region", "0", "2", "0", "0", "0", "2"],
        ["Pavlodar Region", "0", "6", "5", "0", "0", "11"],
        ["Almaty", "5", "0", "5", "0", "0", "10"],
        ["Total", "5", "8", "10", "0", "0", "23"],
    ]
    regions = assert_drawn(chart(page, "chart-region"))
    assert regions["datasets"] == [{"label": "Persons", "data": [2, 11, 10]}]
    flows = rows_by_label(table(page, FLOWS))
    assert flows["Recognised as refugees"] == ["8"]
    assert rates(page) == {"Refugee recognition rate": "61.5 %", "Total protection rate": "61.5 %"}  # 8 of 13

    _name, content = download(page, "Download CSV (HXL)")
    figures = csv_figures(content.decode("utf-8"))
    assert figures[("stock", "REF", "region", "KZ-11")] == "2"
    screenshot(page, "exact")

    show_figures(page, **{"Figures": "public"})
    _name, content = download(page, "Download CSV (HXL)")
    figures = csv_figures(content.decode("utf-8"))
    assert figures[("stock", "REF", "region", "KZ-11")] == "*"
    assert figures[("stock", "REF", "total", "total")] == "8"
    assert errors == []


def test_changing_only_the_as_of_date_moves_the_flow_period(cast: Any, registry: None, page: Any) -> None:
    sign_in(page, cast.statistician)
    page.goto("/stats/")
    show_figures(page, **{"As of": "2021-01-01"})
    expect(page.get_by_role("main").get_by_role("heading", name=re.compile(r"^Flows: "))).to_have_text(
        "Flows: 1 Jan 2020 – 31 Dec 2020", timeout=2_000
    )
    assert rows_by_label(table(page, FLOWS))["Recognised as refugees"] == ["6"]
