"""Writes to the registry. Each service is one transaction: validate, write, keep the search index
and the denormalised region up to date, and append the audit entry."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, ExtractYear
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import luhn

from panah.accounts.models import Organisation, User
from panah.accounts.permissions import Target, require
from panah.accounts.roles import Action
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.common.phrases import fields as field_names
from panah.common.phrases import label
from panah.common.phrases import region as region_param
from panah.registry import names as name_keys
from panah.registry.models import (
    Address,
    Consent,
    Document,
    Household,
    HouseholdMember,
    NameToken,
    Person,
    PersonName,
    Relationship,
    SpecificNeed,
)
from panah.stats.facts import refresh_person as refresh_person_facts

REGISTRATION_PREFIX = "PN"


def registration_number_for(pk: int) -> str:
    """PN-0012345-7: the database id, zero-padded, with a Luhn check digit against typing errors."""
    digits = f"{pk:07d}"
    return f"{REGISTRATION_PREFIX}-{digits}-{luhn.calc_check_digit(digits)}"


def name_tokens(person_id: int, name: PersonName, birth_date: dt.date | None = None) -> list[NameToken]:
    year = birth_date.year if birth_date else 0
    return [
        NameToken(person_id=person_id, name=name, key=key[:60], skeleton=skel[:60], birth_year=year)
        for key, skel in name_keys.word_keys(name.text)
    ]


def reindex_names(person: Person) -> None:
    """Rebuild the search tokens of one person's names."""
    NameToken.objects.filter(person=person).delete()
    NameToken.objects.bulk_create(
        [
            token
            for name in PersonName.objects.filter(person=person)
            for token in name_tokens(person.pk, name, person.birth_date)
        ]
    )


def sync_token_birth_years(person_ids: Iterable[int]) -> None:
    """Copy each person's birth year onto their name tokens (after a birth date changed, or names
    moved to another person in a merge)."""
    year = Person._base_manager.filter(pk=OuterRef("person_id")).values(year=Coalesce(ExtractYear("birth_date"), 0))
    NameToken._base_manager.filter(person_id__in=list(person_ids)).update(birth_year=Subquery(year[:1]))


def _validated(instance: Any, exclude: Iterable[str] = ()) -> Any:
    instance.full_clean(exclude=list(exclude))
    return instance


