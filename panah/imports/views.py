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
from panah.common.http import AuthenticatedRequest
from panah.imports.forms import ReadingForm, UploadForm
from panah.imports.models import ImportRun
from panah.imports.report import summary_lines, to_xlsx
from panah.imports.selectors import can_recheck, get_run_for_user, runs_for_user, saved_mapping
from panah.imports.services import import_checked, recheck, run_mapping, start_import
from panah.imports.validate import ERROR, Report


@login_required
def upload(request: AuthenticatedRequest) -> HttpResponse:
    """Send a file: it is checked (nothing written), then the run page says how it was read and lets
    the user correct that and import. The organisation's saved choices are applied, and shown there."""
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
                dry_run=True,
                mapping=saved_mapping(data["organisation"]),
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


def _run_page(request: HttpRequest, run: ImportRun, form: ReadingForm | None = None) -> HttpResponse:
    report = Report.from_dict(run.report) if run.finished else None
    rereadable = report is not None and can_recheck(run)
    if rereadable and form is None and report is not None:
        form = ReadingForm(report=report, mapping=run_mapping(run))
    # What is wrong with the file as a whole (not a sheet, no header row...): said first, as the error it is.
    file_problems = [i for i in report.issues if i.row is None and i.severity == ERROR] if report else []
    if report is not None and not (report.columns or len(report.sheets) > 1):
        rereadable = False  # nothing was read that the page could say how to read
    context = {
        "run": run,
        "report": report,
        "file_problems": file_problems,
        "summary": summary_lines(report) if report else [],
        "form": form if rereadable else None,
        "importable": rereadable and run.state == ImportRun.State.VALIDATED and report and report.valid,
        "error_forms": [form] if form is not None and form.errors else [],
    }
    template = "imports/run.html#status" if getattr(request, "htmx", False) else "imports/run.html"
    return render(request, template, context, status=400 if context["error_forms"] else 200)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_page(request, get_run_for_user(request.user, pk))


@login_required
def read_again(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Check the file again, read as the page now says (sheet, status date and status, values, columns)."""
    if request.method != "POST":
        raise Http404
    run = get_run_for_user(request.user, pk)
    if not run.finished or not can_recheck(run):
        messages.error(request, _("This file is no longer kept: send it again."))
        return redirect("imports:run", pk=run.pk)
    form = ReadingForm(request.POST, report=Report.from_dict(run.report), mapping=run_mapping(run))
    if not form.is_valid():
        return _run_page(request, run, form)
    try:
        recheck(by=request.user, run=run, mapping=form.mapping(), save_for_organisation=form.cleaned_data["save"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:run", pk=run.pk)


@login_required
def run_mapping_file(request: HttpRequest, pk: int) -> HttpResponse:
    """How this file is read, as the file `panah import --mapping` reads."""
    run = get_run_for_user(request.user, pk)
    response = HttpResponse(run_mapping(run).to_json(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-mapping.json"'
    return response


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
def import_now(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Import the file a check found valid, without sending it again."""
    if request.method != "POST":
        raise Http404
    run = get_run_for_user(request.user, pk)
    try:
        import_checked(by=request.user, run=run, skip_invalid=bool(request.POST.get("skip_invalid")))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:run", pk=run.pk)
