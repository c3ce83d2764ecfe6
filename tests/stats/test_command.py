"""`panah stats` on the demo registry, its exports, and releases that re-run byte for byte."""

import datetime as dt
import io
import json

import hxl
import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from panah.accounts.scope import unscoped
from panah.geo.models import Country
from panah.registry.models import Person
from panah.registry.services import update_person
from panah.stats import services
from panah.stats.disclosure import PUBLIC
from panah.stats.exports import to_csv, xlsx_bytes
from panah.stats.tables import Parameters, default_period
from panah.status.models import EventKind, StatusEvent
from panah.status.services import correct_status_event


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import connection, transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        call_command("demo", verbosity=0, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
        connection.close()


def stats_json(*args):
    out = io.StringIO()
    call_command("stats", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.usefixtures("demo")
def test_demo_then_stats_json_gives_the_2017_figures(db):
    figures = stats_json("--as-of", "2017-01-01")
    assert (figures["stock"]["REF"], figures["stock"]["STA"], figures["stock"]["UND"]) == (626, 6706, 1781)
    afghans = figures["tables"]["by_origin"]["REF"]["AFG"]
    assert 0.94 <= afghans / 626 <= 0.96
    assert figures["tables"]["by_origin"]["REF"]["total"] == 626
    assert set(figures["tables"]) >= {"by_origin", "by_sex_age", "by_region", "flows"}
    # As known on the day the 2017 figure was published, it was the same.
    assert stats_json("--as-of", "2017-01-01", "--known-on", "2017-01-15")["stock"]["REF"] == 626


@pytest.mark.usefixtures("demo")
def test_public_output_has_no_small_cell(db):
    figures = stats_json("--as-of", "2017-01-01")
    for name in ("by_origin", "by_region", "by_sex_age"):
        for row in figures["tables"][name].values():
            assert not [v for v in row.values() if v is not None and 0 < v < 5], name


@pytest.mark.usefixtures("demo")
def test_csv_carries_an_hxl_row_that_libhxl_reads(db):
    with unscoped("test"):
        start, end = default_period(dt.date(2017, 1, 1))
        figures = services.compute(Parameters(dt.date(2017, 1, 1), timezone.now(), start, end, PUBLIC))
    text = to_csv(figures)
    assert text.splitlines()[1].startswith("#meta+table")
    dataset = hxl.data(io.BytesIO(text.encode()), hxl.InputOptions(allow_local=True))
    rows = [r for r in dataset if r.get("#population+type") == "REF" and r.get("#indicator+breakdown") == "total"]
    assert [r.get("#affected+num") for r in rows] == ["626"]


@pytest.mark.usefixtures("demo")
def test_xlsx_has_figures_and_a_metadata_sheet(db):
    with unscoped("test"):
        start, end = default_period(dt.date(2017, 1, 1))
        figures = services.compute(Parameters(dt.date(2017, 1, 1), timezone.now(), start, end, PUBLIC))
    book = load_workbook(io.BytesIO(xlsx_bytes(figures)))
    assert book.sheetnames == ["figures", "metadata"]
    meta = {row[0]: row[1] for row in book["metadata"].iter_rows(values_only=True)}
    assert meta["As of"] == "2017-01-01"
    assert "threshold=5" in meta["Disclosure policy"]
    stock_rows = [r for r in book["figures"].iter_rows(values_only=True) if r[0] == "stock" and r[4] == "total"]
    assert ("REF", 626) in [(r[3], r[6]) for r in stock_rows]


@pytest.mark.usefixtures("demo")
def test_release_rerun_after_a_correction_is_byte_identical_and_the_change_shows(db):
    from panah.accounts.models import User

    admin = User.objects.get(username="admin")
    start, end = default_period(dt.date(2017, 1, 1))
    parameters = Parameters(dt.date(2017, 1, 1), timezone.now(), start, end, PUBLIC)
    release = services.publish_release(by=admin, title="Persons of concern, 1 January 2017", parameters=parameters)
    before = services.canonical_json(release.figures)
    with unscoped("test"):
        from panah.status.selectors import persons_with_population

        refugees = (
            persons_with_population(as_of=dt.date(2017, 1, 1), known_on=timezone.now())
            .filter(population_as_of="REF")
            .values("pk")
        )
        grant = (
            StatusEvent.objects.filter(kind=EventKind.REFUGEE_GRANTED, person__in=refugees)
            .exclude(person__status_events__kind__in=["departed", "died", "naturalised", "refugee_ceased"])
            .order_by("effective")
            .first()
        )
        # The extensions that followed the grant were in error too: they are retracted first, latest first,
        # since the service keeps a timeline the rules allow.
        later = StatusEvent.objects.filter(person_id=grant.person_id, effective__gt=grant.effective).order_by(
            "-effective", "-recorded_at"
        )
        for extension in later:
            correct_status_event(event=extension, by=admin, reason="extension of a grant made in error")
        correct_status_event(event=grant, by=admin, reason="granted in error", kind=EventKind.ASYLUM_REJECTED)
        # And a correction of the registry itself: another refugee's sex and origin were mistyped.
        other = Person.objects.filter(pk__in=refugees, iin="").exclude(pk=grant.person_id).first()
        update_person(
            by=admin,
            person=other,
            changes={"sex": "F" if other.sex == "M" else "M", "country_of_origin": Country.objects.get(pk="PSE")},
        )
    figures, digest = services.rerun(release)
    assert services.canonical_json(figures) == before
    assert digest == release.content_hash
    changes = services.changes_since(release)
    assert {"cell": "stock / REF", "published": 626, "today": 625} in changes


@pytest.mark.usefixtures("demo")
def test_stats_as_a_user_narrow_to_what_they_may_see(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="statistics"):
        call_command("stats", "--as", "officer.pavlodar", stdout=io.StringIO())  # a registrar: no statistics
    national = stats_json("--as-of", "2017-01-01", "--as", "statistician")
    assert national["regions"] is None
    assert national["stock"]["REF"] == 626


def test_bad_date_says_what_to_write(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("stats", "--as-of", "01.01.2017", stdout=io.StringIO())
