from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from panah.accounts.models import Membership, Organisation, User
from panah.cases.models import ConditionKind, ObstacleKind
from panah.cases.workflows import CaseKind, Workflow
from panah.geo.models import Region
from panah.registry.forms import DayField


class OpenCaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of case"), choices=CaseKind.choices)
    opened_on = DayField(label=_("Opened on (for an application: the day it was registered)"))
    arrival_date = DayField(
        label=_("Arrived in Kazakhstan on"),
        required=False,
        help_text=_("Asylum only: to check the time limit for lodging"),
    )
    reference = forms.CharField(label=_("File reference"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the kinds the caller's organisation may open for this person (a partner opens no state procedure).
        self.fields["kind"].choices = [(k, label) for k, label in CaseKind.choices if k in kinds]


class TransitionForm(forms.Form):
    transition = forms.ChoiceField(label=_("Step"))
    effective = DayField(label=_("Date (of the decision or event)"))
    decision_reference = forms.CharField(label=_("Decision or document reference"), max_length=100, required=False)
    note = forms.CharField(label=_("Reason or note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, workflow: Workflow, steps: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every step of the kind validates, so that a step no longer allowed (a stale page, or one outside
        # the caller's authority) reaches the service and is refused with its reason; the list shows only
        # the steps the caller may take now.
        self.fields["transition"].choices = [("", "—"), *((t.name, t.label) for t in workflow.transitions)]
        self.fields["transition"].widget.choices = [("", "—"), *((t.name, t.label) for t in steps)]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = DayField(label=_("Due on"), required=False)


class TransferForm(forms.Form):
    region = forms.ModelChoiceField(label=_("To region"), queryset=Region.objects.none())
    organisation = forms.ModelChoiceField(
        label=_("To organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Leave empty to keep the organisation"),
    )
    effective = DayField(label=_("Transferred on"))
    note = forms.CharField(label=_("Why is the case transferred?"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, today: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.valid_on(today)
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True)


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(
        label=_("Officer"), queryset=User.objects.none(), required=False, help_text=_("Leave empty to unassign")
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Membership.objects.active().filter(organisation_id=organisation_id).values("user_id")
        self.fields["officer"].queryset = User.objects.filter(pk__in=members, is_active=True).order_by("username")
        self.fields["officer"].label_from_instance = lambda u: u.get_full_name() or u.username


class ObstacleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Obstacle"), choices=ObstacleKind.choices)
    found_on = DayField(label=_("Found on"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ConditionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Condition"), choices=ConditionKind.choices)
    met_on = DayField(label=_("Met on"))
    until = DayField(label=_("Valid until"), required=False)
    reference = forms.CharField(label=_("Document reference"), max_length=100, required=False)
