"""Reads of casework. Which cases a user may reach is answered here, once (`cases_for_user`): a case of a
person inside the user's view scope (the scoping layer, through `Case.person_scope_path`), on the bases
the authorisation policy gives the action (the organisation handling it, an agreement, a referral).

Lists and reports are database aggregations, never Python loops over persons.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from panah.accounts.models import User
from panah.accounts.permissions import POLICY, Basis, may, note_refusal
from panah.accounts.roles import Action
from panah.accounts.scope import organisation_scope, scope_for, unscoped, use_scope
from panah.cases import deadlines
from panah.cases.models import (
    Case,
    CaseEvent,
    CaseTask,
    ConditionKind,
    DeadlineRule,
    EligibilityRule,
    PersonCondition,
    Referral,
    ResidenceFrom,
)
from panah.cases.referral_workflow import ReferralState
from panah.cases.workflows import CaseKind
from panah.registry.models import Document, DocumentType, HouseholdMember, Person, PersonName, Relationship
from panah.status.models import RESULTING_POPULATION, EventKind, StatusEvent
from panah.status.selectors import known_events
from panah.status.timeline import as_facts
from panah.status.timeline import known_events as known_facts

SOON_DAYS = 14
KAZAKHSTAN = "KAZ"


def _names() -> Prefetch:
    return Prefetch("person__names", queryset=PersonName.objects.order_by("position", "id"))


def cases_for_user(user: User, action: str = Action.VIEW_CASES) -> QuerySet[Case]:
    """The cases `user` may reach for `action`, by the bases the policy gives it
    (`permissions.POLICY[action]`): of the persons in the user's view scope, the cases handled by the
    user's organisations in their regions, those whose handling organisation grants the action to the
    user's under an active agreement, and those an accepted referral assigns to the user's organisation."""
    handled = scope_for(user, action)  # own organisations and what agreements grant, by case organisation
    assigned = organisation_scope(user, action) if Basis.REFERRAL in POLICY[action].bases else None
    by_referral = Q(pk__in=[])
    if assigned is not None and (assigned.everything or assigned.grants):
        accepted = Referral._base_manager.filter(case_id=OuterRef("pk"), state=ReferralState.ACCEPTED).filter(
            assigned.q(organisation="to_organisation")
        )
        by_referral = Q(Exists(accepted))
    reached = Q() if handled.everything else handled.q() | by_referral  # (an empty Q would vanish in the |)
    with use_scope(scope_for(user, Action.VIEW_PERSON)):
        return (
            Case.objects.filter(reached)
            .select_related("person", "region", "organisation", "assigned_to")
            .prefetch_related(_names())
        )


def get_case_for_user(user: User, pk: int, action: str = Action.VIEW_CASES) -> Case:
    """One case `user` may reach, or 404: the same for "no such case" and "not yours"; a case that exists
    outside the caller's reach is noted as a refused attempt."""
    case = cases_for_user(user, action).filter(pk=pk).first()
    if case is None:
        with unscoped("is the case the caller cannot reach there at all? (for the refusal's audit entry)"):
            exists = Case.objects.filter(pk=pk).select_related("person").first()
        if exists is not None:
            note_refusal(user, action, exists.policy_target(), reason="out_of_scope")
        raise Http404(_("No such case."))
    return case


def untracked_children_for(user: User, on: dt.date) -> list[Person]:
    """Children of concern without a birth certificate and without a birth-registration case, among the
    persons `user` may open cases for."""
    with use_scope(scope_for(user, Action.OPEN_CASES)):
        tracked = Case.objects.filter(kind=CaseKind.BIRTH_REGISTRATION).values("person_id")
        return list(children_without_certificate(on).exclude(pk__in=tracked).select_related("region"))


def kinds_user_may_open(user: User, person: Person) -> list[str]:
    """The kinds of case `user` may open for `person`: the state procedures only for the competent state body."""
    from panah.cases.workflows import STATE_PROCEDURES

    may_open = may(user, Action.OPEN_CASES, person)
    may_register = may(user, Action.OPEN_STATE_PROCEDURES, person)
    return [k for k in CaseKind.values if (may_register if k in STATE_PROCEDURES else may_open)]


def cases_of_person(user: User, person: Person) -> list[Case]:
    """The cases of `person` that `user` may see, newest first."""
    return list(cases_for_user(user).filter(person=person).order_by("-opened_on", "-id"))


