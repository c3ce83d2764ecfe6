"""What the bulk writer of an import writes equals what the general paths write: the statistics
index rows a full rebuild gives, the search tokens `name_tokens` gives, the defaults a model gives."""

from django.utils import timezone

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.imports import bulk
from panah.imports.models import ImportedRow
from panah.imports.services import import_file
from panah.imports.validate import Report
from panah.registry.models import Document, NameToken, Person, PersonName, document_key
from panah.registry.names import detect_script
from panah.registry.services import name_tokens, registration_number_for
from panah.stats import facts
from panah.stats.models import AttributeVersion, FlowFact, StockFact
from panah.status.models import StatusEvent
from tests.imports.files import csv_bytes

HEADER = [
    "person_id",
    "family_name",
    "given_name",
    "patronymic",
    "full_name_original",
    "sex",
    "birth_date",
    "country_of_origin",
    "citizenship",
    "region",
    "document_type",
    "document_number",
    "household_id",
    "relationship_to_head",
    "population_type",
    "status_date",
]
# Every population type, birth dates to the day, month and year or none, with and without origin.
ROWS = [
    ["W-1", "Ахмади", "Мухаммад", "Каримович", "", "М", "15.03.1990", "Афганистан", "AFG", "KZ-55",
     "паспорт", "P 1", "F-1", "глава семьи", "беженец", "01.02.2015"],
    ["W-2", "Ахмади", "Зарина", "", "زرینه احمدی", "Ж", "03.1992", "AFG", "без гражданства", "KZ-55",
     "", "", "F-1", "супруга", "ASY", "2016"],
    ["W-3", "Нурланова", "Айгуль", "", "", "Ж", "1985", "", "лбг", "KZ-55", "", "", "", "", "лбг", "05.2016"],
    ["W-4", "Rahimi", "Karim", "", "", "M", "2001-07-09", "SYR", "undetermined", "KZ-55", "", "N 4", "", "",
     "UND", "10.10.2017"],
    ["W-5", "Hosseini", "Omid", "", "", "", "", "", "", "KZ-55", "", "", "", "", "OOC", "2018"],
    ["W-6", "Sultani", "Hamid", "", "", "M", "12.12.2012", "AFG", "AFG", "KZ-55", "", "", "", "", "", ""],
    ["W-7", "", "", "", "Qasemi Farid", "M", "2019", "IRN", "", "KZ-55", "", "", "", "", "ASY", "01.01.2020"],
]  # fmt: skip


def imported_ids(cast) -> list[int]:
    run = import_file(by=cast.officer_a, organisation=cast.state, data=csv_bytes(HEADER, ROWS), file_name="w.csv")
    report = Report.from_dict(run.report)
    assert report.error_count == 0 and report.created == len(ROWS), report.issues
    with unscoped("test"):
        return sorted(ImportedRow.objects.filter(run=run).values_list("person_id", flat=True))


def index_rows(ids: list[int]) -> dict[str, list[tuple]]:
    def rows(model, columns):
        return sorted(model.objects.filter(person_id__in=ids).values_list(*columns), key=repr)

    return {
        "stock": rows(StockFact, facts.STOCK_COLUMNS),
        "flow": rows(FlowFact, facts.FLOW_COLUMNS),
        "versions": rows(AttributeVersion, facts.VERSION_COLUMNS),
    }


def test_the_statistics_rows_of_imported_persons_are_those_a_full_rebuild_writes(cast):
    ids = imported_ids(cast)
    written = index_rows(ids)
    assert {row[1] for row in written["stock"]} == {"REF", "ASY", "STA", "UND", "OOC"}
    assert {row[1] for row in written["flow"]} >= {"recognised", "applications_first", "births"}
    assert len(written["versions"]) == len(ROWS)
    # Rebuilt from scratch, as the statistics job would: from what the registry holds, read back.
    AttributeVersion.objects.filter(person_id__in=ids).delete()
    StockFact.objects.filter(person_id__in=ids).delete()
    FlowFact.objects.filter(person_id__in=ids).delete()
    facts.rebuild(ids)
    assert index_rows(ids) == written
    # And a rebuild over what the import wrote (its attribute versions kept) changes nothing either.
    facts.rebuild(ids)
    assert index_rows(ids) == written


def test_imported_rows_hold_what_the_models_and_registration_would_write(cast):
    ids = imported_ids(cast)
    with unscoped("test"):
        for person in Person.objects.filter(pk__in=ids):
            assert person.registration_number == registration_number_for(person.pk)
            assert (person.iin, person.birth_date_estimated, person.merged_into_id) == ("", False, None)
            assert person.created_at == person.updated_at
            for name in PersonName.objects.filter(person=person):
                assert name.script == detect_script(name.text)
                expected = sorted(
                    (t.key, t.skeleton, t.birth_year) for t in name_tokens(person.pk, name, person.birth_date)
                )
                tokens = NameToken.objects.filter(name=name, person=person)
                assert sorted(tokens.values_list("key", "skeleton", "birth_year")) == expected and expected
            for event in StatusEvent.objects.filter(person=person):
                assert (event.decision_reference, event.supersedes_id) == ("", None)
                assert event.recorded_at == person.created_at
                assert event.population_type == person.population_type
        for document in Document.objects.filter(person_id__in=ids):
            assert document.number_key == document_key(document.number)
        entries = AuditEntry.objects.filter(person_id__in=ids)
        assert entries.count() == len(ids)
        assert all(e.changes == {} and e.purpose == "" for e in entries)


def test_insert_rows_writes_the_defaults_the_model_would(cast):
    now = timezone.now()
    fields = {"at": now, "username": "bulk", "action": AuditEntry.Action.CREATE, "summary": "rows", "person_id": 1}
    with unscoped("test"):
        bulk.insert(AuditEntry, [AuditEntry(**fields, object_id="instance")])
        bulk.insert_rows(AuditEntry, [*fields, "object_id"], [(*fields.values(), "tuple")])
        columns = [f.attname for f in AuditEntry._meta.concrete_fields if not f.primary_key and f.name != "object_id"]
        by_instance, by_tuple = (
            AuditEntry.objects.filter(object_id=key).values_list(*columns).get() for key in ("instance", "tuple")
        )
    assert by_instance == by_tuple
    assert AuditEntry.objects.filter(object_id="tuple").get().changes == {}
