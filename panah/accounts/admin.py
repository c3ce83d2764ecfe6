from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from panah.accounts.models import Membership, Organisation, SharingAgreement, User, UserSession


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    filter_horizontal = ["regions"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    readonly_fields = ["must_change_password", "deactivated_on"]
    # Temporary passwords and deactivation go through the account pages, which audit them.
    fieldsets = (*DjangoUserAdmin.fieldsets, (None, {"fields": ["must_change_password", "deactivated_on"]}))


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    """Read-only: sessions are ended from the account pages, which remove them from the session store."""

    list_display = ["user", "ip_address", "created_at", "last_seen_at"]
    search_fields = ["user__username", "ip_address"]
    readonly_fields = ["session_key", "user", "ip_address", "user_agent", "created_at", "last_seen_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["regions"]


@admin.register(SharingAgreement)
class SharingAgreementAdmin(admin.ModelAdmin):
    list_display = ["reference", "provider", "recipient", "valid_from", "valid_to"]
    list_filter = ["provider", "recipient"]
    filter_horizontal = ["regions"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not obj.recorded_by_id:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
