import datetime as dt

import pytest

from panah.accounts.scope import scope_for, unscoped, use_scope
from panah.cases import services


@pytest.fixture
def open_case():
    """Open a case as `by` would from a page (inside their view scope)."""

    def _open(by, person, kind, opened_on=dt.date(2024, 1, 15), **extra):
        with use_scope(scope_for(by)):
            return services.open_case(by=by, person=person, kind=kind, opened_on=opened_on, **extra)

    return _open


@pytest.fixture
def step():
    def _step(by, case, transition, effective, **extra):
        with use_scope(scope_for(by)):
            return services.transition_case(by=by, case=case, transition=transition, effective=effective, **extra)

    return _step


@pytest.fixture
def timeline():
    """The person's status events, oldest first, as (kind, effective)."""
    from panah.status.models import StatusEvent

    def _timeline(person):
        with unscoped("test"):
            return [
                (e.kind, e.effective) for e in StatusEvent.objects.filter(person=person).order_by("effective", "id")
            ]

    return _timeline
