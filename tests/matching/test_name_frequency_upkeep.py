"""The name frequencies the online check weighs names with are kept up to date by the registry's
writes: after registrations, a renaming and an import they are what a recount of the registry gives."""

from panah.accounts.scope import scope_for, use_scope
from panah.matching.comparisons import NameFrequencies
from panah.matching.models import NameFrequency
from panah.matching.normalise import prepare
from panah.matching.services import record_name_frequencies
from panah.matching.tasks import registry_records
from panah.registry.services import register_person, set_names
from tests.factories import PersonFactory, region
from tests.imports.test_write import imported_ids


def recount() -> NameFrequencies:
    """What the registry-wide batch run would count now."""
    return NameFrequencies.of([prepare(row) for row in registry_records()])


def kept() -> dict[tuple[str, str], int]:
    return {(f.column, f.value): f.count for f in NameFrequency.objects.all() if f.count}


def as_rows(frequencies: NameFrequencies) -> dict[tuple[str, str], int]:
    rows = {(column, ""): total for column, total in frequencies.totals.items() if total}
    rows.update({(c, v): n for c, counts in frequencies.counts.items() for v, n in counts.items() if v and n})
    return rows


def register(cast, *names):
    with use_scope(scope_for(cast.officer_a)):
        return register_person(
            by=cast.officer_a,
            organisation=cast.state,
            person={"sex": "M"},
            names=list(names),
            address={"region": region("KZ-55")},
        )


def test_registration_renaming_and_import_keep_the_counts_a_recount_gives(cast):
    renamed = PersonFactory(organisation=cast.state, region=region("KZ-55"), name=("Karim", "Rahimi"))
    PersonFactory(organisation=cast.state, region=region("KZ-55"), name=("Mohammad", "Ahmadi"))
    record_name_frequencies(recount())  # as the last batch run left them

    register(
        cast,
        {"given_name": "Mohammad", "family_name": "Ahmadi", "script": "latn"},
        {"given_name": "Мухаммад", "family_name": "Ахмади", "script": "cyrl"},
    )
    register(cast, {"full_name": "محمد احمدی", "script": "arab"})
    with use_scope(scope_for(cast.officer_a)):
        set_names(
            by=cast.officer_a,
            person=renamed,
            names=[{"given_name": "Omid", "family_name": "Hosseini", "script": "latn"}],
        )
    imported_ids(cast)

    ahmadi = prepare({"family_name": "Ahmadi"})["family_skel"]
    assert kept()[("family_skel", ahmadi)] >= 4  # two registered, one in the registry, the import's
    assert kept() == as_rows(recount())


def test_before_the_first_batch_run_nothing_is_counted(cast):
    register(cast, {"given_name": "Mohammad", "family_name": "Ahmadi", "script": "latn"})

    assert not NameFrequency.objects.exists()  # the online check makes no adjustment yet, as before
