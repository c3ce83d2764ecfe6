"""Codes the delivery log stores, put into words in the reader's language when read."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

KINDS: dict[str, Promise] = {
    "digest": _("digest of what needs you"),
    "appointment_reminder": _("appointment reminder"),
    "document_ready": _("document ready"),
    "deadline_approaching": _("deadline approaching"),
}

REASONS: dict[str, Promise] = {
    "": _("—"),
    "switched_off": _("the user switched alerts off"),
    "not_today": _("not a day of the user's digest"),
    "already_sent": _("already sent for this day"),
    "no_address": _("the user has no e-mail address"),
    "nothing_due": _("nothing needs the user"),
    "inactive": _("the user's account is not active"),
    "mail_error": _("the mail server refused or could not be reached"),
    "no_contact_consent": _("the person has no consent valid today to be contacted by SMS"),
    "no_phone": _("the person has no phone on their current address"),
    "gateway_error": _("the SMS gateway refused or could not be reached"),
}


def reason_text(code: str) -> str:
    return str(REASONS.get(code, code))


def kind_text(code: str) -> str:
    return str(KINDS.get(code, code))
