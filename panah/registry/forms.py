import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from panah.common import dates
from panah.geo.models import Country, Region
from panah.registry.models import (
    CitizenshipStatus,
    Consent,
    DatePrecision,
    DocumentType,
    Relationship,
    Sex,
    SpecificNeedCode,
)

_FORMATS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{1,2})[./-](\d{4})$"), "month_first"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month_iso"),
    (re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$"), "day_first"),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), "day_iso"),
)


def parse_approximate_date(text: str) -> tuple[dt.date, str]:
    """Read a date as people write it: 1990, 03.1990, 1990-03, 15.03.1990, 1990-03-15, 15/03/1990."""
    text = text.strip()
    for pattern, form in _FORMATS:
        match = pattern.match(text)
        if not match:
            continue
        parts = [int(p) for p in match.groups()]
        try:
            if form == "year":
                return dt.date(parts[0], 1, 1), DatePrecision.YEAR
            if form == "month_first":
                return dt.date(parts[1], parts[0], 1), DatePrecision.MONTH
            if form == "month_iso":
                return dt.date(parts[0], parts[1], 1), DatePrecision.MONTH
            if form == "day_first":
                return dt.date(parts[2], parts[1], parts[0]), DatePrecision.DAY
            return dt.date(parts[0], parts[1], parts[2]), DatePrecision.DAY
        except ValueError as error:
            raise ValidationError(_("“%(value)s” is not a real date."), params={"value": text}) from error
    raise ValidationError(
        _("Write the date as dd.mm.yyyy, mm.yyyy or yyyy (for example 15.03.1990 or 1990)."), code="format"
    )


def format_approximate_date(value: dt.date | None, precision: str) -> str:
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return f"{value.month:02d}.{value.year}"
    return value.strftime("%d.%m.%Y")


