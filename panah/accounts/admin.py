from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from panah.accounts.models import Membership, Organisation, SharingAgreement, User, UserSession
from panah.audit.models import AuditEntry
from panah.audit.services import record


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


class SharingAgreementForm(forms.ModelForm):
    class Meta:
        model = SharingAgreement
        fields = ["provider", "recipient", "regions", "purpose", "reference", "valid_from", "valid_to"]

    def clean_valid_to(self):  # type: ignore[no-untyped-def]
        valid_to = self.cleaned_data.get("valid_to")
        if valid_to is None:
            raise forms.ValidationError(_("An agreement needs an end date: sharing is reviewed when it expires."))
        return valid_to


@admin.register(SharingAgreement)
class SharingAgreementAdmin(admin.ModelAdmin):
    """Agreements are recorded on the data-protection page (`privacy.services.record_agreement`, which
    checks and audits them); here they can be read, and corrected or ended, always with an end date.
    They are never deleted: they explain what was shared when."""

    form = SharingAgreementForm
    list_display = ["reference", "provider", "recipient", "valid_from", "valid_to"]
    list_filter = ["provider", "recipient"]
    filter_horizontal = ["regions"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        record(
            by=request.user,
            action=AuditEntry.Action.ADMIN,
            obj=obj,
            summary=f"changed data-sharing agreement {obj.reference} in the admin",
            changes={field: str(form.cleaned_data.get(field)) for field in form.changed_data},
        )
