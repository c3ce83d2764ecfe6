"""Demo casework on a small demo registry: cases in the states of every table, decisions that agree
with the timeline, overdue deadlines and eligible persons."""

import io
from collections import Counter

from django.core.management import call_command
from django.utils import timezone

from panah.accounts.scope import unscoped
from panah.cases import selectors
from panah.cases.models import Case, CaseEvent
from panah.cases.workflows import WORKFLOWS


def test_demo_casework(db):
    call_command("demo", persons=1500, stdout=io.StringIO())  # loads the casework too
    today = timezone.localdate()
    with unscoped("test"):
        states = Counter((c.kind, c.state) for c in Case.objects.all())
        assert len({kind for kind, _state in states}) == 6
        for kind in ("statelessness", "naturalisation", "documentation", "legal_assistance"):
            assert {s for k, s in states if k == kind} == set(WORKFLOWS[kind].states), kind
        assert Case.objects.filter(closed_on__isnull=True, due_on__lt=today).exists()
        assert selectors.eligible_now(today)
        # Every decision of a case is on the person's timeline.
        for event in CaseEvent.objects.filter(transition__in=["determine", "grant", "recognise"]):
            assert event.status_event is not None and event.status_event.person_id == event.case.person_id

    with unscoped("test"):
        before = Case.objects.count()
    out = io.StringIO()
    call_command("demo_cases", stdout=out)  # more casework on a loaded registry
    assert "statelessness:" in out.getvalue()
    with unscoped("test"):
        assert Case.objects.count() > before
