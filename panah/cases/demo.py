"""Demo casework, loaded after the demo registry (`load`; command `panah demo_cases`).

Cases of every kind in every state of their table, opened on persons of the demo registry through the
real services (so every decision is also on the status timeline): asylum claims already on the
timeline adopted by a case and moved to an interview, a postponement, a recognition, a rejection and
an appeal; statelessness determinations; naturalisations; documentation and legal assistance; a
birth-registration case for children without a birth certificate, with obstacles; and residence
permits, permit documents and language certificates that make some refugees and stateless persons
eligible for citizenship (and others missing a condition). Many demo claims are old, so their
decision deadlines are overdue, as the worklist should show.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from panah.accounts.models import Organisation, User
from panah.accounts.scope import unscoped
from panah.cases import selectors, services
from panah.cases.deadlines import add_months
from panah.cases.workflows import CaseKind
from panah.common.demo import PUBLISHED_ON
from panah.registry.models import Document, DocumentType, Person
from panah.status.models import EventKind, StatusEvent
from panah.status.services import record_status_event

ADMIN = "admin"  # the demo's system administrator records the casework
SDP_START = dt.date(2020, 9, 1)  # statelessness determination procedure (Order No. 607)

# For each kind, the steps (from the case's opening) that put a case in each state of its table.
PATHS: dict[str, list[list[str]]] = {
    CaseKind.ASYLUM: [
        [],
        ["interview"],
        ["postpone"],
        ["interview", "recognise"],
        ["interview", "reject"],
        ["reject", "appeal"],
        ["withdraw"],
        ["recognise", "extend", "close"],
    ],
    CaseKind.STATELESSNESS: [
        [],
        ["examine"],
        ["examine", "determine"],
        ["refuse"],
        ["refuse", "appeal"],
        ["confirm_nationality"],
        ["withdraw"],
        ["determine", "close"],
    ],
    CaseKind.NATURALISATION: [[], ["submit"], ["submit", "grant"], ["submit", "refuse"], ["withdraw"]],
    CaseKind.DOCUMENTATION: [[], ["apply"], ["apply", "issue"], ["apply", "refuse"], ["withdraw"]],
    CaseKind.LEGAL_ASSISTANCE: [[], ["file"], ["file", "resolve"], ["close"]],
    CaseKind.BIRTH_REGISTRATION: [[], ["apply"], ["issue"]],
}
# What an officer of the demo writes, in the language they work in (Russian): a note is data, shown as written.
NEEDS_REASON = "Демо: основание записано сотрудником"


def _scan(title: str) -> bytes:
    """A one-page demo PDF, as a scanner writes one."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"Panah demo: {title}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _attach_required(by: Any, case: Any, name: str) -> None:
    """Attach a small demo PDF of each kind of document the step requires (`Transition.requires`)."""
    from panah.evidence.services import attach_file

    step = case.workflow.transition(name)
    for kind in step.requires if step else ():
        attach_file(
            by=by, person=case.person, case=case, kind=kind, data=_scan(f"{kind}, case {case.pk}"), note=NEEDS_REASON
        )


def _walk(by: Any, case: Any, path: list[str], rng: random.Random, today: dt.date) -> None:
    # A case that adopts a claim already on the timeline opens on the claim's date; its steps come after
    # everything the timeline already holds (a decision dated before a recorded rejection is refused).
    last = StatusEvent.objects.filter(person=case.person).order_by("-effective").values_list("effective", flat=True)
    day = max(case.opened_on, last.first() or case.opened_on)
    for name in path:
        day = min(today, day + dt.timedelta(days=rng.randint(20, 120)))
        _attach_required(by, case, name)
        reference = f"D-{case.pk}-{name}" if name in ("issue", "recognise", "determine", "grant") else ""
        services.transition_case(
            by=by, case=case, transition=name, effective=day, note=NEEDS_REASON, decision_reference=reference
        )


def _open_and_walk(
    by: Any,
    person: Person,
    kind: str,
    opened_on: dt.date,
    path: list[str],
    rng: random.Random,
    today: dt.date,
    counts: Counter,
    **extra: Any,
) -> None:
    try:
        with transaction.atomic():
            case = services.open_case(by=by, person=person, kind=kind, opened_on=opened_on, **extra)
            _walk(by, case, path, rng, today)
    except ValidationError:
        counts["skipped"] += 1  # a person whose own timeline does not allow this path: left out
    else:
        counts[kind] += 1


def _since(person: Person) -> dt.date | None:
    last = (
        StatusEvent.objects.filter(person=person, population_type__isnull=False)
        .order_by("-effective", "-recorded_at", "-id")
        .first()
    )
    return last.effective if last else None


