from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from panah.accounts.models import Membership, Organisation, SharingAgreement, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    filter_horizontal = ["regions"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]


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
