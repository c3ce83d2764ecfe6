from django import forms
from django.utils.translation import gettext_lazy as _

from panah.registry.forms import DayField
from panah.status.models import ApplicationType, EventKind

RECORDABLE = [(k, label) for k, label in EventKind.choices if k != EventKind.RETRACTION]


class StatusEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Event"), choices=[("", "—"), *RECORDABLE])
    effective = DayField(label=_("Effective from (decision date)"))
    application_type = forms.ChoiceField(
        label=_("Application"),
        choices=[("", "—"), *ApplicationType.choices],
        required=False,
        help_text=_("Only for asylum applications"),
    )
    decision_reference = forms.CharField(label=_("Decision or document reference"), max_length=100, required=False)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CorrectionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Correct to"),
        required=False,
        choices=[("", _("— retract the event: it was recorded in error —")), *RECORDABLE],
    )
    effective = DayField(label=_("Corrected effective date"), required=False)
    reason = forms.CharField(label=_("Why is it corrected?"), widget=forms.Textarea(attrs={"rows": 3}))
