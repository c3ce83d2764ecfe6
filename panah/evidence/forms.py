from django import forms
from django.utils.translation import gettext_lazy as _

from panah.evidence.content import ACCEPTED
from panah.evidence.kinds import FileKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=[("", "—"), *FileKind.choices])
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PDF, or a photo or scan (JPEG or PNG). Photos are kept without their location and camera data."),
        # A plain input accepting the formats a scanner or a phone's camera writes. No `capture`: on
        # Android it opens the camera straight away, and a PDF already on the phone cannot be chosen;
        # without it the phone offers the camera and the files alike.
        widget=forms.FileInput(attrs={"accept": ",".join(ACCEPTED)}),
        error_messages={"required": _("Choose the file, or take a photo."), "empty": _("The file is empty.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("Why is the file removed?"), max_length=500)
