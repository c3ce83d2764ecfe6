import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from panah.accounts.permissions import require
from panah.accounts.roles import Action
from panah.exports import subject_access as sar
from panah.exports.forms import ExportForm, SubjectAccessForm
from panah.exports.selectors import export_regions
from panah.exports.services import Filters, export_persons
from panah.registry.selectors import get_person

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def persons(request: HttpRequest) -> HttpResponse:
    """Choose filters, state the purpose, download the person file."""
    require(request.user, Action.EXPORT_PERSONS)
    form = ExportForm(request.POST or None, region_codes=export_regions(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = data["region"]
        # A national export runs to hundreds of megabytes: kept in memory only while it is small.
        buffer = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
        export_persons(
            by=request.user,
            out=buffer,
            file_format=data["file_format"],
            purpose=data["purpose"],
            filters=Filters(region=region.code if region else "", population_type=data["population_type"]),
        )
        name = f"panah-persons-{timezone.localdate():%Y%m%d}.{data['file_format']}"
        buffer.seek(0)
        return FileResponse(buffer, as_attachment=True, filename=name, content_type=CONTENT_TYPES[data["file_format"]])
    return render(request, "exports/persons.html", {"form": form})


@login_required
def subject_access(request: HttpRequest, number: str) -> HttpResponse:
    """Everything held about one person: 404 alike for "no such" and "not in your scope"."""
    person = get_person(number)  # a data-subject access export: whoever sees the person answers the person
    require(request.user, Action.VIEW_PERSON, person)
    form = SubjectAccessForm(request.GET if "purpose" in request.GET else None)
    if not form.is_valid():
        return render(request, "exports/subject_access_form.html", {"form": form, "person": person})
    data = sar.subject_access(by=request.user, person=person, purpose=form.cleaned_data["purpose"])
    if form.cleaned_data["output"] == "json":
        response = HttpResponse(sar.to_json(data), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="panah-{person.registration_number}.json"'
        return response
    as_json = request.GET.copy()
    as_json["output"] = "json"
    context = {"data": data, "person": person, "json_query": as_json.urlencode()}
    return render(request, "exports/subject_access.html", context)
