"""The import pages: upload a file, follow the check and import, read and download the report.

Who may see an import: whoever asked for it, and system administrators (the policy's FOLLOW_OWN_WORK)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from panah.accounts.permissions import require
from panah.accounts.roles import Action
from panah.imports.forms import ColumnMappingForm, UploadForm
from panah.imports.report import summary_lines, to_xlsx
from panah.imports.selectors import get_run_for_user, runs_for_user
from panah.imports.services import import_checked, save_column_mapping, start_import
from panah.imports.validate import Report


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.REGISTER_PERSON)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = start_import(
                by=request.user,
                organisation=data["organisation"],
                data=data["file"].read(),
                file_name=data["file"].name,
                dry_run=data["dry_run"],
                skip_invalid=data["skip_invalid"],
            )
        except PermissionDenied as error:
            form.add_error("organisation", str(error))
        else:
            return redirect("imports:run", pk=run.pk)
    runs = runs_for_user(request.user)[:20]
    context = {"form": form, "runs": runs, "error_forms": [form] if form.errors else []}
    return render(request, "imports/upload.html", context)


@login_required
def household_form(request: HttpRequest) -> HttpResponse:
    """The household registration XLSForm, to load into KoboToolbox or ODK Central."""
    from panah.imports.xlsform import FORM_PATH

    response = HttpResponse(
        FORM_PATH.read_bytes(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="household_registration.xlsx"'
    return response


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk)
    report = Report.from_dict(run.report) if run.finished else None
    context = {"run": run, "report": report, "summary": summary_lines(report) if report else []}
    template = "imports/run.html#status" if request.htmx else "imports/run.html"
    return render(request, template, context)


@login_required
def run_report(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk)
    if not run.finished:
        raise Http404
    response = HttpResponse(
        to_xlsx(Report.from_dict(run.report)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.xlsx"'
    return response


@login_required
def column_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Say which person-file column each header of this file stands for; saved for the organisation's
    next files."""
    run = get_run_for_user(request.user, pk)
    if not run.finished:
        raise Http404
    columns = run.report.get("columns") or []
    if not columns:
        raise Http404
    form = ColumnMappingForm(request.POST or None, columns=columns)
    if request.method == "POST" and form.is_valid():
        try:
            save_column_mapping(by=request.user, organisation=run.organisation, columns=form.mapping())
        except PermissionDenied:
            raise Http404 from None
        messages.success(
            request,
            _("The columns are saved for %(organisation)s: send the file again.") % {"organisation": run.organisation},
        )
        return redirect("imports:upload")
    context = {"run": run, "form": form, "error_forms": [form] if form.errors else []}
    return render(request, "imports/columns.html", context)


@login_required
def import_now(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the file a dry run checked, without sending it again."""
    if request.method != "POST":
        raise Http404
    run = get_run_for_user(request.user, pk, with_content=True)
    try:
        new = import_checked(by=request.user, run=run, skip_invalid=bool(request.POST.get("skip_invalid")))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:run", pk=run.pk)
    return redirect("imports:run", pk=new.pk)
