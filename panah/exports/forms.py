from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.geo.models import Region
from panah.registry.models import PopulationType


class ExportForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, empty_label=_("All regions you may export")
    )
    population_type = forms.ChoiceField(
        label=_("Population type"), required=False, choices=[("", _("All population types")), *PopulationType.choices]
    )
    file_format = forms.ChoiceField(
        label=_("File format"), choices=[("xlsx", "XLSX (Excel)"), ("csv", "CSV (UTF-8)")], initial="xlsx"
    )
    purpose = forms.CharField(
        label=_("Purpose of the export"),
        max_length=300,
        help_text=_("Why these persons' data leaves the system, and for whom. It is kept in the audit log."),
    )

    def __init__(self, *args: object, region_codes: frozenset[str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        regions = Region.objects.valid_on(timezone.localdate())
        if region_codes is not None:
            regions = regions.filter(code__in=sorted(region_codes))
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]

    def clean_purpose(self) -> str:
        purpose = " ".join(self.cleaned_data["purpose"].split())
        if not purpose:
            raise forms.ValidationError(_("State the purpose of the export."))
        return purpose


class SubjectAccessForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        initial=_("Request of the person for the data held about them"),
        help_text=_("Kept in the audit log, with who made the export and when."),
    )
    output = forms.ChoiceField(
        label=_("Form"),
        required=False,
        choices=[("html", _("Page to print or save as PDF")), ("json", _("JSON file (machine-readable)"))],
        initial="html",
    )

    def clean_purpose(self) -> str:
        purpose = " ".join(self.cleaned_data["purpose"].split())
        if not purpose:
            raise forms.ValidationError(_("State the purpose of the export."))
        return purpose
