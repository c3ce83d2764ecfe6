from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from panah.alerts.models import MAX_DAYS_AHEAD, AlertKind, Frequency


class PreferenceForm(forms.Form):
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices, widget=forms.RadioSelect)
    kinds = forms.MultipleChoiceField(
        label=_("What to include"), choices=AlertKind.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    days_ahead = forms.IntegerField(
        label=_("Days ahead"),
        min_value=1,
        max_value=MAX_DAYS_AHEAD,
        help_text=_("Deadlines and document expiry within this many days are included."),
    )
    language = forms.ChoiceField(label=_("Language of the messages"), choices=settings.LANGUAGES)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("frequency") not in (None, Frequency.OFF) and not data.get("kinds"):
            self.add_error("kinds", _("Choose at least one thing to include, or switch the messages off."))
        return data


class CaseloadForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)
    days = forms.IntegerField(
        label=_("Documents expiring within (days)"), min_value=1, max_value=365, initial=30, required=False
    )

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All my regions")), *regions]