def place(organisation: Organisation | int, region: Any) -> Target:
    """An organisation in a region, as the policy reads a place to register a person in."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    region_code = getattr(region, "pk", region)
    return Target(
        label=f"accounts.Organisation:{organisation_id} in {region_code}",
        organisation_id=organisation_id,
        region_code=region_code,
    )


@transaction.atomic
def register_person(
    *,
    by: User,
    organisation: Any,
    person: Mapping[str, Any],
    names: Iterable[Mapping[str, Any]],
    address: Mapping[str, Any],
    documents: Iterable[Mapping[str, Any]] = (),
    registered_on: dt.date | None = None,
    consent: Mapping[str, Any] | None = None,
) -> Person:
    """Register a new person of concern.

    Side effects: the Person with a registration number, names and their search tokens (and their
    counts in the name frequencies the duplicate check reads, `matching.services.count_names`), the first
    address (which sets the region), documents, the consent given at registration (`purpose`, `legal_basis`,
    `language`, `contact_by_sms`), the first version of its statistical attributes, one audit entry (whether
    consent and SMS contact were given).
    Raises Refused when `by` may not register for `organisation` in that region, and
    ValidationError (by field) for impossible data.
    """
    region = address["region"]
    require(by, Action.REGISTER_PERSON, place(organisation, region))
    new = Person(organisation=organisation, region=region, created_by=by if getattr(by, "pk", None) else None, **person)
    _validated(new)
    new.save()
    new.registration_number = registration_number_for(new.pk)
    Person.objects.filter(pk=new.pk).update(registration_number=new.registration_number)

    name_rows = list(names)
    if not name_rows:
        raise ValidationError({"names": _("Give at least one name.")})
    saved = []
    for position, fields in enumerate(name_rows):
        name = _validated(PersonName(person=new, position=position, **fields))
        name.save()
        NameToken.objects.bulk_create(name_tokens(new.pk, name, new.birth_date))
        saved.append(name)
    count_names(saved)
    since = address.get("valid_from") or registered_on or timezone.localdate()
    _validated(Address(person=new, **{**address, "valid_from": since})).save()
    for fields in documents:
        _validated(Document(person=new, **fields), exclude=["number_key"]).save()
    if consent and consent.get("purpose"):
        _validated(
            Consent(
                person=new,
                purpose=consent["purpose"],
                legal_basis=consent.get("legal_basis") or Consent.LegalBasis.CONSENT,
                given_on=consent.get("given_on") or registered_on or timezone.localdate(),
                language=consent.get("language", ""),
                contact_by_sms=bool(consent.get("contact_by_sms")),
                taken_by=by,
            )
        ).save()
    refresh_person_facts(new.pk)  # keeps the attributes as first registered, for figures as known before a correction

    record(
        by=by,
        action=AuditEntry.Action.CREATE,
        obj=new,
        person=new,
        organisation=organisation,
        message="registered",
        params={"number": new.registration_number},
        changes={
            "consent": bool(consent and consent.get("purpose")),
            "contact_by_sms": bool(consent and consent.get("purpose") and consent.get("contact_by_sms")),
        },
    )
    return new


AUDITED_FIELDS = [
    "sex",
    "birth_date",
    "birth_date_precision",
    "birth_date_estimated",
    "birth_place",
    "birth_country",
    "country_of_origin",
    "citizenship_status",
    "citizenship",
    "iin",
]


# Fields that feed the statistics index: a change rebuilds the person's rows.
STATISTICAL_FIELDS = {"sex", "birth_date", "birth_date_precision", "country_of_origin"}


@transaction.atomic
def update_person(*, by: User, person: Person, changes: Mapping[str, Any], reason: str = "") -> Person:
    """Change a person's own fields.

    Side effects: the Person row; its statistics rows when sex, birth date or origin change; one audit
    entry listing old and new values.
    """
    require(by, Action.CHANGE_PERSON, person)
    before = model_to_dict(person, fields=AUDITED_FIELDS)
    for field, value in changes.items():
        if field not in AUDITED_FIELDS:
            raise ValidationError({field: _("This field cannot be changed here.")})
        setattr(person, field, value)
    _validated(person)
    person.save()
    after = model_to_dict(person, fields=AUDITED_FIELDS)
    diff = {f: [str(before[f]), str(after[f])] for f in AUDITED_FIELDS if before[f] != after[f]}
    if diff.keys() & STATISTICAL_FIELDS:
        refresh_person_facts(person.pk)
    if "birth_date" in diff:
        sync_token_birth_years([person.pk])
    if diff:
        record(
            by=by,
            action=AuditEntry.Action.CHANGE,
            obj=person,
            person=person,
            message="changed_fields",
            params={"fields": field_names("registry.Person", list(diff))},
            changes=diff,
            purpose=reason,
        )
    return person


@transaction.atomic
def set_names(*, by: User, person: Person, names: Iterable[Mapping[str, Any]]) -> None:
    """Replace a person's names. Side effects: names, search tokens, the name frequencies
    (`matching.services.count_names`), one audit entry with old and new names."""
    require(by, Action.CHANGE_PERSON, person)
    old = [n.display for n in PersonName.objects.filter(person=person)]
    rows = [
        _validated(PersonName(person=person, position=i, **fields), exclude=["person"])
        for i, fields in enumerate(names)
    ]
    if not rows:
        raise ValidationError({"names": _("Give at least one name.")})
    count_names(PersonName.objects.filter(person=person), removed=True)
    PersonName.objects.filter(person=person).delete()
    for row in rows:
        row.save()
    count_names(rows)
    reindex_names(person)
    new = [n.display for n in rows]
    if old != new:
        record(
            by=by,
            action=AuditEntry.Action.CHANGE,
            obj=person,
            person=person,
            message="changed_names",
            changes={"names": [old, new]},
        )


@transaction.atomic
def move_person(*, by: User, person: Person, address: Mapping[str, Any]) -> Address:
    """Record a new address from its `valid_from`; the previous one ends that day.

    Side effects: closes the current address, adds the new one, sets the person's region, rebuilds
    the person's statistics rows, audit entry.
    Moving to another region may take the person out of the mover's own scope; that is allowed
    only if the mover may also register in the new region.
    """
    require(by, Action.CHANGE_PERSON, person)
    new_region = address["region"]
    if new_region.pk != person.region_id:
        require(by, Action.REGISTER_PERSON, place(person.organisation_id, new_region))
    since = address["valid_from"]
    current = Address.objects.filter(person=person, valid_to__isnull=True).first()
    if current is not None:
        if since <= current.valid_from:
            raise ValidationError(
                {
                    "valid_from": _("The new address must start after the current one (%(date)s).")
                    % {"date": current.valid_from.isoformat()}
                }
            )
        Address.objects.filter(pk=current.pk).update(valid_to=since)
    new = _validated(Address(person=person, **address))
    new.save()
    refresh_person_facts(person.pk)
    if since <= timezone.localdate() and person.region_id != new_region.pk:
        old_region = person.region_id
        Person.objects.filter(pk=person.pk).update(region=new_region)
        person.region = new_region
        record(
            by=by,
            action=AuditEntry.Action.CHANGE,
            obj=person,
            person=person,
            message="moved_region",
            params={"old": region_param(old_region), "new": region_param(new_region.pk)},
            changes={"region": [old_region, new_region.pk]},
        )
    return new


@transaction.atomic
def add_document(*, by: User, person: Person, fields: Mapping[str, Any]) -> Document:
    """Side effects: one Document, one audit entry."""
    require(by, Action.CHANGE_PERSON, person)
    document = _validated(Document(person=person, **fields), exclude=["number_key"])
    document.save()
    record(
        by=by,
        action=AuditEntry.Action.CHANGE,
        obj=document,
        person=person,
        message="document_added",
        params={"type": label("registry.Document.type", document.type)},
    )
    return document


@transaction.atomic
def add_specific_need(
    *, by: User, person: Person, code: Any, identified_on: dt.date, organisation: Any, note: str = ""
) -> SpecificNeed:
    """Side effects: one SpecificNeed, one audit entry (naming the code, not the note)."""
    require(by, Action.CHANGE_PERSON, person)
    if identified_on > timezone.localdate():
        raise ValidationError({"identified_on": _("The date cannot be in the future.")})
    if SpecificNeed.objects.filter(person=person, code=code, closed_on__isnull=True).exists():
        raise ValidationError({"code": _("This specific need is already recorded and open.")})
    need = _validated(
        SpecificNeed(person=person, code=code, identified_on=identified_on, identified_by=organisation, note=note)
    )
    need.save()
    record(
        by=by,
        action=AuditEntry.Action.CHANGE,
        obj=need,
        person=person,
        message="specific_need",
        params={"code": code.pk},
    )
    return need


@transaction.atomic
def join_household(*, by: User, person: Person, head: Person, relationship: str, since: dt.date) -> HouseholdMember:
    """Make `person` a member of the household that `head` heads (created if `head` heads none yet).

    Side effects: ends the person's current household membership the day before `since`, creates the
    household and the head's membership if needed, one new membership, one audit entry.
    """
    for someone in (person, head):
        require(by, Action.CHANGE_PERSON, someone)
    if person.pk == head.pk:
        raise ValidationError({"head": _("A person cannot join a household through themselves.")})
    head_membership = HouseholdMember.objects.filter(person=head, valid_to__isnull=True).first()
    if head_membership is None:
        household = Household.objects.create(organisation=head.organisation, reference=f"HH-{head.registration_number}")
        head_membership = HouseholdMember.objects.create(
            household=household, person=head, relationship=Relationship.HEAD, valid_from=since
        )
    household = head_membership.household
    current = HouseholdMember.objects.filter(person=person, valid_to__isnull=True).first()
    if current is not None:
        if current.household_id == household.pk:
            raise ValidationError({"head": _("The person is already in this household.")})
        if since <= current.valid_from:
            raise ValidationError({"since": _("The new membership must start after the current one.")})
        HouseholdMember.objects.filter(pk=current.pk).update(valid_to=since)
    member = _validated(
        HouseholdMember(household=household, person=person, relationship=relationship, valid_from=since)
    )
    member.save()
    record(
        by=by,
        action=AuditEntry.Action.CHANGE,
        obj=member,
        person=person,
        message="joined_household",
        params={
            "household": str(household),
            "relationship": label("registry.HouseholdMember.relationship", relationship),
        },
    )
    return member


def view_person(*, by: User, registration_number: str, purpose: str = "") -> Person:
    """Fetch a person for display and audit the view, within the caller's hourly read quota.

    Side effects: one audit entry. Raises Http404 outside the caller's scope, Refused past the read quota."""
    from panah.audit.services import record_reads
    from panah.registry.selectors import get_person

    person = get_person(registration_number)
    record_reads(by=by, persons=[person], purpose=purpose, obj=person)
    return person


def count_names(names: Any, *, removed: bool = False) -> None:
    # Matching reads the registry (and imports these services), so its upkeep is imported when called.
    from panah.matching.services import count_names as count

    count(names, removed=removed)
