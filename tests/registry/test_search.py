import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panah.accounts.scope import scope_for, use_scope
from panah.registry.selectors import search_persons
from tests.factories import DocumentFactory, PersonFactory, region


@pytest.mark.parametrize("query", ["Ахмади", "ахмади мухаммад", "محمد احمدی", "Ahmadi", "ahm", "AHMADI 1990"])
def test_name_in_any_script_finds_the_latin_record(cast, query):
    with use_scope(scope_for(cast.officer_a)):
        assert search_persons(query).persons == [cast.person_a]


def test_search_sees_only_the_scope(cast):
    with use_scope(scope_for(cast.officer_b)):
        assert search_persons("Ахмади").persons == []
        assert search_persons(cast.person_a.registration_number).persons == []


def test_registration_number_with_or_without_dashes(cast):
    number = cast.person_a.registration_number
    with use_scope(scope_for(cast.officer_a)):
        assert search_persons(number).matched_by == {cast.person_a.pk: "registration number"}
        assert search_persons(number.replace("-", "").lower()).persons == [cast.person_a]


def test_document_number_as_typed(cast):
    with use_scope(scope_for(cast.sysadmin)):
        from panah.accounts.scope import unscoped

        with unscoped("test"):
            DocumentFactory(person=cast.person_b, number="N 12-34567")
        assert search_persons("n1234567").persons == [cast.person_b]


def test_birth_year_narrows_namesakes(cast):
    other = PersonFactory(
        organisation=cast.state,
        region=region("KZ-55"),
        name=("Mohammad", "Ahmadi"),
        birth_date=cast.person_a.birth_date.replace(year=1971),
    )
    with use_scope(scope_for(cast.officer_a)):
        assert set(search_persons("Ахмади").persons) == {cast.person_a, other}
        assert search_persons("Ахмади 1971").persons == [other]


def test_closest_spelling_comes_first(cast):
    near = PersonFactory(organisation=cast.state, region=region("KZ-55"), name=("Ahmad", "Ahmadzai"))
    with use_scope(scope_for(cast.officer_a)):
        persons = search_persons("Ahmadi").persons
    assert persons[0] == cast.person_a
    assert near in persons or persons == [cast.person_a]


def queries_for(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    return len(captured), response


@pytest.mark.parametrize(
    ("url", "params", "key"),
    [
        ("/persons/search/", {"q": "Ahmadi"}, "result"),
        ("/persons/", {}, "page"),
    ],
)
def test_list_pages_query_count_does_not_grow_with_rows(client, cast, url, params, key):
    """The same number of queries for one row as for three (STYLE.md query-count guard)."""
    client.force_login(cast.officer_a)
    one, response = queries_for(client, url, params)
    for i in range(2):
        PersonFactory(organisation=cast.state, region=region("KZ-55"), name=(f"Mohammad{i}", "Ahmadi"))
    three, response = queries_for(client, url, params)
    rows = response.context["result"].persons if key == "result" else response.context["page"].object_list
    assert len(rows) == 3
    assert three == one


def test_htmx_search_returns_only_the_results_fragment(client, cast):
    client.force_login(cast.officer_a)
    response = client.get("/persons/search/", {"q": "Ахмади"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert cast.person_a.registration_number in body
    assert "<html" not in body


def test_empty_state_says_what_to_do(client, cast):
    client.force_login(cast.officer_a)
    body = client.get("/persons/search/", {"q": "Nobody Known"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No person you may see matches" in body
    assert "/persons/new/" in body
