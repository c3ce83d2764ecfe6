"""Field collection: the shipped XLSForm, and its submissions exported by KoboToolbox and ODK Central
imported through the same checks as a person file."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from panah.accounts.scope import unscoped
from panah.imports import xlsform
from panah.imports.messages import row_label
from panah.imports.models import ImportRun
from panah.imports.services import import_file
from panah.imports.validate import Report
from panah.registry.models import Household, HouseholdMember, Person
from tests.imports.files import snapshot

KOBO_UUID = "3f1c9a52-7b1e-4c2f-9d0a-5e8b1c2d3a41"
ODK_UUID = "b7e2d1c4-0a9f-4e6b-8c3d-2f1a5e9b7c60"


def kobo_export(*, uuid=KOBO_UUID, kobo_id=4711, region="KZ-55", members=None, consent="yes"):
    """The shape of KoboToolbox's /api/v2/assets/<uid>/data/?format=json."""
    members = members or [
        {
            "members/given_name": "Karim",
            "members/family_name": "Ahmadi",
            "members/full_name_original": "کریم احمدی",
            "members/sex": "M",
            "members/birth_date_known": "day",
            "members/birth_date": "1980-04-12",
            "members/country_of_origin": "AFG",
            "members/citizenship_kind": "country",
            "members/citizenship": "AFG",
            "members/relationship_to_head": "head",
            "members/document_type": "passport",
            "members/document_number": "P01234567",
            "members/phone": "+77011234567",
        },
        {
            "members/given_name": "Zarina",
            "members/family_name": "Ahmadi",
            "members/sex": "F",
            "members/birth_date_known": "year",
            "members/birth_year": "2009",
            "members/country_of_origin": "AFG",
            "members/citizenship_kind": "STATELESS",
            "members/relationship_to_head": "child",
            "members/document_type": "none",
        },
    ]
    return {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "_id": kobo_id,
                "formhub/uuid": "9b1f0c0e1d2a4f3b8c7d6e5f4a3b2c1d",
                "start": "2026-11-20T10:02:11.000+05:00",
                "end": "2026-11-20T10:19:40.000+05:00",
                "today": "2026-11-20",
                "household_id": uuid,
                "household/region": region,
                "household/locality": "Павлодар",
                "household/address": "ул. Торайгырова, 64, кв. 12",
                "members": members,
                "consent": consent,
                "consent_date": "2026-11-20",
                "__version__": "vQx7r2bLk3n",
                "meta/instanceID": f"uuid:{uuid}",
                "_xform_id_string": "aB3dE5fG7hJ9kL",
                "_uuid": uuid,
                "_attachments": [],
                "_status": "submitted_via_web",
                "_geolocation": [None, None],
                "_submission_time": "2026-11-20T05:20:03",
                "_tags": [],
                "_notes": [],
                "_validation_status": {},
                "_submitted_by": "enumerator1",
            }
        ],
    }


def odk_export(*, members_inline=True):
    """The shape of ODK Central's OData Submissions?$expand=*."""
    members = [
        {
            "given_name": "Айгуль",
            "family_name": "Нурланова",
            "patronymic": "Ерлановна",
            "sex": "F",
            "birth_date_known": "day",
            "birth_date": "1985-07-01",
            "birth_year": None,
            "country_of_origin": "UZB",
            "citizenship_kind": "UNDETERMINED",
            "citizenship": None,
            "relationship_to_head": "head",
            "document_type": "none",
            "document_number": None,
            "phone": "87017654321",
            "__id": "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4",
        },
        {
            "given_name": "Алихан",
            "family_name": "Нурланов",
            "sex": "M",
            "birth_date_known": "year",
            "birth_date": None,
            "birth_year": 2012,
            "country_of_origin": "UZB",
            "citizenship_kind": "country",
            "citizenship": "UZB",
            "relationship_to_head": "child",
            "document_type": "birth_cert",
            "document_number": "II-ПВ 123456",
            "__id": "0f9e8d7c6b5a49382716f5e4d3c2b1a0f9e8d7c6",
        },
    ]
    submission = {
        "__id": f"uuid:{ODK_UUID}",
        "start": "2026-11-21T09:00:00.000+05:00",
        "end": "2026-11-21T09:12:00.000+05:00",
        "today": "2026-11-21",
        "household_id": ODK_UUID,
        "household": {"region": "KZ-55", "locality": "Экибастуз", "address": "мкр. Энергетик, 5"},
        "members@odata.navigationLink": f"Submissions('uuid:{ODK_UUID}')/members",
        "consent": "yes",
        "consent_date": "2026-11-21",
        "meta": {"instanceID": f"uuid:{ODK_UUID}"},
        "__system": {
            "submissionDate": "2026-11-21T04:13:00.000Z",
            "submitterId": "7",
            "submitterName": "enumerator2",
            "reviewState": None,
            "formVersion": xlsform.FORM_VERSION,
        },
    }
    if members_inline:
        return {
            "@odata.context": "https://central.example/v1/projects/1/forms/x.svc/$metadata#Submissions",
            "value": [{**submission, "members": members}],
        }
    for member in members:
        member["__Submissions-id"] = f"uuid:{ODK_UUID}"
    return {"value": [submission], "Submissions.members": {"value": members}}


