"""Anyone can check a notice: offline with the published public key, online by its short code. The page
says whether the notice is genuine and current, corrected or revoked, and shows only the payload's
fields (issuing body, date, kind, initials); checks are rate-limited and logged."""

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.notices import services, signing
from panah.notices.models import IssuedNotice, NoticeCheck

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_rate():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def notice(cast, decide):
    case, event = decide(cast.decider_a, cast.person_a, "statelessness", "refuse")
    with unscoped("test"):
        return services.print_case_notice(
            by=cast.decider_a, case=case, event=event, language="ru", person_language="ar"
        )


def test_payload_holds_only_code_kind_date_body_and_initials(notice):
    payload = signing.Payload.parse(notice.payload)
    assert payload == signing.Payload(notice.code, "statelessness.refuse", payload.issued_on, "mlsp", "M. A.")
    assert "Ahmadi" not in notice.payload and notice.person.registration_number not in notice.payload


def test_genuine_notice_verifies_offline_with_the_published_key(notice):
    published = Client().get("/verify/key").content.decode().split()[1]
    assert signing.verify(notice.payload, notice.signature, published)
    qr = signing.qr_text("https://panah.example/verify/", notice.payload, notice.signature)
    assert signing.read_qr_text(qr) == (notice.payload, notice.signature)


def test_tampered_payload_and_another_key_are_refused(notice):
    key = signing.public_key()
    assert not signing.verify(notice.payload.replace("M. A.", "Z. Z."), notice.signature, key)
    assert not signing.verify(
        notice.payload.replace("statelessness.refuse", "statelessness.determine"), notice.signature, key
    )
    stranger = Ed25519PrivateKey.generate()
    assert not signing.verify(notice.payload, signing.sign(notice.payload, stranger), key)
    assert not signing.verify(notice.payload, "not-a-signature", key)
    assert not signing.verify(notice.payload, notice.signature, "not a key")


