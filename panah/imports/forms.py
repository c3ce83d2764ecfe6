import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from panah.accounts.models import Organisation
from panah.imports import values
from panah.imports.columns import COLUMNS
from panah.imports.mapping import ImportMapping
from panah.imports.messages import column_label, rows_phrase
from panah.imports.selectors import registering_organisations
from panah.imports.validate import Report
from panah.registry.forms import DayField

MAX_UPLOAD = 50 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Person file"),
        help_text=_(
            "A sheet as the department keeps it: XLSX, XLS, ODS or CSV (any encoding, comma, semicolon or tab), "
            "or the JSON export of the household registration form (KoboToolbox, ODK Central)"
        ),
    )
    organisation = forms.ModelChoiceField(label=_("Registering organisation"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = registering_organisations(user)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk
            self.fields["organisation"].widget = forms.HiddenInput()
        else:
            self.fields["organisation"].initial = _default_organisation(user, organisations)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB: split it into several files."))
        return upload


def value_choices(column: str) -> list[tuple[str, str]]:
    """The codes a value of `column` may be mapped to, named in the reader's language."""
    from panah.geo.models import Country, Region
    from panah.registry.models import DocumentType, PopulationType, Relationship, Sex

    if column == "region":
        regions = Region.objects.valid_on(timezone.localdate())
        return sorted(((r.code, r.name) for r in regions), key=lambda pair: pair[1])
    countries = sorted(((c.alpha3, c.name) for c in Country.objects.all()), key=lambda pair: pair[1])
    if column == "country_of_origin":
        return countries
    if column == "citizenship":
        return [("STATELESS", str(_("stateless"))), ("UNDETERMINED", str(_("undetermined"))), *countries]
    named = {
        "sex": Sex.choices,
        "population_type": PopulationType.choices,
        "document_type": DocumentType.choices,
        "relationship_to_head": Relationship.choices,
    }[column]
    allowed = set(values.choices(column))
    return [(code, str(label)) for code, label in named if code in allowed]


def column_choices() -> list[tuple[str, str]]:
    return [("", str(_("— not imported —"))), *((c, column_label(c)) for c in COLUMNS)]


class ReadingForm(forms.Form):
    """How to read a checked file: the sheet, the date and status of the sheet's statuses, what each word
    no list knows means, which column each header stands for. Its `mapping()` is the run's mapping with
    these choices over it."""

    sheet = forms.ChoiceField(label=_("Sheet"), required=False)
    status_date = DayField(
        label=_("Date of the statuses"),
        required=False,
        help_text=_("The date on which the statuses in this sheet were true, for rows that give no date."),
    )
    population_type = forms.ChoiceField(
        label=_("Status of every person in this sheet"),
        required=False,
        help_text=_("The sheet has no status column: say which status all its persons have."),
    )
    save = forms.BooleanField(
        label=_("Keep these choices for the next files of the organisation"), required=False, initial=True
    )

    def __init__(self, *args: Any, report: Report, mapping: ImportMapping, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report, self.base = report, mapping
        if len(report.sheets) > 1:
            self.fields["sheet"].choices = [(name, name) for name in report.sheets]
            self.fields["sheet"].initial = report.sheet
        else:
            del self.fields["sheet"]
        has_status_column = any(column == "population_type" for _header, column in report.columns)
        if report.status_date:
            self.fields["status_date"].initial = dt.date.fromisoformat(report.status_date)
        if not has_status_column and report.columns:
            self.fields["population_type"].choices = [("", _("— no status —")), *value_choices("population_type")]
            self.fields["population_type"].initial = report.population_type
        else:
            del self.fields["population_type"]
        needs_date = has_status_column or report.population_type or "population_type" in self.fields
        if not needs_date and not report.status_date:
            del self.fields["status_date"]
        self.unknown: dict[str, tuple[str, str]] = {}
        codes: dict[str, list[tuple[str, str]]] = {}  # per column: read once, however many values it asks about
        for index, entry in enumerate(report.unknown_values):
            name = f"value_{index}"
            self.unknown[name] = (entry["column"], entry["value"])
            if entry["column"] not in codes:
                codes[entry["column"]] = value_choices(entry["column"])
            # The value as the file writes it, isolated (it may run right to left), in our words around it.
            label = mark_safe(  # noqa: S308 - every part is escaped here
                conditional_escape(_("“%(value)s” (%(column)s, %(rows)s)"))
                % {
                    "value": format_html('<bdi dir="auto">{}</bdi>', entry["value"]),
                    "column": conditional_escape(column_label(entry["column"])),
                    "rows": conditional_escape(rows_phrase(entry["n"])),
                }
            )
            self.fields[name] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[
                    ("", _("— choose what it means —")),
                    *codes[entry["column"]],
                ],
            )
        self.headers: dict[str, str] = {}
        for index, (header, column) in enumerate(report.columns):
            name = f"column_{index}"
            self.headers[name] = header
            # The header as the file writes it, in whatever language: isolated, and said to be the file's.
            self.fields[name] = forms.ChoiceField(
                label=format_html('<bdi dir="auto">{}</bdi>', header),
                choices=column_choices(),
                required=False,
                initial=column,
            )

    @property
    def value_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.unknown]

    @property
    def column_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.headers]

    @property
    def file_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("sheet", "population_type", "status_date") if name in self.fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = [data.get(name) for name in self.headers if data.get(name) and data.get(name) != "row_number"]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Each column can be chosen for one header of the file only."))
        return data

    def mapping(self) -> ImportMapping:
        data = self.cleaned_data
        given = data.get("status_date")
        if given and self.report.status_date_source == "title" and given.isoformat() == self.report.status_date:
            # The title's date, offered on the page and left as it was: not a choice of the user's, so the title
            # (of whichever sheet is read next) keeps giving it.
            given = None
        values_: dict[str, dict[str, str]] = {}
        for name, (column, value) in self.unknown.items():
            if data.get(name):
                values_.setdefault(column, {})[value] = data[name]
        chosen = ImportMapping(
            columns={header: data.get(name) or "" for name, header in self.headers.items()},
            values=values_,
            status_date=given,
            population_type=data.get("population_type") or "",
            sheet=data.get("sheet") or "",
        )
        mapping = self.base.merged(chosen)
        if "status_date" in self.fields and not given:
            mapping.status_date = None  # cleared on the page: the title's date, or none, again
        if "population_type" in self.fields and not data.get("population_type"):
            mapping.population_type = ""
        return mapping


def _default_organisation(user: Any, organisations: list[Organisation]) -> int | None:
    """The organisation the user works for, when it is one and they may register for it (a system
    administrator may register for every organisation, but is a member of one)."""
    from panah.accounts.permissions import seats

    own = {s.organisation_id for s in seats(user)} & {o.pk for o in organisations}
    return own.pop() if len(own) == 1 else None
