from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _


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

    def clean(self) -> dict:
        data = super().clean()
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
