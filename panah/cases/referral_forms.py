import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from panah.cases.referral_workflow import STEPS, ReferralKind, ReferralStep
from panah.knowledge.models import PartnerProject
from panah.registry.forms import DayField
from panah.registry.models import Consent


class ReferForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Partner project"), queryset=PartnerProject.objects.none())
    kind = forms.ChoiceField(label=_("Kind of assistance"), choices=[("", "—"), *ReferralKind.choices])
    household = forms.BooleanField(
        label=_("Refer the whole household"),
        required=False,
        help_text=_("Its current members are shared; each adult needs a consent valid today."),
    )
    consent = forms.ModelChoiceField(
        label=_("Consent to share data with partners"),
        queryset=Consent._base_manager.none(),  # set per person in __init__, inside the scope
        required=False,
        help_text=_("The person's consent this referral relies on"),
    )
    needs = forms.CharField(
        label=_("Needs stated in the referral"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The partner sees this text, the name, number, sex and age: write only what it needs."),
    )

    def __init__(self, *args: Any, person: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            PartnerProject.objects.filter(organisation__isnull=False, regions=person.region_id, starts_on__lte=today)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
            .order_by("partner", "title")
        )
        self.fields["consent"].queryset = (
            Consent.objects.filter(person=person, given_on__lte=today)
            .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
            .order_by("-given_on", "-id")
        )
        self.fields["consent"].label_from_instance = lambda c: f"{c.purpose} ({c.given_on:%d.%m.%Y})"
        self.fields["consent"].empty_label = "—"


class ReferralStepForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"))
    effective = DayField(label=_("Date"))
    reason = forms.CharField(
        label=_("Reason or note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Required to decline or complete"),
    )

    def __init__(self, *args: Any, steps: list[ReferralStep], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every step validates, so a stale page reaches the service and is refused with its reason.
        self.fields["step"].choices = [(s.name, s.label) for s in STEPS]
        self.fields["step"].widget.choices = [(s.name, s.label) for s in steps]


class DeliveryForm(forms.Form):
    delivered_on = DayField(label=_("Delivered on"))
    service = forms.CharField(label=_("Service"), max_length=200)
    delivered_by = forms.CharField(
        label=_("Delivered by"), max_length=200, required=False, help_text=_("Leave empty for yourself")
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