class ApproximateDateField(forms.CharField):
    """A date with its precision: cleans to (date, precision) or None."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", _("dd.mm.yyyy, or mm.yyyy, or only the year"))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> tuple[dt.date, str] | None:
        text = super().clean(value)
        return parse_approximate_date(text) if text else None


DayField = dates.DateField  # the name the registry's and the cases' forms know it by


CITIZENSHIP_SPECIAL = [
    ("", _("— not known —")),
    (CitizenshipStatus.STATELESS, _("stateless")),
    (CitizenshipStatus.UNDETERMINED, _("undetermined")),
]


def country_choices() -> list[tuple[str, str]]:
    return [(c.alpha3, c.name) for c in sorted(Country.objects.all(), key=lambda c: c.name)]


class PersonFieldsForm(forms.Form):
    """The person's own fields, shared by registration and editing."""

    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("— not known —")), *Sex.choices], required=False)
    birth = ApproximateDateField(label=_("Birth date"), required=False)
    birth_date_estimated = forms.BooleanField(label=_("The birth date is estimated"), required=False)
    birth_place = forms.CharField(label=_("Place of birth"), max_length=200, required=False)
    birth_country = forms.ChoiceField(label=_("Country of birth"), required=False)
    country_of_origin = forms.ChoiceField(label=_("Country of origin"), required=False)
    citizenship = forms.ChoiceField(label=_("Citizenship"), required=False)
    iin = forms.CharField(
        label=_("IIN"), max_length=14, required=False, help_text=_("12 digits, if the person has one")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = country_choices()
        self.fields["birth_country"].choices = [("", "—"), *countries]
        self.fields["country_of_origin"].choices = [("", "—"), *countries]
        self.fields["citizenship"].choices = [*CITIZENSHIP_SPECIAL, (_("Country"), countries)]

    @staticmethod
    def initial_from(person: Any) -> dict[str, Any]:
        if person.citizenship_status == CitizenshipStatus.COUNTRY:
            citizenship = person.citizenship_id
        elif person.citizenship_status == CitizenshipStatus.UNKNOWN:
            citizenship = ""
        else:
            citizenship = person.citizenship_status
        return {
            "sex": person.sex,
            "birth": format_approximate_date(person.birth_date, person.birth_date_precision),
            "birth_date_estimated": person.birth_date_estimated,
            "birth_place": person.birth_place,
            "birth_country": person.birth_country_id or "",
            "country_of_origin": person.country_of_origin_id or "",
            "citizenship": citizenship,
            "iin": person.iin,
        }

    def person_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        birth = data.get("birth")
        citizenship = data.get("citizenship") or ""
        if citizenship in (CitizenshipStatus.STATELESS, CitizenshipStatus.UNDETERMINED):
            status, country = citizenship, None
        elif citizenship:
            status, country = CitizenshipStatus.COUNTRY, Country.objects.get(pk=citizenship)
        else:
            status, country = CitizenshipStatus.UNKNOWN, None
        return {
            "sex": data.get("sex") or "",
            "birth_date": birth[0] if birth else None,
            "birth_date_precision": birth[1] if birth else DatePrecision.DAY,
            "birth_date_estimated": bool(data.get("birth_date_estimated")),
            "birth_place": data.get("birth_place", ""),
            "birth_country": Country.objects.filter(pk=data.get("birth_country") or None).first(),
            "country_of_origin": Country.objects.filter(pk=data.get("country_of_origin") or None).first(),
            "citizenship_status": status,
            "citizenship": country,
            "iin": "".join((data.get("iin") or "").split()),
        }


NAME_ROWS = (
    ("cyrl", _("Name in Cyrillic")),
    ("latn", _("Name in Latin script")),
    ("arab", _("Name in Arabic script (Dari, Pashto, Arabic), as written on documents")),
)


class NamesForm(forms.Form):
    """One row of name parts per script; at least one name is required."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for script, _label in NAME_ROWS:
            if script == "arab":
                self.fields["arab_full_name"] = forms.CharField(
                    label=_("Full name"),
                    max_length=300,
                    required=False,
                    widget=forms.TextInput(attrs={"dir": "rtl", "lang": "fa"}),
                )
                continue
            self.fields[f"{script}_family_name"] = forms.CharField(
                label=_("Family name"), max_length=100, required=False
            )
            self.fields[f"{script}_given_name"] = forms.CharField(label=_("Given name"), max_length=100, required=False)
            self.fields[f"{script}_patronymic"] = forms.CharField(
                label=_("Patronymic or father's name"), max_length=100, required=False
            )

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(label), [self[n] for n in self.fields if n.startswith(script)]) for script, label in NAME_ROWS]

    @staticmethod
    def initial_from(names: Any) -> dict[str, str]:
        initial: dict[str, str] = {}
        for name in names:
            if name.script == "arab" and "arab_full_name" not in initial:
                initial["arab_full_name"] = name.full_name or name.display
            elif name.script in ("cyrl", "latn") and f"{name.script}_family_name" not in initial:
                initial[f"{name.script}_family_name"] = name.family_name
                initial[f"{name.script}_given_name"] = name.given_name
                initial[f"{name.script}_patronymic"] = name.patronymic
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any(str(v).strip() for v in data.values()):
            raise ValidationError(_("Give the person's name in at least one script."), code="no_name")
        return data

    def name_values(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        rows = []
        for script in ("cyrl", "latn"):
            parts = {p: data.get(f"{script}_{p}", "").strip() for p in ("given_name", "family_name", "patronymic")}
            if any(parts.values()):
                rows.append({"script": script, "kind": "official", **parts})
        if data.get("arab_full_name", "").strip():
            rows.append({"script": "arab", "kind": "original", "full_name": data["arab_full_name"].strip()})
        return rows


class AddressForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), empty_label="—")
    locality = forms.CharField(label=_("Town or village"), max_length=120, required=False)
    line = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    def __init__(self, *args: Any, regions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else Region.objects.all()


class DocumentForm(forms.Form):
    type = forms.ChoiceField(label=_("Document type"), choices=[("", "—"), *DocumentType.choices], required=False)
    number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    valid_from = DayField(label=_("Valid from"), required=False)
    valid_to = DayField(label=_("Valid to"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("number") and not data.get("type"):
            self.add_error("type", _("Choose the type of the document."))
        if data.get("type") and not data.get("number"):
            self.add_error("number", _("Give the document number."))
        if data.get("valid_from") and data.get("valid_to") and data["valid_to"] < data["valid_from"]:
            self.add_error("valid_to", _("“Valid to” cannot be before “valid from”."))
        return data

    def document_values(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        if not data.get("number"):
            return []
        return [{k: data.get(k) for k in ("type", "number", "valid_from", "valid_to")}]


class ConsentForm(forms.Form):
    consent_purpose = forms.CharField(
        label=_("Purpose the person was told of"),
        max_length=200,
        required=False,
        initial=_("Registration, protection and assistance"),
    )
    consent_basis = forms.ChoiceField(label=_("Legal basis"), choices=Consent.LegalBasis.choices, required=False)
    # Without it Panah never writes to the person (panah.alerts.sms); the label is the model field's, so it reads
    # the same in every language as on the person's page.
    contact_by_sms = forms.BooleanField(
        label=capfirst(Consent._meta.get_field("contact_by_sms").verbose_name), required=False
    )


def apply_service_errors(error: ValidationError, forms_by_field: dict[str, forms.Form]) -> None:
    """Show a service's ValidationError beside the field it names, on whichever form holds that field."""
    aliases = {"birth_date": "birth", "citizenship_status": "citizenship", "birth_date_precision": "birth"}
    messages = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    fallback = next(iter(forms_by_field.values()))
    for field, texts in messages.items():
        field = aliases.get(field, field)
        form = forms_by_field.get(field, fallback)
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


class NewDocumentForm(DocumentForm):
    issuer = forms.CharField(label=_("Issued by"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].required = True
        self.fields["number"].required = True


class MoveForm(AddressForm):
    valid_from = DayField(label=_("Lives here since"))


class SpecificNeedForm(forms.Form):
    code = forms.ModelChoiceField(label=_("Specific need"), queryset=SpecificNeedCode.objects.none())
    identified_on = DayField(label=_("Identified on"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].queryset = SpecificNeedCode.objects.filter(code__contains="-")
        self.fields["code"].label_from_instance = lambda c: f"{c.code} — {c.label}"


class HouseholdForm(forms.Form):
    head = forms.CharField(label=_("Registration number of the head of household"), max_length=20)
    relationship = forms.ChoiceField(
        label=_("Relationship to the head"), choices=[c for c in Relationship.choices if c[0] != Relationship.HEAD]
    )
    since = DayField(label=_("Member since"))
