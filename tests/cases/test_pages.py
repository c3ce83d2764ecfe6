"""The casework pages, through real requests: scope (another region's case is "not found"), roles
(403 inside scope without the right), a refused step explained beside the form, and audit of views."""

import datetime as dt

import pytest

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.cases.models import Case
from panah.cases.workflows import CaseKind
from panah.status.models import StatusEvent

D = dt.date


@pytest.fixture
def cases(cast, open_case):
    return {
        "a": open_case(cast.decider_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2024, 1, 15)),
        "b": open_case(cast.sysadmin, cast.person_b, CaseKind.ASYLUM, opened_on=D(2024, 1, 15)),
        "partner": open_case(cast.lawyer, cast.partner_person, CaseKind.LEGAL_ASSISTANCE, opened_on=D(2024, 1, 15)),
    }


@pytest.mark.parametrize(
    ("user", "case", "status"),
    [
        ("decider_a", "a", 200),
        ("decider_a", "b", 404),  # another region
        ("officer_b", "a", 404),
        ("officer_b", "b", 200),
        ("unhcr_officer", "a", 200),  # shared under the agreement
        ("unhcr_officer", "partner", 404),  # the partner shares nothing
        ("lawyer", "a", 404),
        ("lawyer", "partner", 200),
        ("statistician", "a", 404),
        ("sysadmin", "partner", 200),
    ],
)
def test_case_page_answers_by_scope(client, cast, cases, user, case, status):
    client.force_login(getattr(cast, user))
    response = client.get(f"/cases/{cases[case].pk}/")
    assert response.status_code == status
    if status == 200:
        assert AuditEntry.objects.filter(
            action="view", object_type="cases.Case", object_id=str(cases[case].pk)
        ).exists()


def test_out_of_scope_step_is_not_found_and_writes_nothing(client, cast, cases):
    client.force_login(cast.officer_b)
    response = client.post(f"/cases/{cases['a'].pk}/step/", {"transition": "recognise", "effective": "01.03.2024"})
    assert response.status_code == 404
    with unscoped("test"):
        assert not StatusEvent.objects.filter(kind="refugee_granted").exists()


def test_step_without_the_role_is_forbidden(client, cast, cases):
    client.force_login(cast.officer_a)  # registrar: works cases, does not decide status
    response = client.post(f"/cases/{cases['a'].pk}/step/", {"transition": "recognise", "effective": "01.03.2024"})
    assert response.status_code == 403


def test_recording_a_decision_through_the_page(client, cast, cases):
    client.force_login(cast.decider_a)
    response = client.post(
        f"/cases/{cases['a'].pk}/step/",
        {"transition": "recognise", "effective": "01.03.2024", "decision_reference": "No. 9"},
    )
    assert response.status_code == 302
    with unscoped("test"):
        assert Case.objects.get(pk=cases["a"].pk).state == "recognised"
        assert StatusEvent.objects.filter(
            person=cast.person_a, kind="refugee_granted", effective=D(2024, 3, 1)
        ).exists()
    page = client.get(f"/cases/{cases['a'].pk}/").content.decode()
    assert "recognised as a refugee" in page and "refugee status granted" in page


def test_illegal_step_is_explained_on_the_page(client, cast, cases):
    client.force_login(cast.decider_a)
    response = client.post(f"/cases/{cases['a'].pk}/step/", {"transition": "appeal", "effective": "01.03.2024"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not allowed while the case is" in page and "Allowed now" in page


def test_open_case_page(client, cast):
    client.force_login(cast.decider_a)
    number = cast.person_a.registration_number
    assert client.get(f"/cases/person/{number}/new/").status_code == 200
    response = client.post(f"/cases/person/{number}/new/", {"kind": "asylum", "opened_on": "15.01.2024"})
    assert response.status_code == 302
    client.force_login(cast.officer_b)
    assert client.get(f"/cases/person/{number}/new/").status_code == 404


@pytest.mark.parametrize("path", ["/cases/", "/cases/?all=1", "/cases/regions/", "/cases/births/", "/cases/eligible/"])
def test_list_pages_render(client, cast, cases, path):
    client.force_login(cast.decider_a)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/cases/", "/cases/regions/", "/cases/births/", "/cases/eligible/"])
def test_list_pages_are_refused_without_casework(client, cast, path):
    client.force_login(cast.statistician)
    assert client.get(path).status_code == 403


def test_case_pages_in_russian_and_kazakh(client, cast, cases):
    client.force_login(cast.decider_a)
    titles = {
        "ru": "Решение по ходатайству о присвоении статуса беженца",
        "kk": "Босқын мәртебесін беру туралы өтінішхат бойынша шешім",
    }
    for language, title in titles.items():
        response = client.get(f"/cases/{cases['a'].pk}/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert title in response.content.decode()  # the rule's title, stored per language


def test_assigning_through_the_page(client, cast, cases):
    client.force_login(cast.decider_a)
    response = client.post(f"/cases/{cases['a'].pk}/assign/", {"officer": cast.officer_a.pk})
    assert response.status_code == 302
    with unscoped("test"):
        assert Case.objects.get(pk=cases["a"].pk).assigned_to == cast.officer_a
    # Only members of the organisation handling the case are offered.
    response = client.post(f"/cases/{cases['a'].pk}/assign/", {"officer": cast.lawyer.pk})
    assert response.status_code == 400


def test_worklist_toggle_answers_htmx_with_the_fragment(client, cast, cases):
    client.force_login(cast.decider_a)
    response = client.get("/cases/?all=1", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page and "Show only mine" in page