def run(cast, document, name="submissions.json", **options):
    data = json.dumps(document, ensure_ascii=False).encode()
    imported = import_file(by=cast.officer_a, organisation=cast.state, data=data, file_name=name, **options)
    return imported, Report.from_dict(imported.report)


def errors(report):
    return [(row_label(i.row), i.column, i.value) for i in report.issues if i.severity == "error"]


def test_the_shipped_xlsform_converts_with_pyxform_in_three_languages():
    from pyxform.xls2xform import convert

    warnings: list[str] = []
    result = convert(str(xlsform.FORM_PATH), warnings=warnings)
    assert warnings == []
    xform = result.xform
    for language in ("English (en)", "Russian (ru)", "Kazakh (kk)"):
        assert f'lang="{language}"' in xform
    for field in (
        "region", "locality", "address", "given_name", "family_name", "patronymic", "full_name_original",
        "sex", "birth_date", "birth_year", "country_of_origin", "citizenship_kind", "citizenship",
        "relationship_to_head", "document_type", "document_number", "phone", "consent", "consent_date",
    ):  # fmt: skip
        assert f"/{field}" in xform, field
    assert 'nodeset="/data/members"' in xform or "/data/members/" in xform
    assert f'version="{xlsform.FORM_VERSION}"' in xform and f'id="{xlsform.FORM_ID}"' in xform
    choices = {(row[0], row[1]) for row in load_workbook(xlsform.FORM_PATH)["choices"].iter_rows(values_only=True)}
    assert {("region", "KZ-55"), ("region", "KZ-75"), ("country", "AFG"), ("citizenship_kind", "STATELESS")} <= choices
    assert ("region", "KZ-YUZ") not in choices  # South Kazakhstan no longer exists


def test_the_shipped_xlsx_is_what_the_code_writes():
    written = xlsform.write_form(io.BytesIO())
    fresh, shipped = load_workbook(written), load_workbook(xlsform.FORM_PATH)
    for sheet in ("survey", "choices", "settings"):
        assert list(fresh[sheet].iter_rows(values_only=True)) == list(shipped[sheet].iter_rows(values_only=True))


def test_a_kobo_export_registers_the_household_and_its_members(cast):
    before = snapshot()
    imported, report = run(cast, kobo_export())
    assert imported.state == ImportRun.State.IMPORTED and errors(report) == [], report.issues
    assert report.format == "json" and report.encoding == "KoboToolbox JSON" and report.created == 2
    assert snapshot()["Person"] == before["Person"] + 2
    with unscoped("test"):
        household = Household.objects.get(reference=KOBO_UUID)
        members = {m.relationship: m.person for m in HouseholdMember.objects.filter(household=household)}
        karim, zarina = members["head"], members["child"]
        assert (karim.sex, karim.birth_date, karim.birth_date_precision) == ("M", dt.date(1980, 4, 12), "day")
        assert (karim.citizenship_status, karim.citizenship_id, karim.region_id) == ("country", "AFG", "KZ-55")
        assert karim.documents.get().number == "P01234567"
        assert {n.kind for n in karim.names.all()} == {"official", "original"}
        assert karim.addresses.get().locality == "Павлодар"
        assert (zarina.birth_date, zarina.birth_date_precision) == (dt.date(2009, 1, 1), "year")
        assert zarina.citizenship_status == "stateless" and not zarina.documents.exists()


