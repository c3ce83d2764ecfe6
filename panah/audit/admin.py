from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from panah.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the admin can search the log but never add, change or delete an entry."""

    list_display = ["at", "username", "organisation", "action", "object_type", "person_number", "summary", "channel"]
    list_filter = ["action", "channel", "organisation"]
    search_fields = ["username", "person_number", "summary", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
