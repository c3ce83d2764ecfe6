"""The statistics dashboard, its downloads and the published releases.

Every figure on these pages comes from `build_tables` (or a release's frozen copy of it), so the
page, the CSV/XLSX downloads and a release read the same. Nothing here reads or shows a person.

Who may do what:
Who may do what is the authorisation policy's (`accounts.permissions`):
- view the dashboard: VIEW_STATISTICS; the figures cover `selectors.statistics_regions(user)`.
- exact figures (no disclosure control): VIEW_EXACT_STATISTICS, the roles that may export personal data
  anyway (organisation and system administrators). Everyone else gets PUBLIC.
- publish a release: PUBLISH_STATISTICS, for users whose statistics scope is national (a national
  statistician, a system administrator). Releases are official national statistics under the PUBLIC policy, so a regional
  user (for instance a statistician over two regions) may look but not publish: a release of part of
  the country under the national reference scheme would be mistaken for the national figures.
"""

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from panah.accounts.permissions import may, require
from panah.accounts.roles import Action
from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.common import dates
from panah.common.phrases import day
from panah.geo.models import Country, Region
from panah.jobs.models import Job
from panah.jobs.services import start as start_job
from panah.registry.models import PopulationType
from panah.stats import selectors
from panah.stats.disclosure import EXACT, PUBLIC, VECTOR_ROW, Policy, protect_vector, rate_notes
from panah.stats.models import Release
from panah.stats.selectors import AGE_GROUPS, FLOWS, POPULATION_TYPES, statistics_regions
from panah.stats.services import changes_since, compute, publish_release, rerun
from panah.stats.tables import Parameters, default_period
from panah.stats.tasks import rebuild_statistics_index
from panah.status.selectors import known_on_bound

SEXES = ["F", "M", "X", "unknown"]
AGE_LABELS = {a: a for a in AGE_GROUPS} | {"unknown": gettext_lazy("age unknown")}
FLOW_LABELS = {
    "applications_first": gettext_lazy("Asylum applications (first)"),
    "applications_repeat": gettext_lazy("Asylum applications (repeat)"),
    "recognised": gettext_lazy("Recognised as refugees"),
    "complementary_protection": gettext_lazy("Complementary protection"),
    "rejected": gettext_lazy("Rejected"),
    "otherwise_closed": gettext_lazy("Otherwise closed"),
    "appeals": gettext_lazy("Appeals lodged"),
    "stateless_determinations": gettext_lazy("Determined stateless"),
    "undetermined_resolved": gettext_lazy("Undetermined nationality resolved"),
    "undetermined_confirmed_nationality": gettext_lazy("… of which nationality confirmed"),
    "undetermined_determined_stateless": gettext_lazy("… of which determined stateless"),
    "nationality_confirmed": gettext_lazy("Nationality confirmed"),
    "naturalisations": gettext_lazy("Naturalisations"),
    "departures": gettext_lazy("Departures"),
    "deaths": gettext_lazy("Deaths"),
    "births": gettext_lazy("Births"),
}
SEX_LABELS = {
    "F": gettext_lazy("female"),
    "M": gettext_lazy("male"),
    "X": gettext_lazy("other"),
    "unknown": gettext_lazy("sex unknown"),
}


# -- access ---------------------------------------------------------------------------------------


# -- the form -------------------------------------------------------------------------------------


