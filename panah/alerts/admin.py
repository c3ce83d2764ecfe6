"""The delivery log for administrators: read-only, as it is a record of what was sent."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from panah.alerts.messages import kind_text, reason_text
from panah.alerts.models import DeliveryLog


@admin.register(DeliveryLog)
class DeliveryLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "for_day", "channel", "what", "recipient", "status", "why", "items"]
    list_filter = ["status", "channel", "for_day"]
    search_fields = ["recipient"]
    date_hierarchy = "created_at"

    @admin.display(description=_("message"))
    def what(self, entry: DeliveryLog) -> str:
        return kind_text(entry.message)

    @admin.display(description=_("reason"))
    def why(self, entry: DeliveryLog) -> str:
        return reason_text(entry.reason)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
