import subprocess
import sys

from django.conf import settings

from tests.factories import PASSWORD


def test_production_settings_hash_passwords_with_argon2():
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; import django; django.setup(); "
            "print(settings.PASSWORD_HASHERS[0]); print(settings.DEBUG); print(settings.SESSION_COOKIE_SECURE)",
        ],
        env={"DJANGO_SETTINGS_MODULE": "panah.settings", "PANAH_SECRET_KEY": "x" * 50, "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["django.contrib.auth.hashers.Argon2PasswordHasher", "False", "True"]


def test_settings_refuse_to_start_without_a_secret_key_outside_development():
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.DEBUG"],
        env={"DJANGO_SETTINGS_MODULE": "panah.settings", "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "PANAH_SECRET_KEY is not set" in result.stderr


def test_sessions_expire_after_inactivity_and_on_browser_close():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_five_failed_sign_ins_lock_the_account_even_with_the_right_password(client, cast):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "officer_a", "password": "wrong password"})
    response = client.post("/accounts/login/", {"username": "officer_a", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    other = client.post("/accounts/login/", {"username": "officer_b", "password": PASSWORD})
    assert other.status_code == 302


def test_pages_need_a_signed_in_user(client, cast):
    response = client.get(f"/persons/{cast.person_a.registration_number}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