class StatisticsForm(forms.Form):
    as_of = dates.DateField(label=gettext_lazy("As of"), required=False)
    known_on = dates.DateField(
        label=gettext_lazy("As known on"),
        required=False,
        help_text=gettext_lazy("Leave empty for everything recorded until now."),
    )
    period_start = dates.DateField(
        label=gettext_lazy("Flows from"),
        required=False,
        help_text=gettext_lazy("Leave both empty for the twelve months before the “as of” date."),
    )
    period_end = dates.DateField(
        label=gettext_lazy("Flows until"), required=False
    )
    policy = forms.ChoiceField(
        label=gettext_lazy("Figures"),
        required=False,
        choices=[
            ("public", gettext_lazy("Public: small figures shown as *")),
            ("exact", gettext_lazy("Exact: for internal use only")),
        ],
    )

    def __init__(self, *args: Any, exact_allowed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not exact_allowed:
            del self.fields["policy"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = timezone.localdate()
        if data.get("as_of") and data["as_of"] > today:
            self.add_error("as_of", _("The “as of” date cannot be in the future."))
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The end of the flow period cannot be before its start."))
        return data


def parameters_from(request: HttpRequest, regions: tuple[str, ...] | None) -> tuple[StatisticsForm, Parameters]:
    """The form bound to the query string and the parameters it asks for (defaults for what is
    missing or invalid)."""
    exact_allowed = may(request.user, Action.VIEW_EXACT_STATISTICS)
    form = StatisticsForm(request.GET or None, exact_allowed=exact_allowed)
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # an invalid field is left out of cleaned_data and falls back to its default
        data = form.cleaned_data
    as_of = data.get("as_of") or timezone.localdate()
    known_on = data.get("known_on")
    known_on_instant = known_on_bound(known_on) if known_on else timezone.now()
    start, end = default_period(as_of)
    policy = EXACT if exact_allowed and data.get("policy") == "exact" else PUBLIC
    parameters = Parameters(
        as_of=as_of,
        known_on=known_on_instant,
        period_start=data.get("period_start") or start,
        period_end=data.get("period_end") or end,
        policy=policy,
        regions=regions,
    )
    if not form.is_bound:
        # The period is left empty so that changing only "as of" moves the flows with it.
        form = StatisticsForm(initial={"as_of": as_of, "policy": "public"}, exact_allowed=exact_allowed)
    return form, parameters


# -- presenting build_tables' output ---------------------------------------------------------------


def _names(codes: list[str], model: Any) -> dict[str, str]:
    objects = model.objects.in_bulk(codes)
    return {code: (objects[code].name if code in objects else code) for code in codes}


def _transposed(table: dict[str, Any], rows: list[str], labels: dict[str, str]) -> dict[str, Any]:
    """A {population type: {key: n}} table as rows of keys with one column per population type."""
    present = [p for p in POPULATION_TYPES if p in table]
    keys = [k for k in rows if k in table.get("total", {}) and k != "total"]
    return {
        "columns": [PopulationType(p).label for p in present],
        "rows": [
            {
                "key": k,
                "label": labels.get(k, k),
                "cells": [table[p].get(k) for p in present],
                "total": table["total"][k],
            }
            for k in keys
        ],
        "totals": [table[p]["total"] for p in present],
        "total": table["total"]["total"],
    }


def _flow_table(table: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    """A {flow: {key: n}} table as one row per flow, one column per key (origin or region)."""
    columns = [k for k in table.get("total", {}) if k != "total"]
    return {
        "columns": [labels.get(c, c) for c in columns],
        "rows": [
            {"label": FLOW_LABELS[f], "cells": [table[f].get(c) for c in columns], "total": table[f]["total"]}
            for f in FLOWS
            if f in table
        ],
        "totals": [table["total"][c] for c in columns],
        "total": table["total"]["total"],
    }


def _keys(table: dict[str, Any]) -> set[str]:
    return {k for k in table.get("total", {}) if k != "total"}


def present(figures: dict[str, Any]) -> dict[str, Any]:
    """Tables and chart data for the template, from a `build_tables` result (or a release's figures)."""
    tables = figures["tables"]
    flows = tables["flows"]
    origins = sorted(_keys(tables["by_origin"]) | _keys(flows["by_origin"]))
    regions = sorted(_keys(tables["by_region"]) | _keys(flows["by_region"]))
    origin_names = _names(origins, Country)
    origin_names["unknown"] = _("origin unknown")
    region_names = _names(regions, Region)
    sex_age_keys = [f"{s} {a}" for s in SEXES for a in AGE_GROUPS]
    sex_age_labels = {f"{s} {a}": f"{SEX_LABELS[s]}, {AGE_LABELS[a]}" for s in SEXES for a in AGE_GROUPS}
    by_origin = _transposed(tables["by_origin"], origins, origin_names)
    by_origin["rows"].sort(key=lambda row: (row["total"] is None, -(row["total"] or 0), row["label"]))
    by_region = _transposed(tables["by_region"], regions, region_names)
    by_sex_age = _transposed(tables["by_sex_age"], sex_age_keys, sex_age_labels)
    sex_age_total = tables["by_sex_age"].get("total", {})
    policy = Policy.from_dict(figures["disclosure"])
    return {
        "headline": [
            {"code": p, "label": PopulationType(p).label, "value": figures["stock"][p]} for p in POPULATION_TYPES
        ],
        "by_origin": by_origin,
        "by_region": by_region,
        "by_sex_age": by_sex_age,
        "flow_totals": [{"label": FLOW_LABELS[f], "value": flows["totals"][f]} for f in FLOWS if f in flows["totals"]],
        "flow_period": {
            "start": dt.date.fromisoformat(flows["period"]["from"]),
            "end": dt.date.fromisoformat(flows["period"]["to"]),
        },
        "rates": flows["rates"],
        "flow_by_origin": _flow_table(flows["by_origin"], origin_names),
        "flow_by_region": _flow_table(flows["by_region"], region_names),
        "policy": policy,
        "policy_notes": policy_notes(policy),
        "charts": {
            "pyramid": {
                "labels": [str(AGE_LABELS[a]) for a in AGE_GROUPS],
                "series": [
                    {"label": str(SEX_LABELS[s]), "key": s, "data": [sex_age_total.get(f"{s} {a}") for a in AGE_GROUPS]}
                    for s in ("F", "M")
                ],
            },
            "origin": {
                "labels": [row["label"] for row in by_origin["rows"][:15]],
                "data": [row["total"] for row in by_origin["rows"][:15]],
                "label": _("Persons"),
            },
            "region": {
                "labels": [row["label"] for row in by_region["rows"]],
                "data": [row["total"] for row in by_region["rows"]],
                "label": _("Persons"),
            },
        },
    }


def policy_notes(policy: Policy) -> list[str]:
    if policy.method == "none":
        notes = [_("Exact figures: no disclosure control has been applied. For internal use only.")]
    elif policy.method == "round":
        notes = [_("All figures are rounded to the nearest multiple of %(base)d.") % {"base": policy.base}]
    else:
        notes = [
            _("Figures from 1 to %(top)d are confidential and shown as *.") % {"top": policy.threshold - 1},
            _("Some other figures may also be shown as * so that the confidential ones cannot be worked out."),
            _("Totals are true totals: they include the figures shown as *, unless shown as * themselves."),
        ]
    return notes + rate_notes(policy)


def stock_over_time(parameters: Parameters, figures: dict[str, Any]) -> dict[str, Any]:
    """Stock by population type on 1 January of each of the last ten years and on the "as of" date,
    protected like the headline figures: one query per date. The "as of" point is the headline
    itself (`figures`), protected together with the tables that share its totals."""
    dates = [dt.date(parameters.as_of.year - n, 1, 1) for n in range(10, -1, -1)]
    dates = [d for d in dates if d < parameters.as_of] + [parameters.as_of]
    regions = list(parameters.regions) if parameters.regions is not None else None
    points = []
    with unscoped("aggregate statistics"):
        for day in dates:
            if day == parameters.as_of:
                points.append({"date": day.isoformat(), "values": [figures["stock"][p] for p in POPULATION_TYPES]})
                continue
            cube = selectors.stock_cube(as_of=day, known_on=parameters.known_on, regions=regions)
            totals = selectors.stock_totals(cube)
            protected = protect_vector(totals, POPULATION_TYPES, parameters.policy)
            points.append(
                {
                    "date": day.isoformat(),
                    "values": [
                        None if (c := protected.cells[(VECTOR_ROW, p)]).suppressed else c.value
                        for p in POPULATION_TYPES
                    ],
                }
            )
    return {
        "labels": [point["date"] for point in points],
        "series": [
            {"key": p, "label": str(PopulationType(p).label), "data": [point["values"][i] for point in points]}
            for i, p in enumerate(POPULATION_TYPES)
        ],
        "rows": points,
        "columns": [PopulationType(p).label for p in POPULATION_TYPES],
    }


# -- pages ----------------------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    regions = statistics_regions(request.user)
    form, parameters = parameters_from(request, regions)
    figures = compute(parameters)
    query = request.GET.urlencode()
    context = {
        "form": form,
        "parameters": parameters,
        "figures": figures,
        "view": present(figures),
        "over_time": stock_over_time(parameters, figures),
        "region_names": _names(list(regions), Region) if regions is not None else None,
        "csv_url": f"{reverse('stats:download_csv')}?{query}" if query else reverse("stats:download_csv"),
        "xlsx_url": f"{reverse('stats:download_xlsx')}?{query}" if query else reverse("stats:download_xlsx"),
        "can_publish": may(request.user, Action.PUBLISH_STATISTICS),
    }
    return render(request, "stats/dashboard.html", context)


def _download(
    request: HttpRequest, figures: dict[str, Any], *, kind: str, name: str, message: str, params: dict[str, Any]
) -> HttpResponse:
    from panah.stats import exports

    if kind == "csv":
        response = HttpResponse(exports.to_csv(figures), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.xlsx_bytes(figures),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    record(
        by=request.user,
        action=AuditEntry.Action.EXPORT,
        message=message,
        params={**params, "format": kind.upper()},
        purpose="statistics download",
    )
    return response


def _download_current(request: HttpRequest, kind: str) -> HttpResponse:
    regions = statistics_regions(request.user)
    form, parameters = parameters_from(request, regions)
    if form.is_bound and form.errors:
        # Never a file of other figures than asked for: the page, with what is wrong with the request.
        response = dashboard(request)
        response.status_code = 400
        return response
    figures = compute(parameters)
    return _download(
        request,
        figures,
        kind=kind,
        name=f"panah-statistics-{parameters.as_of:%Y%m%d}",
        message="statistics_download",
        params={
            "as_of": day(parameters.as_of),
            "known_on": f"{parameters.known_on:%Y-%m-%d %H:%M}",
            "policy": parameters.policy.method,
            "regions": ", ".join(regions) if regions else "KZ",
        },
    )


@login_required
def download_csv(request: HttpRequest) -> HttpResponse:
    return _download_current(request, "csv")


@login_required
def download_xlsx(request: HttpRequest) -> HttpResponse:
    return _download_current(request, "xlsx")


class PublishForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    as_of = dates.DateField(label=gettext_lazy("As of"))
    period_start = dates.DateField(
        label=gettext_lazy("Flows from"),
        required=False,
        help_text=gettext_lazy("Leave both empty for the twelve months before the “as of” date."),
    )
    period_end = dates.DateField(
        label=gettext_lazy("Flows until"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("as_of") and data["as_of"] > timezone.localdate():
            self.add_error("as_of", _("The “as of” date cannot be in the future."))
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The end of the flow period cannot be before its start."))
        return data


@login_required
def release_list(request: HttpRequest) -> HttpResponse:
    statistics_regions(request.user)
    can_publish = may(request.user, Action.PUBLISH_STATISTICS)
    can_rebuild = may(request.user, Action.MAINTAIN)
    form = PublishForm(initial={"as_of": dt.date(timezone.localdate().year, 1, 1)})
    if request.method == "POST":
        require(request.user, Action.PUBLISH_STATISTICS)
        form = PublishForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            start, end = default_period(data["as_of"])
            release = publish_release(
                by=request.user,
                title=data["title"],
                parameters=Parameters(
                    as_of=data["as_of"],
                    known_on=timezone.now(),
                    period_start=data.get("period_start") or start,
                    period_end=data.get("period_end") or end,
                    policy=PUBLIC,
                    regions=None,
                ),
            )
            messages.success(request, _("Release %(reference)s published.") % {"reference": release.reference})
            return redirect("stats:release", reference=release.reference)
    releases = Release.objects.select_related("published_by").defer("figures", "parameters")
    jobs = Job.objects.filter(kind=Job.Kind.REBUILD_STATISTICS)[:5] if can_rebuild else []
    context = {"releases": releases, "form": form, "can_publish": can_publish, "can_rebuild": can_rebuild, "jobs": jobs}
    return render(request, "stats/releases.html", context)


@login_required
def release_detail(request: HttpRequest, reference: str) -> HttpResponse:
    statistics_regions(request.user)
    release = get_object_or_404(Release.objects.select_related("published_by"), reference=reference)
    _figures, digest = rerun(release)
    context = {
        "release": release,
        "parameters": Parameters.from_dict(release.parameters),
        "view": present(release.figures),
        "reproduced": digest == release.content_hash,
        "rerun_hash": digest,
        "changes": changes_since(release),
    }
    return render(request, "stats/release_detail.html", context)


def _release_download(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    statistics_regions(request.user)
    release = get_object_or_404(Release, reference=reference)
    return _download(
        request,
        release.figures,
        kind=kind,
        name=release.reference,
        message="release_download",
        params={"reference": release.reference},
    )


@login_required
def release_csv(request: HttpRequest, reference: str) -> HttpResponse:
    return _release_download(request, reference, "csv")


@login_required
def release_xlsx(request: HttpRequest, reference: str) -> HttpResponse:
    return _release_download(request, reference, "xlsx")


@login_required
@require_POST
def rebuild_index(request: HttpRequest) -> HttpResponse:
    """Start a rebuild of the statistics index in the background and follow it on the job page."""
    require(request.user, Action.MAINTAIN)
    job = start_job(kind=Job.Kind.REBUILD_STATISTICS, by=request.user, task=rebuild_statistics_index)
    return redirect("jobs:job", pk=job.pk)
