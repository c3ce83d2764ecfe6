"""Pages of evidence files: upload on a person or a case, download (audited), remove. Thin: the policy
is asked by the selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from panah.accounts.permissions import file_action, require
from panah.cases.selectors import get_case_for_user
from panah.evidence import services
from panah.evidence.content import EXTENSIONS
from panah.evidence.forms import RemoveForm, UploadForm
from panah.evidence.selectors import get_file_for_user
from panah.evidence.uploads import InMemoryOnly
from panah.registry.forms import apply_service_errors
from panah.registry.selectors import get_person


def _upload(request: HttpRequest, *, person: Any, case: Any, back: Any) -> HttpResponse:
    require(request.user, file_action("attach", on_case=case is not None), case or person)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.attach_file(
                by=request.user,
                person=person,
                case=case,
                kind=form.cleaned_data["kind"],
                data=upload.read(),
                size=upload.size,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_service_errors(error, dict.fromkeys(form.fields, form))
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The file was attached."))
            return back
    return render(
        request,
        "evidence/upload.html",
        {"person": person, "case": case, "form": form, "error_forms": [form] if form.errors else []},
        status=400 if form.errors else 200,
    )


def _in_memory(request: HttpRequest) -> None:
    # Before anything reads the body (CSRF checking does): the upload stays in memory, never on disk.
    request.upload_handlers = [InMemoryOnly(request)]


@csrf_exempt  # checked by _upload_to_person, once the upload handlers are set
def upload_to_person(request: HttpRequest, number: str) -> HttpResponse:
    _in_memory(request)
    return _upload_to_person(request, number)


@csrf_protect
@login_required
def _upload_to_person(request: HttpRequest, number: str) -> HttpResponse:
    person = get_person(number)
    return _upload(
        request, person=person, case=None, back=redirect("registry:person", number=person.registration_number)
    )


@csrf_exempt  # checked by _upload_to_case, once the upload handlers are set
def upload_to_case(request: HttpRequest, pk: int) -> HttpResponse:
    _in_memory(request)
    return _upload_to_case(request, pk)


@csrf_protect
@login_required
def _upload_to_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    return _upload(request, person=case.person, case=case, back=redirect("cases:case", pk=case.pk))


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    file = get_file_for_user(request.user, pk)
    try:
        data = services.open_file(by=request.user, file=file)
    except FileNotFoundError as error:  # the storage lost it (a restore without the files directory)
        raise Http404(_("The file is no longer in the storage. Ask the administrator to restore it.")) from error
    response = HttpResponse(data, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.kind}-{file.pk}.{EXTENSIONS[file.content_type]}"'
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    file = get_file_for_user(request.user, pk)
    require(request.user, file_action("remove", on_case=bool(file.case_id)), file.case or file.person)
    form = RemoveForm(request.POST)
    back = (
        redirect("cases:case", pk=file.case_id)
        if file.case_id
        else redirect("registry:person", number=file.person.registration_number)
    )
    if form.is_valid():
        try:
            services.remove_file(by=request.user, file=file, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(error, {"reason": form})
        else:
            messages.success(request, _("The file was removed."))
            return back
    messages.error(request, _("Give the reason for removing the file."))
    return back
