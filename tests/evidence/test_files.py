"""Evidence files: checked by content, images without metadata, encrypted at rest, served only through
the audited view, in the subject-access export, moved by a merge and back by unmerge, erased with the
person, and required by case steps."""

import base64
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from PIL import Image

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.evidence import crypto, services
from panah.evidence.models import EvidenceFile
from tests.factories.cases import SCAN, pdf

PDF = SCAN
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
MZ = b"MZ\x90\x00" + b"\x00" * 200


def jpeg_with_exif(orientation: int = 1) -> bytes:
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Secret Phone 3000"  # Model
    exif[0x0112] = orientation  # Orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 255)).save(out, "PNG")
    return out.getvalue()


def attach(by, person, data, kind="passport", **extra):
    return services.attach_file(by=by, person=person, kind=kind, data=data, **extra)


def stored(file: EvidenceFile) -> bytes:
    with crypto.storage().open(file.stored_as, "rb") as f:
        return f.read()


@pytest.mark.parametrize("data", [PDF, jpeg_with_exif(), png()], ids=["pdf", "jpeg", "png"])
def test_pdf_jpeg_and_png_are_accepted_by_their_content(cast, as_user, data):
    with as_user(cast.officer_a):
        file = attach(cast.officer_a, cast.person_a, data)
    assert file.content_type in ("application/pdf", "image/jpeg", "image/png")
    assert services.read_blob(file)[:4] == data[:4]


@pytest.mark.parametrize("data", [ELF, MZ, b"just some text"], ids=["elf", "mz", "text"])
def test_a_renamed_executable_is_refused_naming_the_field(cast, as_user, client, data):
    client.force_login(cast.officer_a)
    response = client.post(
        f"/files/person/{cast.person_a.registration_number}/new/",
        {"kind": "passport", "file": _named("x.pdf", data)},
    )
    assert response.status_code == 400
    assert "not a PDF, JPEG or PNG" in response.content.decode()
    assert 'href="#id_file"' in response.content.decode()  # the error summary names the field
    with unscoped("test"):
        assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xff\xd8\xff\xe0" + b"not really a photo" * 10, "damaged"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "damaged"),
        (PDF[:20], "incomplete"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "damaged"),
        (pdf(password="secret"), "password"),
        (b"", "empty"),
    ],
    ids=["jpeg-magic-only", "png-magic-only", "truncated-pdf", "pdf-without-pages", "pdf-with-password", "empty"],
)
def test_a_damaged_file_is_refused_with_a_message_not_an_error(cast, client, data, words):
    client.force_login(cast.officer_a)
    response = client.post(
        f"/files/person/{cast.person_a.registration_number}/new/",
        {"kind": "passport", "file": _named("scan.jpg", data)},
    )
    assert response.status_code == 400
    assert words in response.content.decode()


def test_a_file_too_large_is_refused_with_the_limit(cast, client, settings):
    settings.PANAH_FILES_MAX_BYTES = 1000
    client.force_login(cast.officer_a)
    response = client.post(
        f"/files/person/{cast.person_a.registration_number}/new/",
        {"kind": "passport", "file": _named("big.pdf", PDF + b"x" * 5000)},
    )
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    with unscoped("test"):
        assert not EvidenceFile.objects.exists()


def test_a_jpeg_loses_its_exif_and_is_turned_upright(cast, as_user):
    with as_user(cast.officer_a):
        file = attach(cast.officer_a, cast.person_a, jpeg_with_exif(orientation=6))  # rotated 90° on the phone
    kept = services.read_blob(file)
    assert b"Secret Phone" not in kept and b"PhoneMaker" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert not image.getexif()
        assert "exif" not in image.info
        assert image.size == (20, 40)  # orientation applied


def test_stored_bytes_are_encrypted(cast, as_user):
    with as_user(cast.officer_a):
        scan = attach(cast.officer_a, cast.person_a, pdf(title="Ahmadi Mohammad passport N1234567"))
        photo = attach(cast.officer_a, cast.person_a, jpeg_with_exif())
    for file in (scan, photo):
        raw = stored(file)
        plain = services.read_blob(file)
        assert plain not in raw
        assert b"%PDF-" not in raw and b"\xff\xd8\xff" not in raw and b"Ahmadi" not in raw