def history(case: Case) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(case=case).select_related(
            "case",
            "recorded_by",
            "from_region",
            "to_region",
            "from_organisation",
            "to_organisation",
            "assigned_to",
            "status_event",
        )
    )


# ---- worklist and regional overview ----------------------------------------------------------------


@dataclass
class Worklist:
    today: dt.date
    overdue: list[Case] = field(default_factory=list)
    due_soon: list[Case] = field(default_factory=list)
    tasks: list[CaseTask] = field(default_factory=list)
    children: list[Person] = field(default_factory=list)
    mine_only: bool = True


def worklist(user: User, *, today: dt.date | None = None, mine_only: bool = True, limit: int = 100) -> Worklist:
    """An officer's day: open cases overdue or due within SOON_DAYS, open tasks, and children past the
    alert age without a birth certificate. `mine_only`: the cases assigned to the user, and the
    unassigned ones of the user's scope; otherwise every case of the scope."""
    today = today or timezone.localdate()
    cases = cases_for_user(user).filter(closed_on__isnull=True, due_on__isnull=False)
    if mine_only:
        cases = cases.filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
    result = Worklist(today=today, mine_only=mine_only)
    result.overdue = list(cases.filter(due_on__lt=today).order_by("due_on", "id")[:limit])
    result.due_soon = list(
        cases.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=SOON_DAYS)).order_by("due_on", "id")[
            :limit
        ]
    )
    with use_scope(scope_for(user, Action.VIEW_PERSON)):
        tasks = CaseTask.objects.filter(done_on__isnull=True, case__in=cases_for_user(user).values("pk"))
        tasks = tasks.select_related("case", "case__person")
    if mine_only:
        tasks = tasks.filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
    result.tasks = list(tasks.order_by("due_on", "id")[:limit])
    with use_scope(scope_for(user, Action.VIEW_PERSON)):
        result.children = list(
            children_past_alert_age(today)
            .select_related("region")
            .prefetch_related(Prefetch("names", queryset=PersonName.objects.order_by("position", "id")))[:limit]
        )
    return result


def regional_overview(user: User, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per region handling cases: open cases, overdue, due soon, by kind: one grouped query."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=SOON_DAYS)
    rows = (
        cases_for_user(user)
        .filter(closed_on__isnull=True)
        .values("region_id", "region__name_en", "region__name_ru", "region__name_kk", "kind")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(due_on__lt=today)),
            soon=Count("id", filter=Q(due_on__gte=today, due_on__lte=soon)),
        )
        .order_by("region_id", "kind")
    )
    return list(rows)


# ---- birth registration ----------------------------------------------------------------------------


def _without_certificate(as_of: dt.date) -> Q:
    certificate = Document.objects.filter(person=OuterRef("pk"), type=DocumentType.BIRTH_CERTIFICATE)
    issued = Case.objects.filter(
        person=OuterRef("pk"), kind=CaseKind.BIRTH_REGISTRATION, state="certificate_issued", closed_on__lte=as_of
    )
    return ~Exists(certificate) & ~Exists(issued)


def children_of_concern(as_of: dt.date) -> QuerySet[Person]:
    """Children under 18 on `as_of`, born in Kazakhstan, of persons of concern: a child with a
    birth-registration case, or a son, daughter or grandchild in a current household with a member of
    concern (any population type). Persons inside the open scope only."""
    eighteen_years_ago = deadlines.add_months(as_of, -12 * 18)
    in_household_of_concern = HouseholdMember.objects.filter(
        person=OuterRef("pk"),
        valid_to__isnull=True,
        relationship__in=[Relationship.CHILD, Relationship.GRANDCHILD],
    ).filter(
        Exists(
            HouseholdMember._base_manager.filter(household_id=OuterRef("household_id"), valid_to__isnull=True)
            .exclude(person_id=OuterRef("person_id"))
            .exclude(person__population_type="")
        )
    )
    tracked = Case.objects.filter(person=OuterRef("pk"), kind=CaseKind.BIRTH_REGISTRATION)
    return Person.objects.filter(
        merged_into__isnull=True,
        birth_country_id=KAZAKHSTAN,
        birth_date__gt=eighteen_years_ago,
        birth_date__lte=as_of,
    ).filter(Exists(tracked) | Exists(in_household_of_concern))


def children_without_certificate(as_of: dt.date) -> QuerySet[Person]:
    return children_of_concern(as_of).filter(_without_certificate(as_of))


