"""Phone numbers, specific-need notes and the free text of histories (case notes, referral needs and
reasons, service notes, status evidence) are stored encrypted and read in clear, whichever way they
are written (a form, the import's bulk writer, the demo), and survive a key rotation."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from panah.accounts.scope import unscoped
from panah.common.encryption import PREFIX, encrypt
from panah.imports.services import import_file
from panah.registry.models import Address, SpecificNeed, SpecificNeedCode

PHONE = "+7 701 234 56 78"


def _stored(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (fixed names)
        return cursor.fetchone()[0]


@pytest.fixture
def address(cast):
    with unscoped("test"):
        return Address.objects.create(
            person=cast.person_a, region_id="KZ-55", phone=PHONE, valid_from=timezone.localdate()
        )


def test_a_phone_is_stored_encrypted_and_read_in_clear(address):
    stored = _stored("registry_address", "phone", address.pk)
    assert stored.startswith(PREFIX) and PHONE not in stored and "701" not in stored
    with unscoped("test"):
        assert Address.objects.get(pk=address.pk).phone == PHONE


def test_a_specific_need_note_is_stored_encrypted(cast):
    with unscoped("test"):
        need = SpecificNeed.objects.create(
            person=cast.person_a, code=SpecificNeedCode.objects.first(), identified_on=timezone.localdate(),
            identified_by=cast.state, note="Survivor of torture, sees a psychologist",
        )  # fmt: skip
        assert "torture" not in _stored("registry_specificneed", "note", need.pk)
        assert SpecificNeed.objects.get(pk=need.pk).note.startswith("Survivor of torture")


def test_the_import_writes_phones_encrypted_too(cast):
    from tests.imports.files import csv_bytes

    data = csv_bytes(
        ["person_id", "family_name", "given_name", "sex", "region", "phone"],
        [["T-1", "Ahmadi", "Ali", "M", "KZ-55", PHONE]],
    )
    run = import_file(by=cast.officer_a, organisation=cast.state, data=data, file_name="p.csv")
    assert run.state == "imported", run.report
    with unscoped("test"):
        address = Address.objects.get(
            phone__isnull=False,
            person__names__given_name="Ali",
            person__names__family_name="Ahmadi",
            person__organisation=cast.state,
            line="",
        )
    assert address.phone == PHONE
    assert PHONE not in _stored("registry_address", "phone", address.pk)


def test_a_key_rotation_keeps_every_value_readable(cast):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(PANAH_FIELD_KEYS=[old]), unscoped("test"):
        address = Address.objects.create(
            person=cast.person_a, region_id="KZ-55", phone=PHONE, valid_from=timezone.localdate()
        )
    under_old = _stored("registry_address", "phone", address.pk)
    with override_settings(PANAH_FIELD_KEYS=[new, old]):
        with unscoped("test"):
            assert Address.objects.get(pk=address.pk).phone == PHONE  # the new key first, the old still read
        out = io.StringIO()
        call_command("rotate_field_keys", stdout=out)
        assert "registry.Address.phone: 1 values" in out.getvalue()
        assert _stored("registry_address", "phone", address.pk) != under_old
    with override_settings(PANAH_FIELD_KEYS=[new]), unscoped("test"):  # the old key removed
        assert Address.objects.get(pk=address.pk).phone == PHONE
    with (
        override_settings(PANAH_FIELD_KEYS=[old]),
        unscoped("test"),
        pytest.raises(ImproperlyConfigured, match="former key"),
    ):
        Address.objects.get(pk=address.pk).phone  # noqa: B018 (reading is the test)


def test_values_stored_before_encryption_are_read_and_encrypted_by_the_rotation(address):
    Address._base_manager.filter(pk=address.pk).update(phone=PHONE)  # encrypted by update…
    with connection.cursor() as cursor:  # …so write plain text the way an old database holds it
        cursor.execute("UPDATE registry_address SET phone = %s WHERE id = %s", [PHONE, address.pk])
    with unscoped("test"):
        assert Address.objects.get(pk=address.pk).phone == PHONE
    call_command("rotate_field_keys", stdout=io.StringIO())
    assert _stored("registry_address", "phone", address.pk).startswith(PREFIX)
    assert encrypt("") == ""


# What is encrypted at rest, as docs/data-protection.md lists it: a new field is added there and here.
ENCRYPTED = {
    "registry.Address.phone",
    "registry.SpecificNeed.note",
    "cases.CaseEvent.text",
    "cases.Referral.needs",
    "cases.ReferralEvent.reason",
    "cases.ServiceDelivery.note",
    "status.StatusEvent.evidence",
    "imports.ImportRun.content",
    "evidence.EvidenceFile.note",
}


def test_the_free_text_of_histories_is_encrypted_at_rest():
    from panah.common.encryption import encrypted_fields

    assert {f"{model._meta.label}.{name}" for model, name in encrypted_fields()} == ENCRYPTED


def test_a_case_note_and_status_evidence_are_stored_encrypted_and_read_in_clear(cast):
    import datetime as dt

    from panah.cases.models import CaseEvent
    from panah.cases.services import add_note, open_case
    from panah.status.models import EventKind, StatusEvent
    from panah.status.services import record_status_event

    with unscoped("test"):
        event = record_status_event(
            person=cast.person_a, kind=EventKind.ASYLUM_APPLICATION, effective=dt.date(2016, 3, 1), by=cast.decider_a,
            evidence="Fled after threats from the Taliban in Kunduz",
        )  # fmt: skip
        case = open_case(by=cast.officer_a, person=cast.person_a, kind="documentation", opened_on=dt.date(2016, 3, 2))
        note = add_note(by=cast.officer_a, case=case, text="Lives with an uncle; afraid to go to the police")
        assert "Taliban" not in _stored("status_statusevent", "evidence", event.pk)
        assert "uncle" not in _stored("cases_caseevent", "text", note.pk)
        assert _stored("cases_caseevent", "text", note.pk).startswith(PREFIX)
        assert StatusEvent.objects.get(pk=event.pk).evidence.startswith("Fled after threats")
        assert CaseEvent.objects.get(pk=note.pk).text == "Lives with an uncle; afraid to go to the police"
