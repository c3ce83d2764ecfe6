from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from panah.accounts.models import Organisation
from panah.imports.selectors import registering_organisations

MAX_UPLOAD = 50 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Person file"),
        help_text=_(
            "CSV (any encoding, comma, semicolon or tab), XLSX, or the JSON export of the household "
            "registration form (KoboToolbox, ODK Central)"
        ),
    )
    organisation = forms.ModelChoiceField(label=_("Registering organisation"), queryset=Organisation.objects.none())
    dry_run = forms.BooleanField(label=_("Only check the file: write nothing"), required=False, initial=True)
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows even if other rows have errors"),
        required=False,
        help_text=_("By default nothing is imported while any row has an error."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = registering_organisations(user)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB: split it into several files."))
        return upload


class ColumnMappingForm(forms.Form):
    """One choice per header of a file: the person-file column it stands for, or none."""

    def __init__(self, *args: Any, columns: list[list[str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from panah.imports.columns import PERSON_FILE_COLUMNS

        choices = [("", _("— not imported —")), *[(c, c) for c in PERSON_FILE_COLUMNS]]
        self.headers: dict[str, str] = {}
        for index, (header, column) in enumerate(columns):
            name = f"column_{index}"
            self.headers[name] = header
            self.fields[name] = forms.ChoiceField(label=header, choices=choices, required=False, initial=column)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = [v for v in data.values() if v]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Each person-file column can be chosen for one header only."))
        if "person_id" not in chosen:
            raise forms.ValidationError(_("Choose the header that holds person_id."))
        return data

    def mapping(self) -> dict[str, str]:
        return {header: self.cleaned_data.get(name) or "" for name, header in self.headers.items()}