def test_an_odk_central_export_with_inline_or_separate_repeats_registers_the_members(cast):
    _imported, report = run(cast, odk_export())
    assert errors(report) == [] and report.created == 2 and report.encoding == "ODK Central JSON"
    with unscoped("test"):
        people = {p.names.first().given_name: p for p in Person.objects.filter(created_by=cast.officer_a)}
        assert people["Айгуль"].citizenship_status == "undetermined"
        assert people["Алихан"].documents.get().type == "birth_cert"
        assert HouseholdMember.objects.filter(household__reference=ODK_UUID).count() == 2
    # The same submissions with the repeat as its own table: the same persons, nothing new.
    _again, report = run(cast, odk_export(members_inline=False), name="submissions-separate.json")
    assert errors(report) == [] and report.created == 0 and report.already_imported == 2


def test_a_bad_submission_is_reported_with_its_id_and_member_and_nothing_is_written(cast):
    document = kobo_export(region="KZ-99")
    document["results"][0]["members"][0]["members/birth_date"] = "1980-02-31"
    before = snapshot()
    refused, report = run(cast, document)
    assert refused.state == ImportRun.State.REFUSED and report.created == 0
    assert errors(report) == [
        ("submission 4711, member 1", "birth_date", "1980-02-31"),
        ("", "region", "KZ-99"),  # a value no list knows: once, with the rows that have it
    ]
    [unknown] = report.unknown_values
    assert [row_label(r) for r in unknown["rows"]] == ["submission 4711, member 1", "submission 4711, member 2"]
    assert snapshot() == before


def test_a_submission_without_consent_or_members_is_not_imported(cast):
    document = kobo_export(consent="no")
    document["results"].append(kobo_export(uuid="c0ffee00-0000-4000-8000-000000000001", kobo_id=4712)["results"][0])
    document["results"].append(
        {**odk_export(members_inline=False)["value"][0], "__id": "uuid:c0ffee00-0000-4000-8000-000000000002"}
    )
    before = snapshot()
    _refused, report = run(cast, document)
    assert errors(report) == [
        ("submission 4711", "consent", "no"),
        ("submission uuid:c0ffee00-0000-4000-8000-000000000002", "members", ""),
    ]
    assert snapshot() == before
    _imported, report = run(cast, document, skip_invalid=True)
    assert report.created == 2  # the submission that has consent and members


def test_importing_the_same_export_again_creates_nothing(cast):
    run(cast, kobo_export())
    before = snapshot()
    _again, report = run(cast, kobo_export())
    assert report.created == 0 and report.already_imported == 2
    assert {k: v for k, v in snapshot().items() if k != "AuditEntry.create"} == {
        k: v for k, v in before.items() if k != "AuditEntry.create"
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not readable JSON"),
        (b'{"rows": []}', "not a KoboToolbox or ODK Central export"),
    ],
)
def test_a_json_file_that_is_not_an_export_is_reported(cast, data, message):
    before = snapshot()
    imported = import_file(by=cast.officer_a, organisation=cast.state, data=data, file_name="x.json")
    report = Report.from_dict(imported.report)
    assert imported.state == ImportRun.State.REFUSED
    assert any(message in i.message and i.row is None for i in report.issues)
    assert snapshot() == before


def test_the_upload_page_offers_the_form_and_the_command_imports_an_export(client, cast, tmp_path):
    client.force_login(cast.officer_a)
    page = client.get(reverse("imports:upload")).content.decode()
    assert reverse("imports:household_form") in page
    download = client.get(reverse("imports:household_form"))
    assert download.status_code == 200 and download.content == xlsform.FORM_PATH.read_bytes()
    path = tmp_path / "kobo.json"
    path.write_text(json.dumps(kobo_export()), encoding="utf-8")
    out = io.StringIO()
    call_command("import", str(path), "--org", "mlsp", "--as", "officer_a", stdout=out)
    assert "2 persons imported." in out.getvalue()
