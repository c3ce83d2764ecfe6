import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from panah.accounts.models import Membership, Organisation, SharingAgreement, User, UserSession
from panah.accounts.permissions import GRANTABLE, require
from panah.accounts.roles import Action
from panah.accounts.services import set_organisation_regions
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.common import dates


class MembershipInline(admin.TabularInline):
    """Read-only: roles are given and ended on the user's page in Panah (`services.grant_membership`,
    `end_membership`), which check who may and audit it."""

    model = Membership
    extra = 0
    fields = ("organisation", "role", "region_codes", "valid_from", "valid_to")
    readonly_fields = fields

    @admin.display(description=_("regions"))
    def region_codes(self, obj: Membership) -> str:
        return ", ".join(obj.regions.values_list("code", flat=True))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    readonly_fields = ["must_change_password", "deactivated_on"]
    # Temporary passwords and deactivation go through the account pages, which audit them.
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (None, {"fields": ["must_change_password", "deactivated_on"]}))


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    """Read-only: sessions are ended from the account pages, which remove them from the session store."""

    list_display = ["user", "ip_address", "created_at", "last_seen_at"]
    search_fields = ["user__username", "ip_address"]
    readonly_fields = ["session_key", "user", "ip_address", "user_agent", "created_at", "last_seen_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(TranslationAdmin):
    """The regions an organisation covers go through `services.set_organisation_regions` (which narrows its
    memberships and audits the change); the rest of the row is audited here. The name is edited in each
    language (TranslationAdmin shows name_kk, name_ru, name_en)."""

    list_display = ["code", "name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name_kk", "name_ru", "name_en"]
    filter_horizontal = ["regions"]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        require(request.user, Action.MANAGE_ORGANISATIONS)
        super().save_model(request, obj, form, change)
        changed = [f for f in form.changed_data if f != "regions"]
        if changed or not change:
            record(
                by=request.user,
                action=AuditEntry.Action.ADMIN,
                obj=obj,
                organisation=obj,
                message="organisation_changed_admin" if change else "organisation_created_admin",
                params={"organisation": obj.code},
                changes={field: str(form.cleaned_data.get(field)) for field in changed},
            )

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        regions = form.cleaned_data.pop("regions", None)
        form.fields.pop("regions", None)  # saved by the service below, not by the form
        super().save_related(request, form, formsets, change)
        if regions is not None:
            set_organisation_regions(by=request.user, organisation=form.instance, regions=regions)


class SharingAgreementForm(forms.ModelForm):
    actions = forms.MultipleChoiceField(
        label=_("What the recipient may do"),
        choices=[(a.value, a.label) for a in Action if a.value in GRANTABLE],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SharingAgreement
        fields = ["provider", "recipient", "regions", "actions", "purpose", "reference", "valid_from", "valid_to"]
        field_classes = {"valid_from": dates.DateField, "valid_to": dates.DateField}  # one range for every date

    def clean_valid_to(self) -> dt.date:
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
    list_display = ["reference", "provider", "recipient", "actions", "valid_from", "valid_to"]
    list_filter = ["provider", "recipient"]
    filter_horizontal = ["regions"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record(
            by=request.user,
            action=AuditEntry.Action.ADMIN,
            obj=obj,
            message="agreement_changed_admin",
            params={"reference": obj.reference},
            changes={field: str(form.cleaned_data.get(field)) for field in form.changed_data},
        )
