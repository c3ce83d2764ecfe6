import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.appointments.models import AppointmentKind
from panah.common import dates


class WhenForm(forms.Form):
    day = dates.DateField(label=_("Day"))
    time = forms.TimeField(
        label=_("Time"),
        input_formats=["%H:%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": _("hh:mm"), "inputmode": "numeric", "size": "5"}),
        error_messages={"invalid": _("Write the time as hh:mm, for example 09:30.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day") and data.get("time"):
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(data["day"], data["time"]))
        return data


class AppointmentForm(WhenForm):
    kind = forms.ChoiceField(label=_("Kind of appointment"), choices=AppointmentKind.choices)
    minutes = forms.IntegerField(label=_("Duration in minutes"), min_value=5, max_value=600, initial=60)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    serves_deadline = forms.BooleanField(label=_("It serves the case's next deadline"), required=False, initial=True)

    field_order = ["kind", "day", "time", "minutes", "place", "serves_deadline"]