def load(*, seed: int = 2017, today: dt.date | None = None, per_state: int = 3) -> Counter:
    """Add demo casework to the demo registry. Returns how many cases of each kind were opened."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    counts: Counter = Counter()
    admin = User.objects.get(username=ADMIN)
    with unscoped("demo casework by the demo's system administrator"), transaction.atomic():

        def pick(population: str, n: int) -> list[Person]:
            return list(
                Person.objects.filter(population_type=population, merged_into__isnull=True)
                .select_related("region")
                .order_by("pk")[: n * 3]
            )

        # Asylum: the open claims on the timeline, adopted by a case.
        paths = PATHS[CaseKind.ASYLUM]
        for i, person in enumerate(pick("ASY", len(paths) * per_state)[: len(paths) * per_state]):
            _open_and_walk(admin, person, CaseKind.ASYLUM, today, paths[i % len(paths)], rng, today, counts)

        # Statelessness determination for persons of undetermined nationality.
        paths = PATHS[CaseKind.STATELESSNESS]
        for i, person in enumerate(pick("UND", len(paths) * per_state)[: len(paths) * per_state]):
            start = max(SDP_START, (_since(person) or SDP_START) + dt.timedelta(days=1))
            opened = min(today, start + dt.timedelta(days=rng.randint(0, 700)))
            _open_and_walk(admin, person, CaseKind.STATELESSNESS, opened, paths[i % len(paths)], rng, today, counts)

        # Naturalisation of stateless persons, and their residence permits (for the eligibility rules).
        stateless = pick("STA", 10 * per_state)
        paths = PATHS[CaseKind.NATURALISATION]
        for i, person in enumerate(stateless[: len(paths) * per_state]):
            opened = min(today, add_months(today, -rng.randint(1, 14)))
            _open_and_walk(admin, person, CaseKind.NATURALISATION, opened, paths[i % len(paths)], rng, today, counts)
        refugees = pick("REF", 4 * per_state)
        for i, person in enumerate(stateless[len(paths) * per_state :] + refugees):
            since = _since(person)
            if since is None:
                continue
            # After the 2017 figures were published, so that they stay as published.
            permit_on = min(today, max(since, PUBLISHED_ON) + dt.timedelta(days=rng.randint(200, 900)))
            try:
                with transaction.atomic():
                    record_status_event(
                        person=person,
                        kind=EventKind.RESIDENCE_PERMIT,
                        effective=permit_on,
                        by=admin,
                        decision_reference=f"CW-RP-{person.pk}",
                    )
                    Document.objects.create(
                        person=person,
                        type=DocumentType.RESIDENCE_PERMIT,
                        number=f"RP{person.pk:07d}",
                        valid_from=permit_on,
                    )
                    if i % 2 == 0:
                        services.record_condition(
                            by=admin,
                            person=person,
                            kind="language_certificate",
                            met_on=min(today, permit_on + dt.timedelta(days=400)),
                        )
            except ValidationError:
                counts["skipped"] += 1
            else:
                counts["residence permits"] += 1

        # Documentation and legal assistance (the partner's own clients, by the partner).
        partner = Organisation.objects.filter(kind=Organisation.Kind.PARTNER).first()
        others = list(
            Person.objects.exclude(population_type="")
            .filter(merged_into__isnull=True)
            .select_related("region")
            .order_by("-pk")[:40]
        )
        for kind in (CaseKind.DOCUMENTATION, CaseKind.LEGAL_ASSISTANCE):
            paths = PATHS[kind]
            for i, person in enumerate(others[: len(paths) * per_state]):
                organisation = None
                if (
                    kind == CaseKind.LEGAL_ASSISTANCE
                    and partner
                    and partner.regions.filter(pk=person.region_id).exists()
                ):
                    organisation = partner
                opened = add_months(today, -rng.randint(1, 10))
                _open_and_walk(
                    admin, person, kind, opened, paths[i % len(paths)], rng, today, counts, organisation=organisation
                )
            others = others[len(paths) * per_state :]

        # Birth registration for children without a certificate; obstacles on some.
        paths = PATHS[CaseKind.BIRTH_REGISTRATION]
        children = list(selectors.children_without_certificate(today).order_by("birth_date")[: 6 * per_state])
        obstacles = ["parents_undocumented", "no_marriage", "missed_deadline"]
        for i, child in enumerate(children):
            opened = min(today, child.birth_date + dt.timedelta(days=rng.randint(10, 200)))
            path = paths[i % len(paths)] if i < len(paths) * per_state else []
            _open_and_walk(admin, child, CaseKind.BIRTH_REGISTRATION, opened, path, rng, today, counts)
            if not path and i % 2 == 0:
                case = child.cases.filter(kind=CaseKind.BIRTH_REGISTRATION, closed_on__isnull=True).first()
                if case is not None:
                    services.record_obstacle(
                        by=admin, case=case, kind=obstacles[i % 3], found_on=min(today, opened + dt.timedelta(days=15))
                    )
                    counts["obstacles"] += 1
    return counts


def load_unscoped(**kwargs: Any) -> Counter:
    with unscoped("demo casework"):
        return load(**kwargs)
