from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.accounts.models import Organisation
from panah.accounts.roles import Role
from panah.geo.models import Region


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code shown by the app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}),
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class TemporaryPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Temporary password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Temporary password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Reason (kept in the audit log)"), max_length=200, required=False)


class ResetSecondFactorForm(forms.Form):
    reason = forms.CharField(
        label=_("How you confirmed who is asking (kept in the audit log)"),
        help_text=_("For example: called back on the number in their file; came to the office with their ID."),
        max_length=200,
    )


class ReactivateForm(forms.Form):
    restore_memberships = forms.BooleanField(
        label=_("Give back the roles that ended at deactivation"), required=False, initial=True
    )


class MembershipForm(forms.Form):
    """A role in an organisation, in some of its regions: the organisations offered are those the
    administrator gives roles in; the regions are checked against the organisation by the service."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only regions the organisation covers."),
    )

    def __init__(self, *args: Any, organisations: Any, system_admin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation, regions = self.fields["organisation"], self.fields["regions"]
        assert isinstance(organisation, forms.ModelChoiceField) and isinstance(regions, forms.ModelChoiceField)
        organisation.queryset = organisations
        regions.queryset = Region.objects.valid_on(timezone.localdate())
        if not system_admin:
            role = self.fields["role"]
            assert isinstance(role, forms.ChoiceField)
            role.choices = [c for c in Role.choices if c[0] != Role.SYSTEM_ADMIN]


class NewUserForm(MembershipForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("Given name"), max_length=150)
    last_name = forms.CharField(label=_("Family name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password1 = TemporaryPasswordForm.base_fields["password1"]
    password2 = TemporaryPasswordForm.base_fields["password2"]
    field_order = ["username", "first_name", "last_name", "email", "organisation", "role", "regions"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class EndMembershipForm(forms.Form):
    reason = forms.CharField(label=_("Reason (kept in the audit log)"), max_length=200, required=False)
