"""Notice templates are edited in the admin; a save never changes a version: it adds the next one, audited."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest

from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.notices.models import NoticeTemplate


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(admin.ModelAdmin):
    list_display = ("kind", "language", "version", "valid_from", "created_at", "created_by")
    list_filter = ("kind", "language")
    readonly_fields = ("version", "created_at", "created_by")
    fields = ("kind", "language", "valid_from", "body", "version", "created_at", "created_by")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # issued notices name the version they were rendered from

    def save_model(self, request: HttpRequest, obj: NoticeTemplate, form: Any, change: bool) -> None:
        with transaction.atomic():
            # Two saves at once: the unique (kind, language, version) refuses the second.
            latest = NoticeTemplate.objects.filter(kind=obj.kind, language=obj.language).aggregate(v=Max("version"))[
                "v"
            ]
            obj.pk = None  # a change is a new version; the one it changes stays as it was
            obj._state.adding = True
            obj.version = (latest or 0) + 1
            obj.created_by = request.user
            obj.save()
            record(
                by=request.user, action=AuditEntry.Action.ADMIN, obj=obj, message="notice_template_saved",
                params={"version": obj.version, "language": obj.language, "kind": obj.kind},
            )  # fmt: skip
