"""The shapes the API reads and writes. Field names follow the person file (ARCHITECTURE.md 3.1)
where one exists."""

import datetime as dt
from typing import Any

from ninja import Schema

from panah.common.dates import Instant

# Text a person could type: anything but NUL, which no text column can hold (PostgreSQL refuses it).
TEXT = r"^[^\x00]*$"
REGION_CODE = r"^[A-Z]{2}-[A-Z0-9]{1,3}$"
ORGANISATION_CODE = r"^[-a-zA-Z0-9_]+$"
COUNTRY_CODE = r"^[A-Za-z]{3}$"
REGISTRATION_NUMBER = r"PN-[0-9]{7}-[0-9]"


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


# Every operation may answer these; listing them keeps the OpenAPI schema honest about it.
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class MembershipOut(Schema):
    organisation: str
    role: str
    regions: list[str]


class MeOut(Schema):
    username: str
    token_expires_at: dt.datetime | None
    memberships: list[MembershipOut]


class NameOut(Schema):
    kind: str
    script: str
    given_name: str
    family_name: str
    patronymic: str
    full_name: str


class DocumentOut(Schema):
    type: str
    number: str
    issuing_country: str | None
    issuer: str
    valid_from: dt.date | None
    valid_to: dt.date | None


class AddressOut(Schema):
    region: str
    locality: str
    line: str
    phone: str
    valid_from: dt.date
    valid_to: dt.date | None


class HouseholdMemberOut(Schema):
    registration_number: str
    relationship: str


class HouseholdOut(Schema):
    household_id: int
    reference: str
    relationship: str
    valid_from: dt.date
    valid_to: dt.date | None
    members: list[HouseholdMemberOut]  # the other current members the caller may see


class SpecificNeedOut(Schema):
    code: str
    label: str
    identified_on: dt.date
    closed_on: dt.date | None


class ConsentOut(Schema):
    purpose: str
    legal_basis: str
    given_on: dt.date
    withdrawn_on: dt.date | None


class StatusEventOut(Schema):
    id: int
    kind: str
    population_type: str | None  # null: leaves the population type as it was; "": exits every stock
    effective: dt.date
    recorded_at: dt.datetime
    organisation: str | None
    application_type: str
    decision_reference: str
    supersedes: int | None


class PersonSummaryOut(Schema):
    registration_number: str
    name: str
    sex: str
    birth_date: dt.date | None
    birth_date_precision: str
    region: str
    organisation: str
    population_type: str
    country_of_origin: str | None
    updated_at: dt.datetime


class PersonPageOut(Schema):
    items: list[PersonSummaryOut]
    next: str | None  # the `after` value of the next page; null on the last page


class PersonOut(PersonSummaryOut):
    birth_date_estimated: bool
    birth_place: str
    birth_country: str | None
    citizenship_status: str
    citizenship: str | None
    iin: str
    names: list[NameOut]
    documents: list[DocumentOut]
    addresses: list[AddressOut]
    households: list[HouseholdOut]
    specific_needs: list[SpecificNeedOut]
    specific_needs_withheld: bool  # highly sensitive needs exist the caller's role may not see
    consents: list[ConsentOut]
    status_events: list[StatusEventOut]


class StatusOut(Schema):
    registration_number: str
    as_of: dt.date
    known_on: Instant
    population_type: str  # "" when the person was in no population on that day
    last_event: str | None


class ReleaseSummaryOut(Schema):
    reference: str
    title: str
    as_of: dt.date
    known_on: Instant
    published_at: dt.datetime
    content_hash: str


class ReleaseOut(ReleaseSummaryOut):
    parameters: dict[str, Any]
    figures: dict[str, Any]


class StatisticsOut(Schema):
    as_of: str
    known_on: str
    stock: dict[str, int | None]
    tables: dict[str, Any]
    regions: list[str] | None
    disclosure: dict[str, Any]


class ImportRunOut(Schema):
    id: int
    file_name: str
    organisation: str
    dry_run: bool
    skip_invalid: bool
    state: str
    rows: int
    errors: int
    created: int
    progress: int | None  # percent done while the job runs
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    report_url: str | None


class ImportReportOut(Schema):
    id: int
    state: str
    report: dict[str, Any]
