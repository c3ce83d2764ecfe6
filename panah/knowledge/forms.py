import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.accounts.models import Organisation
from panah.geo.models import Region
from panah.knowledge.models import ARTICLE_LANGUAGES, LEAFLET_LANGUAGES, NATIVE_NAMES, Official, Topic, TrainingFormat
from panah.registry.forms import DayField

LANGUAGE_NAMES = dict(ARTICLE_LANGUAGES)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the knowledge base"), max_length=200, required=False)


class OnDateForm(forms.Form):
    on = DayField(label=_("As in force on"), required=False)


class VersionForm(forms.Form):
    """A new version of an article: when it is in force from, references, and the text per language."""

    effective_from = DayField(label=_("In force from"))
    legal_references = forms.CharField(
        label=_("Legal references"),
        help_text=_("One a line, for example: Law of 4 December 2009 No. 216-IV “On Refugees”, art. 12."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name in ARTICLE_LANGUAGES:
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name}, max_length=200, required=False
            )
            self.fields[f"what_changed_{code}"] = forms.CharField(
                label=_("What changed (%(language)s)") % {"language": name},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": name},
                help_text=_("Separate paragraphs with an empty line."),
                widget=forms.Textarea(attrs={"rows": 8}),
                required=False,
            )

    def language_groups(self) -> list[tuple[str, str, list[Any]]]:
        return [
            (code, name, [self[f"title_{code}"], self[f"what_changed_{code}"], self[f"body_{code}"]])
            for code, name in ARTICLE_LANGUAGES
        ]

    def translations(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            code: {key: data.get(f"{key}_{code}", "") for key in ("title", "what_changed", "body")}
            for code, _name in ARTICLE_LANGUAGES
        }


class ArticleForm(VersionForm):
    slug = forms.SlugField(
        label=_("Short name in addresses"),
        help_text=_("Latin letters, digits and hyphens, for example law-on-refugees-2009."),
        max_length=80,
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", "—"), *Topic.choices])
    field_order = ["slug", "topic", "effective_from", "legal_references"]


class SubscriptionForm(forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


def _regions() -> Any:
    return Region.objects.valid_on(timezone.localdate()).order_by("name_en")


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = DayField(label=_("First day"))
    end_date = DayField(label=_("Last day"), required=False, help_text=_("Leave empty for a one-day training."))
    region = RegionChoiceField(label=_("Region where it was held"), queryset=Region.objects.none())
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    format = forms.ChoiceField(label=_("Format"), choices=TrainingFormat.choices)
    organisers = forms.ModelMultipleChoiceField(
        label=_("Organisers"), queryset=Organisation.objects.filter(is_active=True), widget=forms.CheckboxSelectMultiple
    )
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple)
    materials = forms.CharField(
        label=_("Materials used"),
        help_text=_("One a line."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, regions: frozenset[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = _regions()
        if regions is not None:
            queryset = queryset.filter(code__in=sorted(regions))
        self.fields["region"].queryset = queryset

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first."))
        return data


class ParticipantForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        help_text=_("For example: Department of Employment and Social Programmes of Pavlodar region."),
    )
    department = forms.CharField(label=_("Department"), max_length=200, required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    region = RegionChoiceField(label=_("Region where the official works"), queryset=Region.objects.none())
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Official.Sex.choices])
    attended = forms.BooleanField(label=_("Attended"), required=False, initial=True)
    pre_test = forms.IntegerField(label=_("Score before (0–100)"), min_value=0, max_value=100, required=False)
    post_test = forms.IntegerField(label=_("Score after (0–100)"), min_value=0, max_value=100, required=False)
    feedback_rating = forms.IntegerField(
        label=_("Rating of the training (1–5)"), min_value=1, max_value=5, required=False
    )
    feedback = forms.CharField(label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions()


class ReportForm(forms.Form):
    by = forms.ChoiceField(
        label=_("Officials trained by"),
        choices=[
            ("region", _("region")),
            ("year", _("year")),
            ("topic", _("topic")),
            ("organisation", _("organisation")),
        ],
        required=False,
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("every year")), *[(y, str(y)) for y in years]]


class ShareForm(forms.Form):
    leaflet = forms.ModelChoiceField(label=_("Leaflet"), queryset=None, required=False)  # type: ignore[arg-type]
    project = forms.ModelChoiceField(label=_("Partner project"), queryset=None, required=False)  # type: ignore[arg-type]
    language = forms.ChoiceField(
        label=_("Language of the person"),
        choices=[("", "—"), *[(code, f"{NATIVE_NAMES[code]} — {name}") for code, name in LEAFLET_LANGUAGES]],
    )
    shared_on = DayField(label=_("Shared on"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, leaflets: Any, projects: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("shared_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["leaflet"].queryset = leaflets
        self.fields["leaflet"].label_from_instance = lambda leaflet: leaflet.display_title  # type: ignore[attr-defined]
        self.fields["project"].queryset = projects

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("leaflet") and not data.get("project"):
            self.add_error("leaflet", _("Choose a leaflet or a partner project."))
        shared_on: dt.date | None = data.get("shared_on")
        if shared_on and shared_on > timezone.localdate():
            self.add_error("shared_on", _("The date cannot be in the future."))
        return data


class ParticipantFileForm(forms.Form):
    file = forms.FileField(
        label=_("Participant list (CSV or XLSX)"),
        help_text=_(
            "Columns: full_name, organisation, department, position, region, sex, attended, pre_test, post_test, "
            "feedback_rating, feedback. Nothing is saved unless every row is right."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        if upload.size > 2_000_000:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload
