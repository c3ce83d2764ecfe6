"""Official statistics: the same tables as the dashboard (stats.tables.build_tables), for the regions
the caller's statistics cover, small cells protected unless the caller may see exact figures; and the
published releases, frozen."""

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from panah.accounts.permissions import may
from panah.accounts.roles import Action
from panah.api.schemas import ERRORS, TEXT, ReleaseOut, ReleaseSummaryOut, StatisticsOut
from panah.common.dates import RANGE_TEXT, ApiDate
from panah.stats.disclosure import EXACT, PUBLIC
from panah.stats.models import Release
from panah.stats.selectors import statistics_regions
from panah.stats.services import compute
from panah.stats.tables import Parameters, default_period
from panah.status.selectors import known_on_bound

router = Router(tags=["statistics"])


class StatisticsQuery(Schema):
    as_of: ApiDate | None = Field(
        None, description=f"Stocks on this day (default: today); not after today. {RANGE_TEXT}"
    )
    known_on: ApiDate | None = Field(
        None, description=f"As recorded by the end of this day (default: now). {RANGE_TEXT}"
    )
    period_start: ApiDate | None = Field(
        None, description=f"Flows from this day (default: the twelve months before as_of). {RANGE_TEXT}"
    )
    period_end: ApiDate | None = Field(
        None, description=f"Flows until this day, included; not before period_start (422 if it is). {RANGE_TEXT}"
    )
    policy: Literal["public", "exact"] = Field(
        "public", description="exact: no disclosure control (organisation and system administrators only)."
    )


@router.get(
    "", response={200: StatisticsOut, **ERRORS}, summary="Stocks, flows and rates by origin, sex, age and region"
)
def statistics(request: HttpRequest, query: Query[StatisticsQuery]) -> dict[str, Any]:
    regions = statistics_regions(request.user)
    today = timezone.localdate()
    as_of = query.as_of or today
    errors = []
    if as_of > today:
        errors.append({"field": "as_of", "message": "The “as of” date cannot be in the future."})
    start, end = default_period(as_of)
    start, end = query.period_start or start, query.period_end or end
    if start > end:
        errors.append({"field": "period_end", "message": "The end of the flow period cannot be before its start."})
    if query.policy == "exact" and not may(request.user, Action.VIEW_EXACT_STATISTICS):
        errors.append({"field": "policy", "message": "Exact figures are for users who may export personal data."})
    if errors:
        raise ValidationError({e["field"]: e["message"] for e in errors})
    parameters = Parameters(
        as_of=as_of,
        known_on=known_on_bound(query.known_on) if query.known_on else timezone.now(),
        period_start=start,
        period_end=end,
        policy=EXACT if query.policy == "exact" else PUBLIC,
        regions=regions,
    )
    return compute(parameters)


@router.get("/releases", response={200: list[ReleaseSummaryOut], **ERRORS}, summary="Published statistics releases")
def releases(request: HttpRequest) -> Any:
    statistics_regions(request.user)
    return Release.objects.order_by("-published_at")[:200]


@router.get("/releases/{reference}", response={200: ReleaseOut, **ERRORS}, summary="One release, as published")
def release(request: HttpRequest, reference: str = Path(..., max_length=60, pattern=TEXT)) -> Any:
    statistics_regions(request.user)
    return get_object_or_404(Release, reference=reference)
