"""Every date a page or the API reads goes through one parser with one range, 1900-01-01 to 2100-12-31
(panah/common/dates.py): out of range or not a date is a form error on a page and a 422 from the API,
never a server error, never a Unix timestamp.

The parameters are collected, not listed: every date field of every form in Panah, every page of the URL
conf asked with all their names at once, and every date or date-time parameter in the OpenAPI schema.
A new date parameter joins these tests by existing."""

import datetime as dt
import importlib
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError

import panah
from panah.common import dates
from tests.security.urls import routes

OUT_OF_RANGE = ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01", "1104-04-24", "31.12.9999"]
NOT_DATES = ["0", "0.5", "1700000000", "2024-02-30", "-1", "1e9"]
IN_RANGE = ["1900-01-01", "2100-12-31"]


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def date_fields() -> list[tuple[str, str, forms.Field]]:
    for module in pkgutil.walk_packages(panah.__path__, "panah."):
        if not any(part in module.name for part in (".migrations", ".management", "wsgi")):
            importlib.import_module(module.name)
    found = []
    for form in _subclasses(forms.BaseForm):
        if form.__module__.startswith("panah."):
            for name, field in getattr(form, "base_fields", {}).items():
                if isinstance(field, forms.DateField | forms.DateTimeField):
                    found.append((f"{form.__module__}.{form.__qualname__}", name, field))
    return found


FIELDS = date_fields()


def test_the_forms_have_date_fields_to_test():
    assert len(FIELDS) > 30  # the collection works: registry, cases, statistics, privacy, knowledge, audit


@pytest.mark.parametrize(("form", "name", "field"), FIELDS, ids=[f"{f}.{n}" for f, n, _ in FIELDS])
def test_every_date_field_of_every_form_reads_the_one_range(form, name, field):
    assert isinstance(field, dates.DateField | dates.DateTimeField), f"{form}.{name}: use panah.common.dates"
    for value in OUT_OF_RANGE + NOT_DATES:
        with pytest.raises(ValidationError):
            field.clean(value)
    for value in IN_RANGE:
        assert field.clean(value) in {dt.date(1900, 1, 1), dt.date(2100, 12, 31)}


PAGE_DATE_NAMES = sorted({name for _form, name, _field in FIELDS})


def _pages() -> list[str]:
    return sorted(
        "/" + r.pattern.lstrip("/")
        for r in routes()
        if not r.parameters and not r.name.startswith(("admin:", "api:")) and "(?P" not in r.pattern
    )


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "0", "0.5", "1104-04-24", "2100-12-31"])
def test_no_page_answers_a_date_edge_with_a_server_error(cast, client, value):
    client.force_login(cast.sysadmin)
    query = "&".join(f"{name}={value}" for name in PAGE_DATE_NAMES)
    answers = {path: client.get(f"{path}?{query}").status_code for path in _pages()}

    assert {path: status for path, status in answers.items() if status >= 500} == {}


@pytest.mark.parametrize("path", ["/stats/", "/stats/download.csv", "/stats/download.xlsx"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "0", "0.5"])
def test_the_statistics_page_and_its_downloads_show_the_form_error(cast, client, path, value):
    client.force_login(cast.statistician)
    response = client.get(path, {"known_on": value, "period_start": value})

    assert response.status_code in {200, 400}
    assert response["Content-Type"].startswith("text/html")
    assert any(hint in response.content for hint in (b"1900-01-01", b"YYYY", b"valid date", b"dd.mm.yyyy"))


def api_date_parameters() -> list[tuple[str, str, str]]:
    from panah.api.api import api

    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                kinds = [s.get("format") for s in schema.get("anyOf", [schema])]
                if "date" in kinds or "date-time" in kinds:
                    found.append(
                        (f"{method} {path}", parameter["name"], "date-time" if "date-time" in kinds else "date")
                    )
    return found


API_PARAMETERS = api_date_parameters()


def test_the_api_documents_the_range_of_every_date_parameter():
    from panah.api.api import api

    assert len(API_PARAMETERS) >= 7
    for path, operations in api.get_openapi_schema()["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                for schema in parameter["schema"].get("anyOf", [parameter["schema"]]):
                    if schema.get("format") in {"date", "date-time"}:
                        assert schema["formatMinimum"].startswith("1900-01-01"), (path, parameter["name"])
                        assert schema["formatMaximum"].startswith("2100-12-31"), (path, parameter["name"])


def _url(operation: str, cast: Any) -> str:
    method, path = operation.split(" ", 1)
    assert method == "get", f"{operation}: add a body for this method"
    return path.replace("{number}", cast.person_a.registration_number)


@pytest.mark.parametrize(("operation", "name", "kind"), API_PARAMETERS)
def test_every_api_date_parameter_refuses_edges_with_422_and_reads_the_range(cast, token_client, operation, name, kind):
    api = token_client(cast.sysadmin)
    url = _url(operation, cast)
    refused = OUT_OF_RANGE + NOT_DATES
    accepted = IN_RANGE
    if kind == "date-time":
        refused = [*refused, "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+05:00", "2024-01-01"]
        accepted = ["1900-01-01T00:00:00Z", "2100-12-31T23:59:59+05:00"]

    for value in refused:
        response = api.get(url, {name: value})
        assert response.status_code == 422, (value, response.content)
        assert response.json()["errors"][0]["field"] == name
    for value in accepted:
        # 422 only for a rule of the operation (statistics as of a future day), never a 500
        assert api.get(url, {name: value}).status_code in {200, 422}, value


def test_an_answer_for_an_early_day_keeps_rfc3339_offsets(cast, token_client):
    api = token_client(cast.sysadmin)
    answer = api.get(f"/api/v1/persons/{cast.person_a.registration_number}/status", {"known_on": "1910-01-01"})

    assert answer.status_code == 200
    known_on = answer.json()["known_on"]
    assert re.search(r"([+-]\d\d:\d\d|Z)$", known_on), known_on  # RFC 3339: no seconds in an offset
    assert dt.datetime.fromisoformat(known_on).utcoffset().total_seconds() % 60 == 0


def test_the_flow_period_must_not_end_before_it_starts(cast, token_client):
    api = token_client(cast.statistician)
    response = api.get("/api/v1/statistics", {"period_start": "2020-01-02", "period_end": "2020-01-01"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "period_end"
