"""Helpers for casework tests: households with children, documents, and dated rule versions."""

import datetime as dt
from typing import Any

import factory

from panah.accounts.scope import unscoped
from panah.cases.models import DeadlineRule, EligibilityRule
from panah.registry.models import Document, Household, HouseholdMember
from tests.factories import PersonFactory, country


class DeadlineRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeadlineRule

    code = factory.Sequence(lambda n: f"test.rule{n}")
    title = "Test rule"
    legal_reference = "Test Act, Art. 1"
    valid_from = dt.date(2000, 1, 1)
    period = 10
    unit = "calendar_days"


class EligibilityRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityRule

    code = factory.Sequence(lambda n: f"test.eligibility{n}")
    goal = "citizenship"
    title = "Test eligibility"
    legal_reference = "Test Act, Art. 2"
    valid_from = dt.date(2000, 1, 1)
    population_types = factory.LazyFunction(lambda: ["REF", "STA"])
    years = 5
    counts_from = "residence_permit"


def household(head: Any, *members: tuple[Any, str], since: dt.date = dt.date(2015, 1, 1)) -> Household:
    """A household with `head` and (person, relationship) members, all current."""
    with unscoped("test factory"):
        home = Household.objects.create(organisation=head.organisation, reference=f"HH-{head.pk}")
        HouseholdMember._base_manager.create(household=home, person=head, relationship="head", valid_from=since)
        for person, relationship in members:
            HouseholdMember._base_manager.create(
                household=home, person=person, relationship=relationship, valid_from=since
            )
    return home


def child(
    *, born: dt.date, organisation: Any, region: Any, name: tuple[str, str], in_kazakhstan: bool = True, **extra: Any
) -> Any:
    return PersonFactory(
        organisation=organisation,
        region=region,
        birth_date=born,
        name=name,
        birth_country=country("KAZ") if in_kazakhstan else country("AFG"),
        **extra,
    )


def document(
    person: Any, type: str, number: str, valid_from: dt.date | None = None, valid_to: dt.date | None = None
) -> Document:
    with unscoped("test factory"):
        return Document._base_manager.create(
            person=person, type=type, number=number, valid_from=valid_from, valid_to=valid_to
        )


def consent(
    person: Any,
    *,
    taken_by: Any,
    given_on: dt.date = dt.date(2020, 1, 1),
    withdrawn_on: dt.date | None = None,
    purpose: str = "Sharing with partners for assistance",
) -> Any:
    """A consent of `person` (registry.Consent) given on `given_on`, withdrawn on `withdrawn_on` if given."""
    from panah.registry.models import Consent

    with unscoped("test factory"):
        return Consent._base_manager.create(
            person=person, purpose=purpose, given_on=given_on, withdrawn_on=withdrawn_on, taken_by=taken_by
        )


def pdf(title: str = "", password: str = "") -> bytes:
    """A one-page PDF as a scanner writes it (with `title` in its metadata, locked with `password`)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if title:
        writer.add_metadata({"/Title": title})
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


SCAN = pdf()


def attach_required(case: Any, transition: str, by: Any) -> None:
    """Attach a small PDF of every kind of document the step requires (`Transition.requires`), as an officer
    would scan them before taking it."""
    from panah.evidence.services import attach_file

    step = case.workflow.transition(transition)
    with unscoped("test set-up: the documents a step requires"):
        for kind in step.requires if step else ():
            attach_file(by=by, person=case.person, case=case, kind=kind, data=SCAN)
