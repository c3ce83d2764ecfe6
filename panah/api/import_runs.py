"""Imports of person files through the API: upload, follow, read the report. The same services, the
same checks and the same background task as the import pages (panah.imports)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from panah.accounts.models import Organisation
from panah.accounts.permissions import require
from panah.accounts.roles import Action
from panah.api.schemas import ERRORS, ORGANISATION_CODE, ErrorOut, ImportReportOut, ImportRunOut
from panah.imports.forms import MAX_UPLOAD
from panah.imports.mapping import BadMapping, ImportMapping
from panah.imports.models import ImportRun
from panah.imports.report import as_json, to_xlsx
from panah.imports.selectors import get_run_for_user, runs_for_user
from panah.imports.services import start_import
from panah.imports.validate import Report

router = Router(tags=["imports"])


class UploadIn(Schema):
    organisation: str = Field(
        ..., max_length=40, pattern=ORGANISATION_CODE, description="Code of the registering organisation."
    )
    dry_run: bool = True
    skip_invalid: bool = False
    mapping: str = Field(
        "",
        max_length=200_000,
        description="How to read the file: the JSON of a mapping file, as the import page downloads it "
        "(format panah-import-mapping). Without it, no saved choice is used.",
    )


def _run(request: HttpRequest, pk: int) -> ImportRun:
    return get_run_for_user(request.user, pk)


def _out(run: ImportRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "file_name": run.file_name,
        "organisation": run.organisation.code,
        "dry_run": run.dry_run,
        "skip_invalid": run.skip_invalid,
        "state": run.state,
        "rows": run.rows,
        "errors": run.errors,
        "created": run.created,
        "progress": run.job.percent if run.job_id and not run.finished else None,
        "requested_at": run.requested_at,
        "finished_at": run.finished_at,
        "report_url": reverse("api:import_report", args=[run.pk]) if run.finished else None,
    }


@router.post(
    "",
    response={202: ImportRunOut, 413: ErrorOut, **ERRORS},
    summary="Send a person file (CSV, XLSX, Kobo/ODK JSON) to check, or check and import",
)
def upload(request: HttpRequest, data: Form[UploadIn], file: File[UploadedFile]) -> Status:
    """The file is checked (and, unless `dry_run`, imported) by a background task: follow it at
    the returned run. All-or-nothing unless `skip_invalid`; a re-sent file creates nothing new."""
    if file.size > MAX_UPLOAD:
        return Status(413, {"detail": "The file is larger than 50 MB: split it into several files.", "errors": []})
    require(request.user, Action.REGISTER_PERSON)
    organisation = Organisation.objects.filter(code=data.organisation).first()
    if organisation is None:
        raise ValidationError({"organisation": f"No organisation with the code {data.organisation!r}."})
    try:
        mapping = ImportMapping.from_json(data.mapping, source="mapping") if data.mapping.strip() else None
    except BadMapping as error:
        raise ValidationError({"mapping": str(error)}) from None
    run = start_import(
        by=request.user,
        organisation=organisation,
        data=file.read(),
        file_name=file.name or "upload",
        dry_run=data.dry_run,
        skip_invalid=data.skip_invalid,
        mapping=mapping,
    )
    run.refresh_from_db()
    return Status(202, _out(run))


@router.get("", response={200: list[ImportRunOut], **ERRORS}, summary="The caller's latest imports")
def runs(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(run) for run in runs_for_user(request.user)[:50]]


@router.get("/{int:pk}", response={200: ImportRunOut, **ERRORS}, summary="State and progress of one import")
def run(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _out(_run(request, pk))


@router.get(
    "/{int:pk}/report",
    response={200: ImportReportOut, **ERRORS},
    url_name="import_report",
    summary="The validation report: every problem by row, column, value and message",
)
def report(request: HttpRequest, pk: int) -> dict[str, Any]:
    run = _run(request, pk)
    if not run.finished:
        raise Http404
    return {"id": run.pk, "state": run.state, "report": as_json(Report.from_dict(run.report))}


@router.get(
    "/{int:pk}/report.xlsx",
    response={200: None, **ERRORS},
    summary="The validation report as a spreadsheet",
    openapi_extra={
        "responses": {
            200: {
                "description": "XLSX",
                "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
            }
        }
    },
)
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if not run.finished:
        raise Http404
    response = HttpResponse(
        to_xlsx(Report.from_dict(run.report)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.xlsx"'
    return response
