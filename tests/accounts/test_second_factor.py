"""The TOTP second factor: who must pass it, enrolment, verification with real codes, throttling,
single-use recovery codes, and API tokens issued only from a verified session."""

import re

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from panah.accounts.otp import otp_required
from panah.accounts.permissions import OTP_ROLES, roles_allowed
from panah.accounts.roles import Action, Role
from panah.api.models import ApiToken
from panah.api.tokens import issue_token
from panah.audit.models import AuditEntry
from tests.factories import PASSWORD, MembershipFactory, UserFactory

required = override_settings(PANAH_REQUIRE_OTP=True)


def code_for(device: TOTPDevice) -> str:
    """The code the user's app shows now (or the next one, if this one was just used: codes are
    single-use)."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    return f"{hotp(device.bin_key, max(now, device.last_t + 1)):06d}"


def sign_in(client, username: str) -> None:
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def enrol(client) -> tuple[TOTPDevice, list[str]]:
    client.get("/accounts/otp/enrol/")
    device = TOTPDevice.objects.get(user_id=client.session["_auth_user_id"], confirmed=False)
    response = client.post("/accounts/otp/enrol/", {"code": code_for(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    return device, codes


def test_the_roles_that_need_the_factor_come_from_the_policy_table():
    sensitive = (Action.DECIDE_STATUS, Action.DECIDE_CASES, Action.MERGE_PERSONS, Action.EXPORT_PERSONS)
    for role in Role.values:
        decides = any(role in roles_allowed(action) for action in sensitive)
        assert (role in OTP_ROLES) == (decides or role == Role.SYSTEM_ADMIN), role
    assert Role.REGISTRAR not in OTP_ROLES and Role.DECISION_OFFICER in OTP_ROLES and Role.ORG_ADMIN in OTP_ROLES


@required
@pytest.mark.parametrize(
    ("who", "must"),
    [
        ("decider_a", True),  # decides status and merges
        ("sysadmin", True),
        ("officer_a", False),  # registrar
        ("lawyer", False),  # caseworker
        ("statistician", False),
    ],
)
def test_who_must_pass_the_second_factor(cast, who, must):
    assert otp_required(getattr(cast, who)) is must


@required
def test_an_organisation_administrator_who_exports_must_pass_it_and_an_ended_role_does_not_count(cast, today):
    admin = UserFactory(username="orgadmin")
    membership = MembershipFactory(user=admin, organisation=cast.state, role=Role.ORG_ADMIN, regions=["KZ-55"])
    assert otp_required(admin)
    membership.valid_to = today
    membership.save()
    assert not otp_required(admin)


def test_the_setting_off_requires_nobody(cast):
    assert not otp_required(cast.decider_a)


@required
def test_a_decision_officer_without_a_device_is_sent_to_enrol_from_every_page(client, cast):
    sign_in(client, "decider_a")
    for path in ["/", f"/persons/{cast.person_a.registration_number}/", "/api/tokens/", "/audit/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/otp/enrol/"), path
    assert client.get("/api/v1/persons").status_code == 403
    # Open: the enrolment page itself, health checks, static files, signing out.
    assert client.get("/accounts/otp/enrol/").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/panah/panah.css").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


@required
def test_a_registrar_is_not_stopped(client, cast):
    sign_in(client, "officer_a")
    assert client.get("/").status_code == 200


@required
def test_enrolment_confirms_the_device_verifies_the_session_and_shows_recovery_codes_once(client, cast):
    sign_in(client, "decider_a")
    page = client.get("/accounts/otp/enrol/").content.decode()
    assert "<svg" in page and "otp-secret" in page
    device = TOTPDevice.objects.get(user=cast.decider_a, confirmed=False)
    assert client.get("/accounts/otp/enrol/").status_code == 200
    assert TOTPDevice.objects.filter(user=cast.decider_a).count() == 1  # the same key on reload
    wrong = client.post("/accounts/otp/enrol/", {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert "not right" in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    # A wrong code makes the device wait (1 s after one failure): the user types the next code later.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timezone.timedelta(minutes=1)
    )

    device, codes = enrol(client)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/").status_code == 200  # this session passed the factor
    security = client.get("/accounts/security/").content.decode()
    assert "10 recovery codes left" in security
    assert not any(code in security for code in codes)  # shown once, never again
    assert AuditEntry.objects.filter(user=cast.decider_a, summary__contains="enrolled an authenticator").exists()


@required
def test_after_the_password_a_user_with_a_device_must_type_a_real_code(client, cast):
    sign_in(client, "decider_a")
    device, _codes = enrol(client)
    client.post("/accounts/logout/")

    sign_in(client, "decider_a")
    response = client.get(f"/persons/{cast.person_a.registration_number}/")
    assert response["Location"].startswith("/accounts/otp/verify/")
    assert client.get("/accounts/otp/enrol/")["Location"].startswith("/accounts/otp/verify/")  # no replacing it
    key_before = client.session.session_key
    response = client.post(
        "/accounts/otp/verify/",
        {"code": code_for(device), "next": f"/persons/{cast.person_a.registration_number}/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/persons/{cast.person_a.registration_number}/"
    assert client.session.session_key != key_before  # a new key when the session gains the factor
    assert client.get(f"/persons/{cast.person_a.registration_number}/").status_code == 200
    assert AuditEntry.objects.filter(user=cast.decider_a, summary="passed the second factor (authenticator code)")


@required
def test_a_code_is_accepted_once(client, cast):
    sign_in(client, "decider_a")
    device, _codes = enrol(client)
    client.post("/accounts/logout/")
    device.refresh_from_db()
    used = f"{hotp(device.bin_key, device.last_t):06d}"  # the code that confirmed the enrolment
    sign_in(client, "decider_a")
    response = client.post("/accounts/otp/verify/", {"code": used})
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert client.get("/")["Location"].startswith("/accounts/otp/verify/")


@required
def test_wrong_codes_are_refused_and_then_even_the_right_code_waits(client, cast):
    sign_in(client, "decider_a")
    device, _codes = enrol(client)
    client.post("/accounts/logout/")
    sign_in(client, "decider_a")
    right = code_for(device)
    wrong = "123456" if right != "123456" else "654321"
    response = client.post("/accounts/otp/verify/", {"code": wrong})
    assert "not right" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # As after many wrong codes in a row: the device now refuses codes for 2^9 seconds.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=10, throttling_failure_timestamp=timezone.now()
    )
    response = client.post("/accounts/otp/verify/", {"code": code_for(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/")["Location"].startswith("/accounts/otp/verify/")
    assert AuditEntry.objects.filter(user=cast.decider_a, action=AuditEntry.Action.LOGIN_FAILED).count() == 2
    # Once the wait is over, the right code passes.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timezone.timedelta(hours=1)
    )
    assert client.post("/accounts/otp/verify/", {"code": code_for(device)}).status_code == 302
    assert client.get("/").status_code == 200


@required
def test_a_recovery_code_signs_in_once(client, cast):
    sign_in(client, "decider_a")
    _device, codes = enrol(client)
    client.post("/accounts/logout/")

    sign_in(client, "decider_a")
    assert client.post("/accounts/otp/verify/", {"code": codes[0].upper()}).status_code == 302
    assert client.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=cast.decider_a).count() == 9
    client.post("/accounts/logout/")

    sign_in(client, "decider_a")
    response = client.post("/accounts/otp/verify/", {"code": codes[0]})
    assert "not right" in response.content.decode()
    assert client.get("/")["Location"].startswith("/accounts/otp/verify/")


@required
def test_new_recovery_codes_replace_the_old_ones(client, cast):
    sign_in(client, "decider_a")
    _device, old = enrol(client)
    response = client.post("/accounts/otp/recovery-codes/")
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == 10
    tokens = set(StaticToken.objects.filter(device__user=cast.decider_a).values_list("token", flat=True))
    assert tokens == set(new) and not tokens & set(old)


def test_a_user_who_chose_the_factor_must_pass_it_even_when_it_is_not_required(client, cast):
    sign_in(client, "officer_a")
    device, _codes = enrol(client)
    client.post("/accounts/logout/")
    sign_in(client, "officer_a")
    assert client.get("/")["Location"].startswith("/accounts/otp/verify/")
    assert client.post("/accounts/otp/verify/", {"code": code_for(device)}).status_code == 302
    assert client.get("/").status_code == 200


@required
def test_a_signed_in_user_without_the_factor_cannot_issue_an_api_token(client, cast):
    sign_in(client, "decider_a")
    response = client.post("/api/tokens/", {"name": "sync", "days": 30})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=cast.decider_a).exists()
    enrol(client)
    assert client.post("/api/tokens/", {"name": "sync", "days": 30}).status_code == 200
    assert ApiToken.objects.filter(user=cast.decider_a).count() == 1


def test_the_token_page_refuses_by_itself_without_the_middleware(client, cast, settings):
    # Both changes through the settings fixture: mixing it with override_settings would leak one.
    settings.PANAH_REQUIRE_OTP = True
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "panah.accounts.middleware.AccountMiddleware"]
    client.force_login(cast.decider_a)
    response = client.post("/api/tokens/", {"name": "sync", "days": 30})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/verify/")
    assert not ApiToken.objects.filter(user=cast.decider_a).exists()
    client.force_login(cast.officer_a)  # not required: issues as before
    assert client.post("/api/tokens/", {"name": "sync", "days": 30}).status_code == 200
    assert ApiToken.objects.filter(user=cast.officer_a).count() == 1


@required
def test_a_bearer_token_works_without_a_second_factor_session(cast):
    # The token was issued from a verified session; the API call itself carries no second factor.
    _token, secret = issue_token(by=None, user=cast.decider_a, name="sync")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/persons").status_code == 200


@required
@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        ("state_admin", True),
        ("sysadmin", True),
        ("partner_admin", False),
        ("officer_a", False),
        ("unhcr_officer", False),
    ],
)
def test_an_administrator_removes_a_lost_authenticator_and_the_user_enrols_again(cast, actor, allowed):
    from tests.accounts.admin_cast import make_admins

    admins = make_admins(cast)
    phone = Client()
    sign_in(phone, "decider_a")
    _device, codes = enrol(phone)
    admin_user = getattr(admins, actor, None) or getattr(cast, actor)
    admin = Client()
    admin.force_login(admin_user)
    with override_settings(PANAH_REQUIRE_OTP=False):  # the administrator's own factor is tested above
        page = admin.get(f"/accounts/users/{cast.decider_a.pk}/")
        response = admin.post(f"/accounts/users/{cast.decider_a.pk}/second-factor/reset/",
                              {"reason": "called back on the number in her file"})  # fmt: skip
    if not allowed:
        assert page.status_code == response.status_code == 404
        assert TOTPDevice.objects.filter(user=cast.decider_a, confirmed=True).exists()
        return
    assert "An authenticator is set up; 10 recovery codes left." in page.content.decode()
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.decider_a).exists()
    assert not StaticToken.objects.filter(device__user=cast.decider_a).exists()
    entry = AuditEntry.objects.filter(summary__startswith="reset the second factor").get()
    assert entry.summary.endswith("called back on the number in her file") and entry.user == admin_user
    assert entry.changes["devices_removed"] == 2 and entry.changes["sessions_ended"] >= 1
    # The phone's session is signed out; at the next sign-in she must enrol, and an old code is refused.
    assert phone.get("/").status_code == 302 and "/login/" in phone.get("/").url
    again = Client()
    sign_in(again, "decider_a")
    assert again.get("/").url.startswith("/accounts/otp/enrol/")
    # An old recovery code opens nothing: there is nothing left to verify against.
    assert again.post("/accounts/otp/verify/", {"code": codes[0]}).url.startswith("/accounts/otp/enrol/")
    assert again.get("/").url.startswith("/accounts/otp/enrol/")


def test_removing_a_second_factor_needs_a_reason(cast):
    from tests.accounts.admin_cast import make_admins

    admins = make_admins(cast)
    client = Client()
    client.force_login(admins.state_admin)
    response = client.post(f"/accounts/users/{cast.officer_a.pk}/second-factor/reset/", {"reason": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert not AuditEntry.objects.filter(summary__startswith="reset the second factor").exists()
