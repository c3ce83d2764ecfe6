"""Sharing agreements grant actions, not only visibility (the authorisation policy's AGREEMENT basis).

An agreement recorded before shared the provider's persons to see: it keeps exactly that
(`view_person`); what more it should grant is the provider's administrators' decision."""

from typing import Any

from django.db import migrations, models


def grant_what_was_shared(apps: Any, schema_editor: Any) -> None:
    SharingAgreement = apps.get_model("accounts", "SharingAgreement")
    SharingAgreement.objects.filter(actions=[]).update(actions=["view_person"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_password_reset_deactivation_sessions"),
    ]

    operations = [
        migrations.AddField(
            model_name="sharingagreement",
            name="actions",
            field=models.JSONField(default=list, verbose_name="actions granted"),
        ),
        migrations.RunPython(grant_what_was_shared, migrations.RunPython.noop),
    ]
