"""Persons and their legal-status timelines. Reads only: persons enter the registry through the
registration pages and imports, where the duplicate check runs.

Every person returned is audited: the detail as a view (as the person page is), each person of a
list page as a view "listed through the API"."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field, Path, Query, Router, Schema

from panah.accounts.permissions import may
from panah.accounts.roles import Action
from panah.api.schemas import (
    COUNTRY_CODE,
    ERRORS,
    ORGANISATION_CODE,
    REGION_CODE,
    REGISTRATION_NUMBER,
    TEXT,
    PersonOut,
    PersonPageOut,
    StatusEventOut,
    StatusOut,
)
from panah.audit.services import record_reads
from panah.common.dates import RANGE_TEXT, ApiDate, ApiDateTime
from panah.registry import selectors
from panah.registry.models import Person, PopulationType, Sex
from panah.registry.services import view_person
from panah.status.selectors import known_on_bound, timeline
from panah.status.timeline import as_facts, last_kind_on, population_on

router = Router(tags=["persons"])

MAX_PAGE = 200
# A registration number; a merged-away number leads to the record it was merged into.
NUMBER = Path(
    ..., description="Registration number, e.g. PN-0000001-8.", example="PN-0000001-8", max_length=20, pattern=TEXT
)


class PersonFilters(Schema):
    q: str | None = Field(
        None,
        max_length=200,
        pattern=TEXT,
        description="A name in any script, a registration number, IIN or document number.",
    )
    region: str | None = Field(
        None, max_length=8, pattern=REGION_CODE, description="ISO 3166-2 code of the region, e.g. KZ-75."
    )
    organisation: str | None = Field(
        None, max_length=40, pattern=ORGANISATION_CODE, description="Code of the owning organisation."
    )
    population_type: PopulationType | None = None
    sex: Sex | None = None
    country_of_origin: str | None = Field(
        None, max_length=3, pattern=COUNTRY_CODE, description="ISO 3166-1 alpha-3 code."
    )
    updated_since: ApiDateTime | None = Field(
        None, description=f"Only persons changed since then (for synchronising). {RANGE_TEXT}"
    )
    after: str | None = Field(
        None, max_length=20, pattern=f"^({REGISTRATION_NUMBER})?$", description="The `next` value of the previous page."
    )
    limit: int = Field(50, ge=1, le=MAX_PAGE)


def _primary_name(person: Person) -> str:
    names = list(person.names.all())
    if not names:
        return ""
    name = names[0]
    return name.full_name or " ".join(p for p in (name.given_name, name.patronymic, name.family_name) if p)


def _summary(person: Person) -> dict[str, Any]:
    return {
        "registration_number": person.registration_number,
        "name": _primary_name(person),
        "sex": person.sex,
        "birth_date": person.birth_date,
        "birth_date_precision": person.birth_date_precision,
        "region": person.region_id,
        "organisation": person.organisation.code,
        "population_type": person.population_type,
        "country_of_origin": person.country_of_origin_id,
        "updated_at": person.updated_at,
    }


def _event(event: Any) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "population_type": event.population_type,
        "effective": event.effective,
        "recorded_at": event.recorded_at,
        "organisation": event.organisation.code if event.organisation_id else None,
        "application_type": event.application_type,
        "decision_reference": event.decision_reference,
        "supersedes": event.supersedes_id,
    }


def _get(request: HttpRequest, number: str, purpose: str) -> Person:
    """The person in the caller's scope (404 otherwise), following merges; the read is audited."""
    return view_person(by=request.user, registration_number=number, purpose=purpose)


@router.get("", response={200: PersonPageOut, **ERRORS}, summary="List or search persons")
def list_persons(request: HttpRequest, filters: Query[PersonFilters]) -> dict[str, Any]:
    """Persons the caller may see, oldest registration first, `limit` at a time: pass `next` back as
    `after` for the following page. With `q`, the best matches of a search instead (one page)."""
    queryset = selectors.person_list_queryset().select_related("organisation")
    if filters.q and filters.q.strip():
        found = selectors.search_persons(filters.q, limit=filters.limit)
        ids = [p.pk for p in found.persons]
        queryset = queryset.filter(pk__in=ids)
        order = {pk: i for i, pk in enumerate(ids)}
    if filters.region:
        queryset = queryset.filter(region_id=filters.region)
    if filters.organisation:
        queryset = queryset.filter(organisation__code=filters.organisation)
    if filters.population_type:
        queryset = queryset.filter(population_type=filters.population_type)
    if filters.sex:
        queryset = queryset.filter(sex=filters.sex)
    if filters.country_of_origin:
        queryset = queryset.filter(country_of_origin_id=filters.country_of_origin.upper())
    if filters.updated_since:
        queryset = queryset.filter(updated_at__gte=filters.updated_since)
    if filters.q and filters.q.strip():
        persons = sorted(queryset, key=lambda p: order[p.pk])
        following = None
    else:
        # A registration number is the id it was made from (PN-<id>-<check digit>), so pages follow
        # the id: a regional scope then reads its (region, organisation, id) index in order.
        if filters.after:
            queryset = queryset.filter(pk__gt=int(filters.after.split("-")[1]))
        persons = list(queryset.order_by("pk")[: filters.limit + 1])
        following = persons[filters.limit - 1].registration_number if len(persons) > filters.limit else None
        persons = persons[: filters.limit]
    record_reads(by=request.user, persons=persons, message="api_list")
    return {"items": [_summary(p) for p in persons], "next": following}


