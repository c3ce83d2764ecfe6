"""The fixed cast every test can use (STYLE.md): two regions, a state department covering both,
UNHCR with a sharing agreement, a partner NGO, officers with and without access, a lawyer,
a statistician and a system administrator. Each has a person that must not leak to the others."""

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from hypothesis import settings as hypothesis_settings

from panah.accounts.models import Organisation, User
from panah.accounts.scope import scope_for, use_scope
from panah.api.tokens import issue_token
from panah.registry.models import Person
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SharingAgreementFactory,
    UserFactory,
    region,
)

# Tests never assert wall-clock time: Hypothesis's per-example deadline fails a correct test on a busy
# 2-core machine (seen: 308 ms for a name key under a parallel run), so it is off.
hypothesis_settings.register_profile("panah", deadline=None)
hypothesis_settings.load_profile("panah")

REGION_A = "KZ-55"  # Pavlodar region
REGION_B = "KZ-75"  # Almaty city


def pytest_addoption(parser: Any) -> None:
    parser.addoption(
        "--today",
        default=os.environ.get("PANAH_TEST_TODAY", ""),
        help="Run the suite with the clock set to this day (YYYY-MM-DD), 10:00 in Almaty, and ticking: nothing "
        "may depend on the day the suite runs. Processes the tests start (panah serve) keep the real clock.",
    )


def pytest_configure(config: Any) -> None:
    if day := config.getoption("--today"):
        import time_machine

        start = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10), tzinfo=ZoneInfo("Asia/Almaty"))
        time_machine.travel(start, tick=True).start()


def pytest_collection_modifyitems(items: list[Any]) -> None:
    # Stable sort: browser tests next to last, tests marked "last" (a PostgreSQL restart) last, every
    # other test keeps its place.
    items.sort(
        key=lambda item: (item.get_closest_marker("last") is not None, item.get_closest_marker("browser") is not None)
    )


def pytest_sessionstart(session: Any) -> None:
    # Under CI a suite that silently ran on SQLite twice would prove nothing about PostgreSQL.
    if os.environ.get("PANAH_REQUIRE_POSTGRES") and "postgres" not in os.environ.get("DATABASE_URL", ""):
        raise pytest.UsageError("PANAH_REQUIRE_POSTGRES is set but DATABASE_URL is not a PostgreSQL URL")


@pytest.fixture(scope="session", autouse=True)
def _compiled_messages() -> None:
    """.mo files are build output, not in git: compile them before any test renders a page or a message
    in Russian or Kazakh (a no-op when up to date)."""
    import contextlib
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command
    from django.test.signals import setting_changed

    # Run from inside the locale folder so compilemessages does not walk a virtualenv's locale folders too.
    with contextlib.chdir(Path(settings.LOCALE_PATHS[0])):
        call_command("compilemessages", locale=["ru", "kk"], verbosity=0)
    # A module imported earlier may have loaded the catalogues before the .mo files existed.
    setting_changed.send(
        sender=type(settings._wrapped), setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=True
    )


@pytest.fixture(autouse=True)
def _check_vendor(request: Any) -> None:
    if os.environ.get("PANAH_REQUIRE_POSTGRES") and "django_db_setup" in request.fixturenames:
        assert connection.vendor == "postgresql"


@dataclass
class Cast:
    state: Organisation
    unhcr: Organisation
    partner: Organisation
    officer_a: User  # registrar of the state department in region A
    officer_b: User  # registrar of the state department in region B
    decider_a: User  # status decision officer in region A
    unhcr_officer: User  # UNHCR protection officer, national, sees what the state shares
    lawyer: User  # partner NGO lawyer in region B, sees only the partner's own clients
    statistician: User
    sysadmin: User
    person_a: Person  # state department's person in region A, registered in Latin script
    person_b: Person  # state department's person in region B
    partner_person: Person  # the partner's own client in region B


@pytest.fixture
def cast(db: Any) -> Cast:
    state = OrganisationFactory(
        code="mlsp", name="Ministry of Labour — social protection", kind="state", regions=[REGION_A, REGION_B]
    )
    unhcr = OrganisationFactory(code="unhcr-kz", name="UNHCR Kazakhstan", kind="unhcr", regions=[REGION_A, REGION_B])
    partner = OrganisationFactory(code="kibhr", name="KIBHR", kind="partner", regions=[REGION_B])
    SharingAgreementFactory(
        provider=state,
        recipient=unhcr,
        regions=[REGION_A, REGION_B],
        actions=["view_person", "view_cases", "refer_persons"],  # UNHCR follows and refers; it decides nothing
    )

    def member(username: str, organisation: Organisation, role: str, regions: list[str]) -> User:
        user = UserFactory(username=username)
        MembershipFactory(user=user, organisation=organisation, role=role, regions=regions)
        return user

    return Cast(
        state=state,
        unhcr=unhcr,
        partner=partner,
        officer_a=member("officer_a", state, "registrar", [REGION_A]),
        officer_b=member("officer_b", state, "registrar", [REGION_B]),
        decider_a=member("decider_a", state, "decision_officer", [REGION_A]),
        unhcr_officer=member("unhcr_officer", unhcr, "caseworker", [REGION_A, REGION_B]),
        lawyer=member("lawyer", partner, "caseworker", [REGION_B]),
        statistician=member("statistician", state, "statistician", [REGION_A, REGION_B]),
        sysadmin=member("sysadmin", state, "system_admin", []),
        person_a=PersonFactory(organisation=state, region=region(REGION_A), name=("Mohammad", "Ahmadi")),
        person_b=PersonFactory(organisation=state, region=region(REGION_B), name=("Zarina", "Husseini"), sex="F"),
        partner_person=PersonFactory(organisation=partner, region=region(REGION_B), name=("Karim", "Rahimi")),
    )


@pytest.fixture
def as_user():
    """`with as_user(user):` opens that user's view scope, as a request would."""
    return lambda user: use_scope(scope_for(user))


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in another language leaves it active in this thread: start every test in English."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def token_client(db: Any) -> Callable[..., Client]:
    """`token_client(user)`: a client that sends a fresh API token of `user` with every request."""

    def make(user: Any, **issue: Any) -> Client:
        _token, secret = issue_token(by=None, user=user, name="test", **issue)
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make