def alert_age_rule(as_of: dt.date) -> DeadlineRule | None:
    return deadlines.rule_for("birth.certificate_alert", opened_on=as_of, on=as_of)


def children_past_alert_age(as_of: dt.date) -> QuerySet[Person]:
    """Children without a birth certificate older than the configured alert age (rule birth.certificate_alert)."""
    rule = alert_age_rule(as_of)
    if rule is None:
        return Person.objects.none()
    # Born on or before this day means past the alert age on `as_of`.
    latest_birth = (
        deadlines.add_months(as_of, -rule.period) if rule.unit == "months" else as_of - dt.timedelta(days=rule.period)
    )
    return children_without_certificate(as_of).filter(birth_date__lte=latest_birth).order_by("birth_date", "id")


AGE_GROUPS = ["0", "1", "2", "3", "4", "5-11", "12-17"]


def _age_expression(as_of: dt.date) -> SqlCase:
    """Age group on `as_of` from the birth date, in SQL: the birth-date bounds are computed here."""
    whens = [
        When(birth_date__gt=deadlines.add_months(as_of, -12 * (age + 1)), then=Value(str(age))) for age in range(5)
    ]
    whens.append(When(birth_date__gt=deadlines.add_months(as_of, -12 * 12), then=Value("5-11")))
    return SqlCase(*whens, default=Value("12-17"), output_field=CharField())


def _parents_status() -> Subquery:
    """The population type of the head of the child's current household (the parent, as registered)."""
    household = HouseholdMember._base_manager.filter(person_id=OuterRef(OuterRef("pk")), valid_to__isnull=True)
    head = HouseholdMember._base_manager.filter(
        household_id=Subquery(household.values("household_id")[:1]),
        relationship=Relationship.HEAD,
        valid_to__isnull=True,
    ).exclude(person_id=OuterRef("pk"))
    return Subquery(head.values("person__population_type")[:1], output_field=CharField())


def birth_report(as_of: dt.date) -> list[dict[str, Any]]:
    """Children without a birth certificate on `as_of` by region, age group and parents' status:
    one grouped query. Rows: region, age, parents (population type or "" when none is known), n."""
    rows = (
        children_without_certificate(as_of)
        .annotate(age=_age_expression(as_of), parents=_parents_status())
        .values("region_id", "age", "parents")
        .annotate(n=Count("id"))
        .order_by("region_id", "age", "parents")
    )
    return [{**row, "parents": row["parents"] or ""} for row in rows]


# ---- eligibility -----------------------------------------------------------------------------------


def rules_in_force(on: dt.date) -> list[EligibilityRule]:
    """The latest version of each eligibility rule in force on `on`."""
    latest: dict[str, EligibilityRule] = {}
    for rule in EligibilityRule.objects.filter(valid_from__lte=on).order_by("code", "valid_from"):
        latest[rule.code] = rule
    return list(latest.values())


def _month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).month != day.month


def latest_start_for(on: dt.date, years: int) -> dt.date:
    """The latest start date from which `years` years have passed on `on` (add_months(start) <= on)."""
    cutoff = deadlines.add_months(on, -12 * years)
    if _month_end(on):
        next_month = deadlines.add_months(cutoff.replace(day=1), 1)
        cutoff = next_month - dt.timedelta(days=1)
    return cutoff


def _residence_start_expression(rule: EligibilityRule, now: dt.datetime) -> Subquery:
    events = known_events(now).filter(person=OuterRef("pk"))
    if rule.counts_from == ResidenceFrom.RESIDENCE_PERMIT:
        first = events.filter(kind=EventKind.RESIDENCE_PERMIT).order_by("effective", "recorded_at", "id")
        return Subquery(first.values("effective")[:1], output_field=DateField())
    # Since when the person holds the population type they hold now: the last event that set it.
    last = events.filter(population_type__isnull=False).order_by("-effective", "-recorded_at", "-id")
    return Subquery(last.values("effective")[:1], output_field=DateField())


def eligible_persons(rule: EligibilityRule, on: dt.date) -> QuerySet[Any]:
    """Persons of the open scope eligible under `rule` on `on`, annotated `residence_since`: one query."""
    now = timezone.now()
    persons = (
        Person.objects.filter(merged_into__isnull=True, population_type__in=rule.population_types)
        .annotate(residence_since=_residence_start_expression(rule, now))
        .filter(residence_since__lte=latest_start_for(on, rule.years))
    )
    for document_type in rule.required_documents:
        persons = persons.filter(
            Exists(
                Document.objects.filter(
                    Q(valid_to__isnull=True) | Q(valid_to__gte=on),
                    person=OuterRef("pk"),
                    type=document_type,
                )
            )
        )
    for kind in rule.required_conditions:
        persons = persons.filter(
            Exists(
                PersonCondition.objects.filter(
                    Q(until__isnull=True) | Q(until__gte=on),
                    person=OuterRef("pk"),
                    kind=kind,
                    met_on__lte=on,
                )
            )
        )
    return persons