@router.get("/{number}", response={200: PersonOut, **ERRORS}, summary="Everything the caller may see of one person")
def get_person(request: HttpRequest, number: str = NUMBER) -> dict[str, Any]:
    """A merged-away number answers with the surviving record (its own `registration_number`)."""
    person = _get(request, number, purpose="API")
    may_see_sensitive = may(request.user, Action.VIEW_SENSITIVE_NEEDS, person)
    language = (get_language() or "en")[:2]
    needs = list(person.specific_needs.select_related("code"))
    shown = [n for n in needs if not n.code.highly_sensitive or may_see_sensitive]
    households = []
    for membership in person.household_memberships.select_related("household"):
        members = []
        if membership.valid_to is None:
            members = [
                {"registration_number": m.person.registration_number, "relationship": m.relationship}
                for m in selectors.current_household_members(person)
            ]
        households.append(
            {
                "household_id": membership.household_id,
                "reference": membership.household.reference,
                "relationship": membership.relationship,
                "valid_from": membership.valid_from,
                "valid_to": membership.valid_to,
                "members": members,
            }
        )
    return {
        **_summary(person),
        "birth_date_estimated": person.birth_date_estimated,
        "birth_place": person.birth_place,
        "birth_country": person.birth_country_id,
        "citizenship_status": person.citizenship_status,
        "citizenship": person.citizenship_id,
        "iin": person.iin,
        "names": [
            {
                "kind": n.kind,
                "script": n.script,
                "given_name": n.given_name,
                "family_name": n.family_name,
                "patronymic": n.patronymic,
                "full_name": n.full_name,
            }
            for n in person.names.all()
        ],
        "documents": [
            {
                "type": d.type,
                "number": d.number,
                "issuing_country": d.issuing_country_id,
                "issuer": d.issuer,
                "valid_from": d.valid_from,
                "valid_to": d.valid_to,
            }
            for d in person.documents.all()
        ],
        "addresses": [
            {
                "region": a.region_id,
                "locality": a.locality,
                "line": a.line,
                "phone": a.phone,
                "valid_from": a.valid_from,
                "valid_to": a.valid_to,
            }
            for a in person.addresses.all()
        ],
        "households": households,
        "specific_needs": [
            {
                "code": n.code_id,
                "label": getattr(n.code, f"label_{language}", "") or n.code.label_en,
                "identified_on": n.identified_on,
                "closed_on": n.closed_on,
            }
            for n in shown
        ],
        "specific_needs_withheld": len(shown) < len(needs),
        "consents": [
            {"purpose": c.purpose, "legal_basis": c.legal_basis, "given_on": c.given_on, "withdrawn_on": c.withdrawn_on}
            for c in person.consents.all()
        ],
        "status_events": [_event(e) for e in timeline(person)],
    }


@router.get(
    "/{number}/status-events",
    response={200: list[StatusEventOut], **ERRORS},
    summary="The person's legal-status timeline, corrections included",
)
def status_events(request: HttpRequest, number: str = NUMBER) -> list[dict[str, Any]]:
    person = _get(request, number, purpose="API: status timeline")
    return [_event(e) for e in timeline(person)]


class StatusQuery(Schema):
    as_of: ApiDate | None = Field(None, description=f"The day the status held (default: today). {RANGE_TEXT}")
    known_on: ApiDate | None = Field(
        None, description=f"As recorded by the end of this day (default: now). {RANGE_TEXT}"
    )


@router.get(
    "/{number}/status",
    response={200: StatusOut, **ERRORS},
    summary='The population type "on day D, as we knew it on day K"',
)
def status(request: HttpRequest, when: Query[StatusQuery], number: str = NUMBER) -> dict[str, Any]:
    person = _get(request, number, purpose="API: status as of a day")
    as_of = when.as_of or timezone.localdate()
    known_on = known_on_bound(when.known_on) if when.known_on else timezone.now()
    facts = as_facts(timeline(person))
    return {
        "registration_number": person.registration_number,
        "as_of": as_of,
        "known_on": known_on,
        "population_type": population_on(facts, as_of, known_on),
        "last_event": last_kind_on(facts, as_of, known_on),
    }
