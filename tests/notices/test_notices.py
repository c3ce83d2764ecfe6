"""Decision notices and registration certificates: every deciding step of every kind of case gives a PDF
in Kazakh and Russian, the person's own language (Dari, Pashto, Arabic) alongside, whose text names the
person, the legal basis in force on the decision date and the appeal deadline of panah.cases.deadlines."""

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.cases.deadlines import deadline, rule_for
from panah.cases.models import DeadlineRule
from panah.notices import services
from panah.notices.models import IssuedNotice
from panah.notices.pdf import notice_pdf
from tests.notices.conftest import PATHS, pdf_text, words

D = dt.date
VERIFY = "https://panah.example/verify/"
ARTIFACTS = Path("test-artifacts") / "notices"
# The first sentence of the decision notice in each person's language (logical order), by outcome.
OWN = {
    "prs": {
        "granted": "درخواست شما پذیرفته شد",
        "refused": "درخواست شما رد شد",
        "other": "در پروندهٔ شما تصمیم گرفته شد",
    },
    "ps": {
        "granted": "ستاسو غوښتنه ومنل شوه",
        "refused": "ستاسو غوښتنه رد شوه",
        "other": "ستاسو په دوسیه کې پرېکړه وشوه",
    },
    "ar": {"granted": "تم قبول طلبك", "refused": "تم رفض طلبك", "other": "صدر قرار في ملفك"},
}
STEPS = sorted(PATHS)


def _print(by, case, event, language, person_language):
    with unscoped("test"):
        notice = services.print_case_notice(
            by=by, case=case, event=event, language=language, person_language=person_language
        )
        return notice, pdf_text(notice_pdf(notice, VERIFY))


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize(("kind", "step"), STEPS, ids=[f"{k}-{s}" for k, s in STEPS])
def test_every_deciding_step_prints_a_notice_with_basis_deadline_and_names(cast, decide, kind, step, language):
    person_language = ["prs", "ps", "ar"][STEPS.index((kind, step)) % 3]
    case, event = decide(cast.decider_a, cast.person_a, kind, step)
    notice, text = _print(cast.decider_a, case, event, language, person_language)

    assert "Ahmadi Mohammad" in text and case.person.registration_number in text
    assert "No. 17" in text and "20.03.2024" in text
    with translation.override(language):
        basis = rule_for(services.DECISION_RULE[kind], opened_on=case.opened_on, on=event.effective)
        assert words(basis.legal_reference) in text
    appeal = services.APPEAL_RULE.get(kind)
    if appeal:
        due = deadline(appeal, start=event.effective, opened_on=case.opened_on, on=event.effective)
        assert due.due.strftime("%d.%m.%Y") in text
    outcome = notice.content["variables"]["outcome"]
    assert OWN[person_language][outcome] in text  # the Arabic-script sentence reads in logical order
    assert notice.code in text and notice.kind == f"{kind}.{step}"
    with unscoped("test"):
        assert AuditEntry.objects.filter(message="notice_issued", object_id=str(notice.pk)).count() == 1


def test_a_step_that_decides_nothing_has_no_notice(cast, decide):
    case, _event = decide(cast.decider_a, cast.person_a, "asylum", "appeal_allowed")
    with unscoped("test"):
        appeal = case.events.get(transition="appeal")
        with pytest.raises(ValidationError):
            services.print_case_notice(by=cast.decider_a, case=case, event=appeal, language="ru")


def test_printing_again_gives_the_same_notice_and_is_audited(cast, decide):
    case, event = decide(cast.decider_a, cast.person_a, "statelessness", "determine")
    first, _text = _print(cast.decider_a, case, event, "ru", "prs")
    again, _text = _print(cast.decider_a, case, event, "ru", "prs")
    assert again.pk == first.pk
    with unscoped("test"):
        assert AuditEntry.objects.filter(message="notice_printed", object_id=str(first.pk)).count() == 1


