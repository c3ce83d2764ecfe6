"""Notice templates are data an administrator edits in the admin: a save adds a new version (the old one
stays, as issued notices name it) and an audit entry; a notice uses the version in force on its decision date."""

import datetime as dt

from django.test import Client

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.notices import services
from panah.notices.models import NoticeTemplate


def test_saving_a_template_in_the_admin_adds_a_version_and_an_audit_entry(cast):
    shipped = NoticeTemplate.objects.get(kind="decision", language="ru", version=1)
    client = Client()
    client.force_login(cast.sysadmin)
    cast.sysadmin.is_staff = cast.sysadmin.is_superuser = True
    cast.sysadmin.save()
    response = client.post(
        f"/admin/notices/noticetemplate/{shipped.pk}/change/",
        {
            "kind": "decision",
            "language": "ru",
            "valid_from": "2025-01-01",
            "body": "<h1>Новый текст</h1> {{ decision }}",
        },
    )
    assert response.status_code == 302, [line for line in response.content.decode().splitlines() if "errorlist" in line]
    versions = list(NoticeTemplate.objects.filter(kind="decision", language="ru").order_by("version"))
    assert [(t.version, t.valid_from) for t in versions] == [(1, dt.date(2000, 1, 1)), (2, dt.date(2025, 1, 1))]
    assert versions[0].body == shipped.body
    assert AuditEntry.objects.filter(message="notice_template_saved", object_id=str(versions[1].pk)).exists()
    assert services.template_for("decision", "ru", dt.date(2024, 12, 31)).version == 1
    assert services.template_for("decision", "ru", dt.date(2025, 1, 1)).version == 2


def test_every_shipped_template_renders_every_variable_without_error(db):
    variables = dict.fromkeys(services.VARIABLES, "X")
    for template in NoticeTemplate.objects.all():
        for outcome in ("granted", "refused", "other"):
            assert services.render_body(template, {**variables, "outcome": outcome}).strip()
    assert NoticeTemplate.objects.count() == 10
    with unscoped("test"):
        assert not AuditEntry.objects.filter(message="notice_template_saved").exists()
