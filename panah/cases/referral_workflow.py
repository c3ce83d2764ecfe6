"""A referral to a partner's assistance project is a small state machine, written down as data like the
kinds of case in `workflows.py`: `referral_services.step_referral` reads nothing else to decide whether a
step is legal, who may take it (the partner it is addressed to, or the organisation that sent it), and
whether it needs a reason.

    sent ──accept──▶ accepted ──complete──▶ completed
      │
      └──decline──▶ declined

Capacity: a project's `capacity` counts the persons it serves at once, that is the persons of its
referrals in the state "accepted". Accepting a referral that would take the project beyond it is
refused (the partner completes or declines others first, or its administrator raises the capacity);
sending is never refused for capacity, so a full project can still see who waits for it.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ReferralKind(models.TextChoices):
    LEGAL_AID = "legal_aid", _("legal aid")
    CASH = "cash", _("cash assistance")
    HEALTH = "health", _("health")
    EDUCATION = "education", _("education")
    PSYCHOSOCIAL = "psychosocial", _("psychosocial support")


class ReferralState(models.TextChoices):
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    COMPLETED = "completed", _("completed")


PARTNER = "partner"  # the organisation the referral is addressed to
REFERRER = "referrer"  # the organisation that sent it


@dataclass(frozen=True)
class ReferralStep:
    name: str
    label: Promise
    sources: frozenset[str]
    target: str
    side: str
    needs_reason: bool = False


S = ReferralState
STEPS: tuple[ReferralStep, ...] = (
    ReferralStep("accept", _("Accept"), frozenset({S.SENT}), S.ACCEPTED, PARTNER),
    ReferralStep("decline", _("Decline"), frozenset({S.SENT}), S.DECLINED, PARTNER, needs_reason=True),
    ReferralStep("complete", _("Complete"), frozenset({S.ACCEPTED}), S.COMPLETED, PARTNER, needs_reason=True),
)
FINAL = frozenset({S.DECLINED, S.COMPLETED})


def step_named(name: str) -> ReferralStep | None:
    return next((s for s in STEPS if s.name == name), None)


def available(state: str, side: str) -> list[ReferralStep]:
    return [s for s in STEPS if state in s.sources and s.side == side]
