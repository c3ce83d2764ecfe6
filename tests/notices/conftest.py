import datetime as dt
import io
import re

import pypdf
import pytest

from panah.accounts.scope import scope_for, unscoped, use_scope
from panah.cases import services as case_services
from panah.cases.models import CaseEvent
from panah.status.services import record_status_event
from tests.factories.cases import attach_required

# How each deciding step is reached from a new case: the steps before it, then the step itself.
PATHS = {
    ("asylum", "postpone"): ["postpone"],
    ("asylum", "recognise"): ["recognise"],
    ("asylum", "reject"): ["reject"],
    ("asylum", "withdraw"): ["withdraw"],
    ("asylum", "appeal_allowed"): ["reject", "appeal", "appeal_allowed"],
    ("asylum", "appeal_dismissed"): ["reject", "appeal", "appeal_dismissed"],
    ("asylum", "extend"): ["recognise", "extend"],
    ("statelessness", "determine"): ["determine"],
    ("statelessness", "confirm_nationality"): ["confirm_nationality"],
    ("statelessness", "refuse"): ["refuse"],
    ("statelessness", "appeal_dismissed"): ["refuse", "appeal", "appeal_dismissed"],
    ("naturalisation", "grant"): ["submit", "grant"],
    ("naturalisation", "refuse"): ["submit", "refuse"],
}


def pdf_text(data: bytes) -> str:
    """The PDF's text with every run of white space one space (lines wrap where the page says)."""
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def decide():
    """Open a case of `kind` for `person` on `opened_on` and take the steps to `step`, the decision on
    `decided_on` (earlier steps a day before). Returns the case and the deciding event."""

    def _decide(by, person, kind, step, *, opened_on=dt.date(2024, 1, 15), decided_on=dt.date(2024, 3, 20)):
        steps = PATHS[(kind, step)]
        with use_scope(scope_for(by)):
            # A statelessness claim is of a person of undetermined nationality; citizenship is granted to a
            # stateless person.
            before = {"statelessness": "undetermined_identified", "naturalisation": "stateless_determined"}.get(kind)
            if before:
                record_status_event(by=by, person=person, kind=before, effective=opened_on - dt.timedelta(days=30))
            case = case_services.open_case(by=by, person=person, kind=kind, opened_on=opened_on, reference="R-1")
            for number, name in enumerate(steps):
                attach_required(case, name, by)
                effective = decided_on - dt.timedelta(days=len(steps) - 1 - number)
                case = case_services.transition_case(
                    by=by, case=case, transition=name, effective=effective, note="reason given",
                    decision_reference="No. 17" if name == step else "",
                )  # fmt: skip
        with unscoped("test"):
            event = CaseEvent.objects.filter(case=case, transition=step).latest("id")
        return case, event

    return _decide