def test_public_page_says_genuine_with_only_the_listed_fields(notice):
    page = Client().get(f"/verify/{notice.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Genuine and current" in html and "M. A." in html and "Ministry of Labour" in html
    assert notice.code in html
    for secret in ("Ahmadi", "Mohammad", notice.person.registration_number, "No. 17", "decider_a", "1990"):
        assert secret not in html
    with unscoped("test"):
        check = NoticeCheck.objects.get()
    assert (check.notice_id, check.outcome, check.code) == (notice.pk, "genuine", notice.code)


def test_a_typed_code_in_any_case_and_spacing_leads_to_the_notice(notice):
    typed = notice.code.lower().replace("-", " ")
    response = Client().get("/verify/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/verify/{notice.code}/"


@pytest.mark.parametrize("bad", ["", "x", "<script>", "AAAA-BBBB-CCCC", "OOOO-0000", "\u0628" * 8, "%00"])
def test_bad_codes_get_a_clear_answer_never_an_error(db, bad):
    form = Client().get("/verify/", {"code": bad})
    assert form.status_code == 400 and "eight letters and digits" in form.content.decode()
    page = Client().get(f"/verify/{bad or 'x'}/")
    assert page.status_code in (400, 404)


def test_unknown_code_is_not_genuine(db):
    page = Client().get("/verify/AAAA-BBBB/")
    assert page.status_code == 404 and "No genuine notice has this code" in page.content.decode()
    assert NoticeCheck.objects.get().outcome == "unknown"


def test_revoked_notice_verifies_as_revoked(cast, notice):
    with unscoped("test"):
        services.revoke_notice(by=cast.decider_a, notice=notice, reason="issued to the wrong file")
        assert AuditEntry.objects.filter(message="notice_revoked", object_id=str(notice.pk)).count() == 1
    html = Client().get(f"/verify/{notice.code}/").content.decode()
    assert "Revoked" in html and "Genuine" not in html and "wrong file" not in html


def test_corrected_notice_verifies_as_corrected_and_the_new_one_as_genuine(cast, notice):
    with unscoped("test"):
        new = services.correct_notice(by=cast.decider_a, notice=notice, reason="name spelt wrong")
        old = IssuedNotice.objects.get(pk=notice.pk)
    assert old.status == "corrected" and old.replaced_by_id == new.pk and new.code != old.code
    assert "Corrected" in Client().get(f"/verify/{old.code}/").content.decode()
    html = Client().get(f"/verify/{new.code}/").content.decode()
    assert "Genuine and current" in html and old.code not in html


def test_a_notice_whose_stored_signature_does_not_match_is_not_genuine(notice):
    with unscoped("test"):
        IssuedNotice.objects.filter(pk=notice.pk).update(payload=notice.payload.replace("M. A.", "Z. Z."))
    html = Client().get(f"/verify/{notice.code}/").content.decode()
    assert "No genuine notice has this code" in html and "Z. Z." not in html


def test_only_the_decider_of_the_state_body_revokes(cast, notice):
    with unscoped("test"), pytest.raises(PermissionDenied):
        services.revoke_notice(by=cast.officer_a, notice=notice, reason="no")
    with unscoped("test"), pytest.raises(ValidationError):
        services.revoke_notice(by=cast.decider_a, notice=notice, reason=" ")


def test_checks_are_rate_limited_per_address(settings, notice):
    settings.PANAH_VERIFY_RATE = "3/min"
    client = Client()
    answers = [client.get(f"/verify/{notice.code}/").status_code for _i in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    assert NoticeCheck.objects.count() == 3


def test_printing_from_the_case_page_needs_the_policy_and_returns_a_pdf(cast, decide):
    case, event = decide(cast.decider_a, cast.person_a, "asylum", "recognise")
    client = Client()
    client.force_login(cast.decider_a)
    page = client.get(f"/cases/{case.pk}/")
    assert f"/notices/case/{case.pk}/{event.pk}/" in page.content.decode()
    pdf = client.post(f"/notices/case/{case.pk}/{event.pk}/", {"lang": "kk", "for": "prs"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    bad = client.post(f"/notices/case/{case.pk}/{event.pk}/", {"lang": "xx"})
    assert bad.status_code == 400
    stranger = Client()
    stranger.force_login(cast.lawyer)
    assert stranger.post(f"/notices/case/{case.pk}/{event.pk}/").status_code == 404


def test_the_case_page_lists_its_notices_and_the_decider_revokes_one_there(cast, notice):
    client = Client()
    client.force_login(cast.decider_a)
    page = client.get(f"/cases/{notice.case_id}/").content.decode()
    assert notice.code in page and f"/notices/case/{notice.case_id}/revoke/" in page
    empty = client.post(f"/notices/case/{notice.case_id}/revoke/", {"code": notice.code, "reason": ""})
    assert empty.status_code == 400 and "Say why" in empty.content.decode()
    wrong = client.post(f"/notices/case/{notice.case_id}/revoke/", {"code": "nonsense", "reason": "x"})
    assert wrong.status_code == 400
    done = client.post(f"/notices/case/{notice.case_id}/revoke/", {"code": notice.code, "reason": "wrong file"})
    assert done.status_code == 302
    with unscoped("test"):
        assert IssuedNotice.objects.get(pk=notice.pk).status == "revoked"
    registrar = Client()
    registrar.force_login(cast.officer_a)
    assert f"/notices/case/{notice.case_id}/revoke/" not in registrar.get(f"/cases/{notice.case_id}/").content.decode()
    assert (
        registrar.post(f"/notices/case/{notice.case_id}/revoke/", {"code": notice.code, "reason": "x"}).status_code
        == 403
    )


def test_a_configured_key_signs_and_the_command_makes_one(settings, notice):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("signing_key", stdout=out)
    settings.PANAH_SIGNING_KEY = out.getvalue().strip()
    assert Client().get("/verify/key").content.decode().split()[1] == signing.public_key_text()
    signed = signing.sign(notice.payload)
    assert signing.verify(notice.payload, signed, signing.public_key_text())
    # Notices signed under the former key no longer verify under the new one: the page says so.
    assert not signing.verify(notice.payload, notice.signature, signing.public_key_text())
    assert "No genuine notice has this code" in Client().get(f"/verify/{notice.code}/").content.decode()
    public = io.StringIO()
    call_command("signing_key", "--public", stdout=public)
    assert public.getvalue().strip() == signing.public_key_text()