@pytest.mark.parametrize("person_language", ["prs", "ps", "ar"])
def test_registration_certificate_names_the_person_and_number(cast, person_language):
    with unscoped("test"):
        notice = services.print_registration_certificate(
            by=cast.officer_a, person=cast.person_a, language="kk", person_language=person_language
        )
        text = pdf_text(notice_pdf(notice, VERIFY))
    assert "Ahmadi Mohammad" in text and cast.person_a.registration_number in text
    assert notice.kind == "registration" and notice.code in text


# The appeal deadline on the notice is cases.deadlines' for the rule in force on the decision date: across
# New Year, Nauryz, the May and Independence holidays, weekends and a (test) amendment in force from 2025.
APPEAL_DATES = [
    ("asylum", D(2024, 3, 20)), ("asylum", D(2023, 9, 22)), ("asylum", D(2023, 12, 16)), ("asylum", D(2024, 2, 7)),
    ("asylum", D(2022, 10, 25)), ("asylum", D(2023, 3, 22)), ("asylum", D(2024, 4, 9)), ("asylum", D(2023, 11, 30)),
    ("asylum", D(2025, 1, 10)), ("asylum", D(2025, 2, 26)), ("asylum", D(2025, 4, 29)), ("asylum", D(2024, 12, 13)),
    ("statelessness", D(2024, 3, 20)), ("statelessness", D(2023, 12, 16)), ("statelessness", D(2022, 2, 28)),
    ("statelessness", D(2023, 5, 7)), ("statelessness", D(2024, 9, 30)), ("statelessness", D(2025, 1, 3)),
    ("statelessness", D(2025, 3, 19)), ("statelessness", D(2025, 12, 10)),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "decided_on"), APPEAL_DATES, ids=[f"{k}-{d}" for k, d in APPEAL_DATES])
def test_appeal_deadline_on_the_notice_is_the_one_cases_deadlines_computes(cast, decide, kind, decided_on):
    # An amendment from 2025: 30 working days, for cases opened before it too.
    for code in ("asylum.appeal", "statelessness.appeal"):
        DeadlineRule.objects.create(
            code=code, title="amended", legal_reference=f"Amendment of 2025 to {code}", valid_from=D(2025, 1, 1),
            period=30, unit="working_days", open_cases_keep_previous=False,
        )  # fmt: skip
    step = "reject" if kind == "asylum" else "refuse"
    case, event = decide(cast.decider_a, cast.person_a, kind, step, opened_on=D(2022, 1, 10), decided_on=decided_on)
    notice, text = _print(cast.decider_a, case, event, "ru", "")
    expected = deadline(services.APPEAL_RULE[kind], start=decided_on, opened_on=case.opened_on, on=decided_on)
    assert notice.content["variables"]["appeal_deadline"] == expected.due.strftime("%d.%m.%Y")
    assert expected.due.strftime("%d.%m.%Y") in text
    assert (expected.rule.valid_from == D(2025, 1, 1)) == (decided_on >= D(2025, 1, 1))
    with translation.override("ru"):
        assert words(expected.rule.legal_reference) in text


def test_one_notice_per_language_as_png_for_a_person_to_look_at(cast, decide):
    """Writes test-artifacts/notices/<language>.png (poppler's pdftoppm), to see the Arabic script joined."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    case, event = decide(cast.decider_a, cast.person_a, "statelessness", "refuse")
    for language, person_language in (("ru", "prs"), ("kk", "ps"), ("ru", "ar")):
        with unscoped("test"):
            notice = services.print_case_notice(
                by=cast.decider_a, case=case, event=event, language=language, person_language=person_language
            )
            data = notice_pdf(notice, VERIFY)
        target = ARTIFACTS / f"{language}-{person_language}"
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", "-", str(target)], input=data, check=True)  # noqa: S603, S607
        assert target.with_suffix(".png").stat().st_size > 10_000
    with unscoped("test"):
        assert IssuedNotice.objects.filter(case=case).count() == 3
