"""Every account URL that names a user or a session answers 404 (or 403, 405) to a caller who does not
administer that user, by GET and by POST, and changes nothing."""

import pytest
from django.test import Client
from django.urls import get_resolver

from panah.accounts.models import User, UserSession
from panah.audit.models import AuditEntry
from tests.accounts.admin_cast import signed_in


def account_urls_with_an_id() -> set[str]:
    resolver = get_resolver().url_patterns
    accounts = next(p for p in resolver if getattr(p, "namespace", None) == "accounts")
    return {f"accounts:{p.name}" for p in accounts.url_patterns if "<" in str(p.pattern)}


@pytest.mark.parametrize("attacker", ["officer_a", "lawyer", "decider_a", "unhcr_officer"])
def test_no_account_url_reaches_another_user(cast, attacker):
    victim = signed_in("officer_b", REMOTE_ADDR="10.0.0.9")
    row = UserSession.objects.get(user=cast.officer_b)
    b = cast.officer_b.pk
    membership = cast.officer_b.memberships.get().pk
    paths = {
        "accounts:user_detail": f"/accounts/users/{b}/",
        "accounts:user_password": f"/accounts/users/{b}/password/",
        "accounts:user_deactivate": f"/accounts/users/{b}/deactivate/",
        "accounts:user_reactivate": f"/accounts/users/{b}/reactivate/",
        "accounts:user_reset_second_factor": f"/accounts/users/{b}/second-factor/reset/",
        "accounts:user_end_session": f"/accounts/users/{b}/sessions/{row.pk}/end/",
        "accounts:user_membership": f"/accounts/users/{b}/memberships/",
        "accounts:user_end_membership": f"/accounts/users/{b}/memberships/{membership}/end/",
        "accounts:end_own_session": f"/accounts/sessions/{row.pk}/end/",
    }
    assert set(paths) == account_urls_with_an_id(), "a new account URL: add it here"
    client = Client()
    client.force_login(getattr(cast, attacker))
    before = AuditEntry.objects.exclude(action__in=["login", "refused"]).count()
    reached = {}
    for name, path in paths.items():
        for method in ("get", "post"):
            data = {"password1": "Another-Pass-2026", "password2": "Another-Pass-2026"} if method == "post" else {}
            status = getattr(client, method)(path, data).status_code
            if status not in (403, 404, 405):
                reached[f"{method.upper()} {path} ({name})"] = status
    assert reached == {}
    assert AuditEntry.objects.exclude(action__in=["login", "refused"]).count() == before
    refused = AuditEntry.objects.filter(action="refused", user=getattr(cast, attacker))
    assert refused.count() >= len(paths) - 1, "every attempt on another user is audited as refused"
    user = User.objects.get(pk=b)
    assert user.is_active and not user.must_change_password
    assert cast.officer_b.memberships.get().valid_to is None
    assert victim.get("/").status_code == 200