@dataclass
class EligibleRow:
    person: Person
    rule: EligibilityRule
    since: dt.date
    eligible_from: dt.date


def eligible_now(on: dt.date | None = None, *, limit: int = 500) -> list[EligibleRow]:
    """Persons of the open scope eligible on `on` under any rule in force, by region then number."""
    on = on or timezone.localdate()
    rows: list[EligibleRow] = []
    for rule in rules_in_force(on):
        persons = (
            eligible_persons(rule, on)
            .select_related("region")
            .prefetch_related(Prefetch("names", queryset=PersonName.objects.order_by("position", "id")))[:limit]
        )
        rows.extend(
            EligibleRow(p, rule, p.residence_since, deadlines.add_months(p.residence_since, 12 * rule.years))
            for p in persons
        )
    return sorted(rows, key=lambda r: (r.person.region.name, r.person.registration_number or "", r.rule.code))


def eligible_by_region(on: dt.date | None = None) -> list[dict[str, Any]]:
    """How many persons of the open scope are eligible on `on`, by region and rule: one grouped query a rule."""
    on = on or timezone.localdate()
    rows: list[dict[str, Any]] = []
    for rule in rules_in_force(on):
        counts = eligible_persons(rule, on).values("region_id").annotate(n=Count("id")).order_by("region_id")
        rows.extend({"region_id": row["region_id"], "rule": rule, "n": row["n"]} for row in counts)
    return sorted(rows, key=lambda r: (r["region_id"], r["rule"].code))


@dataclass
class Eligibility:
    rule: EligibilityRule
    since: dt.date | None
    eligible_from: dt.date | None
    met: list[str]
    missing: list[str]

    @property
    def eligible_now(self) -> bool:
        return not self.missing


def explain_eligibility(person: Person, on: dt.date | None = None) -> list[Eligibility]:
    """For one person: each rule in force that applies to their population type, with the conditions met
    and missing ("eligible from 2019-03-12: 5 years of lawful residence; missing: language certificate")."""
    on = on or timezone.localdate()
    now = timezone.now()
    facts = known_facts(as_facts(StatusEvent.objects.filter(person=person)), now)
    documents = list(Document.objects.filter(person=person))
    conditions = list(PersonCondition.objects.filter(person=person))
    results = []
    for rule in rules_in_force(on):
        if person.population_type not in rule.population_types:
            continue
        ordered = sorted(facts, key=lambda f: (f.effective, f.recorded_at, f.id))
        if rule.counts_from == ResidenceFrom.RESIDENCE_PERMIT:
            permits = [f for f in ordered if f.kind == EventKind.RESIDENCE_PERMIT]
            since = permits[0].effective if permits else None
        else:
            changing = [f for f in ordered if RESULTING_POPULATION[f.kind] is not None]
            since = changing[-1].effective if changing else None
        met: list[str] = []
        missing: list[str] = []
        residence = ngettext(
            "%(years)s year of lawful residence", "%(years)s years of lawful residence", rule.years
        ) % {"years": rule.years}
        eligible_from = deadlines.add_months(since, 12 * rule.years) if since else None
        if eligible_from is None:
            missing.append(_("the start of lawful residence is not recorded"))
        elif eligible_from > on:
            missing.append(residence)
        elif rule.years:  # a rule that asks for no period of residence does not list "0 years" as met
            met.append(residence)
        for document_type in rule.required_documents:
            label = str(DocumentType(document_type).label)
            valid = any(d.type == document_type and (d.valid_to is None or d.valid_to >= on) for d in documents)
            (met if valid else missing).append(label)
        for kind in rule.required_conditions:
            label = str(ConditionKind(kind).label)
            valid = any(c.kind == kind and c.met_on <= on and (c.until is None or c.until >= on) for c in conditions)
            (met if valid else missing).append(label)
        results.append(Eligibility(rule=rule, since=since, eligible_from=eligible_from, met=met, missing=missing))
    return results