def test_the_storage_has_no_public_url(settings):
    """Files are served by their audited view only: the storage cannot even name a URL for them."""
    from pathlib import Path

    with pytest.raises(ValueError, match="not accessible via a URL"):
        crypto.storage().url("anything.bin")
    assert not Path(crypto.storage().location).is_relative_to(Path(settings.STATIC_ROOT))


def test_upload_download_and_removal_are_audited_in_their_transaction(cast, as_user, client):
    client.force_login(cast.officer_a)
    number = cast.person_a.registration_number
    response = client.post(f"/files/person/{number}/new/", {"kind": "passport", "file": _named("p.png", png())})
    assert response.status_code == 302
    with unscoped("test"):
        file = EvidenceFile.objects.get()
        entry = AuditEntry.objects.get(message="evidence_attached")
    assert entry.object_id == str(file.pk) and entry.user == cast.officer_a
    assert entry.message == "evidence_attached" and entry.parameters["kind"]["value"] == "passport"
    assert entry.summary == f"attached evidence file {file.pk} (passport)"  # the code put into words when read
    download = client.get(f"/files/{file.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert download.content.startswith(b"\x89PNG") and "attachment" in download["Content-Disposition"]
    assert AuditEntry.objects.filter(message="evidence_downloaded", object_id=str(file.pk)).count() == 1
    assert client.post(f"/files/{file.pk}/remove/", {"reason": "wrong person"}).status_code == 302
    with unscoped("test"):
        assert not EvidenceFile.objects.exists()
    assert AuditEntry.objects.filter(message="evidence_removed").count() == 1


def test_the_entry_and_the_file_are_written_in_one_transaction(cast, as_user):
    """Rolled back together: a file is never kept without its audit entry, nor an entry without its file."""
    before = AuditEntry.objects.count()
    with as_user(cast.officer_a), transaction.atomic():
        file = attach(cast.officer_a, cast.person_a, PDF)
        assert AuditEntry.objects.filter(message="evidence_attached", object_id=str(file.pk)).exists()
        transaction.set_rollback(True)
    with unscoped("test"):
        assert not EvidenceFile.objects.exists()
    assert AuditEntry.objects.count() == before


def test_who_sees_the_person_sees_the_files_and_others_get_404(cast, as_user):
    with as_user(cast.officer_a):
        file = attach(cast.officer_a, cast.person_a, PDF)
    other = Client()
    other.force_login(cast.lawyer)  # the partner does not see the state's person
    assert other.get(f"/files/{file.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action="refused", user=cast.lawyer).exists()
    statistician = Client()
    statistician.force_login(cast.statistician)
    assert statistician.get(f"/files/{file.pk}/").status_code == 404
    with as_user(cast.lawyer), pytest.raises(PermissionDenied):
        attach(cast.lawyer, cast.person_a, PDF)


def test_subject_access_export_holds_the_file(cast, as_user):
    from panah.exports.subject_access import subject_access

    with as_user(cast.officer_a):
        attach(cast.officer_a, cast.person_a, PDF, kind="decision", note="refusal of 3 May")
        data = subject_access(by=cast.officer_a, person=cast.person_a, purpose="asked by the person")
    [entry] = data["evidence_files"]
    assert entry["kind"] == "decision" and entry["note"] == "refusal of 3 May"
    assert base64.b64decode(entry["content_base64"]) == PDF
    assert entry["uploaded_at"]


def test_merge_moves_the_files_and_unmerge_brings_them_back(cast, as_user):
    from panah.matching.services import merge, unmerge
    from tests.factories import PersonFactory, region

    other = PersonFactory(organisation=cast.state, region=region("KZ-55"), name=("Mohamad", "Ahmadi"))
    with as_user(cast.sysadmin):
        file = attach(cast.sysadmin, other, PDF)
        done = merge(by=cast.sysadmin, survivor=cast.person_a, merged=other, reason="same passport")
    with unscoped("test"):
        file.refresh_from_db()
        assert file.person_id == cast.person_a.pk
    with as_user(cast.sysadmin):
        unmerge(by=cast.sysadmin, merge=done, reason="not the same")
    with unscoped("test"):
        file.refresh_from_db()
        assert file.person_id == other.pk


def test_anonymisation_by_retention_deletes_the_rows_and_the_blobs(cast, as_user, django_capture_on_commit_callbacks):
    from panah.privacy.services import anonymise_person

    with as_user(cast.officer_a):
        file = attach(cast.officer_a, cast.person_a, PDF)
    name = file.stored_as
    assert crypto.storage().exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        anonymise_person(by=None, person=cast.person_a, reason="retention period over", rule="persons.exit")
    with unscoped("test"):
        assert not EvidenceFile.objects.filter(pk=file.pk).exists()
    assert not crypto.storage().exists(name)


def test_a_step_is_refused_while_its_required_document_is_missing(cast, open_case, step, client):
    with unscoped("test"):
        cast.person_a.refresh_from_db()
    case = open_case(cast.sysadmin, cast.person_a, "statelessness", organisation=cast.state)
    with pytest.raises(ValidationError, match="decision"):
        step(cast.sysadmin, case, "refuse", dt.date(2024, 2, 1), note="nationality not shown")
    with unscoped("test"):
        services.attach_file(by=cast.sysadmin, person=cast.person_a, case=case, kind="decision", data=PDF)
    step(cast.sysadmin, case, "refuse", dt.date(2024, 2, 1), note="nationality not shown")
    step(cast.sysadmin, case, "appeal", dt.date(2024, 2, 10))
    client.force_login(cast.sysadmin)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "missing" in page and "court ruling" in page
    with pytest.raises(ValidationError) as refused:
        step(cast.sysadmin, case, "appeal_dismissed", dt.date(2024, 3, 1), note="court upheld")
    assert "court ruling" in str(refused.value)
    with unscoped("test"):
        services.attach_file(by=cast.sysadmin, person=cast.person_a, case=case, kind="court_ruling", data=PDF)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "court ruling" in page and "missing" not in page
    step(cast.sysadmin, case, "appeal_dismissed", dt.date(2024, 3, 1), note="court upheld")


def test_the_upload_page_works_on_a_phone_form(cast, client):
    client.force_login(cast.officer_a)
    page = client.get(f"/files/person/{cast.person_a.registration_number}/new/").content.decode()
    # The phone offers its camera and its files alike: `capture` would open the camera only.
    assert 'type="file"' in page and "capture" not in page
    assert 'accept="application/pdf,image/jpeg,image/png"' in page
    assert 'enctype="multipart/form-data"' in page


def _named(name: str, data: bytes) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_a_removal_rolled_back_keeps_the_blob(cast, as_user, django_capture_on_commit_callbacks):
    with as_user(cast.officer_a):
        file = attach(cast.officer_a, cast.person_a, PDF)
        with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
            services.remove_file(by=cast.officer_a, file=file, reason="by mistake")
            transaction.set_rollback(True)
    assert callbacks == []
    assert crypto.storage().exists(file.stored_as)


def test_an_upload_is_never_spooled_to_a_temporary_file(cast, as_user, rf, settings):
    """Django writes an upload over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, in clear: the upload
    pages read files into memory only."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.core.files.uploadedfile import InMemoryUploadedFile

    from panah.evidence import views

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1
    number = cast.person_a.registration_number
    request = rf.post(f"/files/person/{number}/new/", {"kind": "passport", "file": _named("p.png", png())})
    request.user = cast.officer_a
    request.session = {}
    request._messages = FallbackStorage(request)
    request._dont_enforce_csrf_checks = True
    with as_user(cast.officer_a):
        response = views.upload_to_person(request, number)
    assert response.status_code == 302
    assert isinstance(request.FILES["file"], InMemoryUploadedFile)
