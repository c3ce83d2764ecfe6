from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.accounts.models import Organisation
from panah.accounts.permissions import DEFAULT_AGREEMENT_ACTIONS, GRANTABLE
from panah.accounts.roles import Action
from panah.common import dates
from panah.geo.models import Region
from panah.privacy.models import RequestChannel, RequestKind


class SubjectRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Request"), choices=RequestKind.choices)
    received_on = dates.DateField(label=_("Received on"), initial=timezone.localdate)
    channel = forms.ChoiceField(label=_("Channel"), choices=RequestChannel.choices)
    identity_checked = forms.BooleanField(label=_("Identity checked"), required=False)
    identity_evidence = forms.CharField(
        label=_("How the identity was checked"),
        max_length=200,
        required=False,
        help_text=_("For example: refugee certificate seen. Do not copy the document number."),
    )
    details = forms.CharField(label=_("What the person asks"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a correction: which fields were corrected on the person's pages."),
    )


class RefusalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for refusal"), widget=forms.Textarea(attrs={"rows": 3}))


class AnonymiseForm(forms.Form):
    number = forms.CharField(
        label=_("Type the registration number again"),
        max_length=20,
        help_text=_("Anonymisation cannot be undone."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: object, expected: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.expected = expected

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip().upper()
        if number != self.expected:
            raise forms.ValidationError(_("This is not the registration number of this person."))
        return number


class AgreementForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Organisation.objects.none())
    recipient = forms.ModelChoiceField(label=_("Recipient"), queryset=Organisation.objects.filter(is_active=True))
    regions = forms.ModelMultipleChoiceField(label=_("Regions shared"), queryset=Region.objects.none())
    actions = forms.MultipleChoiceField(
        label=_("What the recipient may do"),
        choices=[(a.value, a.label) for a in Action if a.value in GRANTABLE],
        initial=list(DEFAULT_AGREEMENT_ACTIONS),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Decisions on status and on cases stay with the competent state body: no agreement grants them."),
    )
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}))
    reference = forms.CharField(label=_("Agreement reference"), max_length=100)
    valid_from = dates.DateField(label=_("Valid from"), initial=timezone.localdate)
    valid_to = dates.DateField(
        label=_("Valid until"), help_text=_("Required: sharing is reviewed when it expires.")
    )

    def __init__(self, *args: object, providers: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["regions"].queryset = Region.objects.valid_on(timezone.localdate())  # type: ignore[attr-defined]
