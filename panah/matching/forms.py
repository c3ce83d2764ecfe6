from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from panah.matching.models import PairState, Source
from panah.registry.models import Person


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("any")), *PairState.choices],
        required=False,
        initial=PairState.OPEN,
    )
    source = forms.ChoiceField(label=_("Found by"), choices=[("", _("any")), *Source.choices], required=False)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        # With no filter chosen yet the queue shows the open pairs.
        if data is not None and "state" not in data:
            data = data.copy()
            data["state"] = PairState.OPEN
        super().__init__(data, **kwargs)


class DecisionForm(forms.Form):
    """Same / Not the same / Unsure are three submit buttons named "decision"."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(PairState.SAME, _("Same")), (PairState.NOT_SAME, _("Not the same")), (PairState.UNSURE, _("Unsure"))],
        error_messages={"required": _("Choose the same, not the same or unsure.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        help_text=_("What decided it, for the next reviewer: a document seen, a call to the family."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )


class MergeForm(forms.Form):
    survivor = forms.ChoiceField(
        label=_("Which record survives?"),
        help_text=_("The other record's number will lead to the surviving one."),
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why are these the same person?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": _("Say why these records are the same person.")},
    )

    def __init__(self, *args: Any, persons: tuple[Person, Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persons = {str(p.pk): p for p in persons}
        self.fields["survivor"].choices = [
            (str(p.pk), f"{p.registration_number} · {_('registered')} {p.created_at:%d.%m.%Y}") for p in persons
        ]

    def chosen(self) -> tuple[Person, Person]:
        """(survivor, merged)."""
        survivor = self.persons[self.cleaned_data["survivor"]]
        merged = next(p for pk, p in self.persons.items() if pk != self.cleaned_data["survivor"])
        return survivor, merged


class UnmergeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why undo this merge?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": _("Say why the merge is undone.")},
    )
