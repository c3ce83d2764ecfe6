"""What an audit entry says, as a code with parameters, rendered in the reader's language when read.

The log is written once and read for years, by an auditor in Kazakh, a UNHCR officer in English, a
person asking what was done with their data in Russian: so an entry holds `message` (a key of
`MESSAGES`) and `parameters`, never a sentence in the language of whoever acted. A parameter that is
itself a word (a case kind, a document type, a role, a region, a date) is stored as its code, made
by `panah.common.phrases` (`label()`, `region()`, `day()`...), and put into words when read.

`summary` keeps the sentence in English too (`english()`): the search box of the admin and operators
reading the database find entries by it, and entries written before codes existed have only it.
The same pattern as the import report (`panah.imports.messages`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from panah.common.phrases import fill

MESSAGES: dict[str, Promise] = {
    # Decision notices and registration certificates
    "notice_issued": _("issued notice %(code)s (%(kind)s)"),
    "notice_printed": _("printed notice %(code)s again"),
    "notice_revoked": _("revoked notice %(code)s: %(reason)s"),
    "notice_corrected": _("corrected notice %(code)s by %(replacement)s: %(reason)s"),
    "notice_template_saved": _("saved version %(version)s of the %(language)s notice template %(kind)s"),
    # Signing in and out, the second factor
    "signed_in": _("signed in"),
    "alert_preference_saved": _("saved their alert preferences"),
    "appointment_scheduled": _("scheduled an appointment"),
    "appointment_moved": _("moved an appointment"),
    "appointment_cancelled": _("cancelled an appointment"),
    "calendar_feed_issued": _("created a new calendar link"),
    "calendar_feed_revoked": _("revoked their calendar link"),
    "caseload_exported": _("exported the caseload of expiring documents and overdue deadlines"),
    "signed_out": _("signed out"),
    "sign_in_failed": _("failed sign-in"),
    "otp_enrol_wrong_code": _("wrong code while enrolling"),
    "otp_enrolled": _("enrolled an authenticator (second factor)"),
    "otp_recovery_replaced": _("replaced their recovery codes"),
    "otp_throttled": _("second factor throttled"),
    "otp_passed": _("passed the second factor (%(kind)s)"),
    "otp_wrong_code": _("wrong second-factor code"),
    "otp_reset": _("reset the second factor of %(user)s: %(reason)s"),
    # Users, roles, organisations, sessions
    "temporary_password": ngettext_lazy(
        "set a temporary password for %(user)s; ended %(count)s session",
        "set a temporary password for %(user)s; ended %(count)s sessions",
        "count",
    ),
    "password_changed": ngettext_lazy(
        "changed their password; ended %(count)s other session",
        "changed their password; ended %(count)s other sessions",
        "count",
    ),
    "user_deactivated": _("deactivated %(user)s"),
    "user_deactivated_because": _("deactivated %(user)s: %(reason)s"),
    "user_reactivated": _("reactivated %(user)s"),
    "user_created": _("created %(user)s"),
    "own_session_ended": _("ended their own session from %(address)s"),
    "session_ended": _("ended the session of %(user)s from %(address)s"),
    "role_given": _("gave %(user)s the role %(role)s in %(organisation)s (%(regions)s)"),
    "role_ended": _("ended the role %(role)s of %(user)s in %(organisation)s"),
    "organisation_regions": _("regions of %(organisation)s: %(regions)s"),
    "organisation_created_admin": _("created organisation %(organisation)s in the admin"),
    "organisation_changed_admin": _("changed organisation %(organisation)s in the admin"),
    "agreement_changed_admin": _("changed data-sharing agreement %(reference)s in the admin"),
    "token_issued": ngettext_lazy(
        "issued API token %(prefix)s… to %(user)s, valid %(count)s day",
        "issued API token %(prefix)s… to %(user)s, valid %(count)s days",
        "count",
    ),
    "token_revoked": _("revoked API token %(prefix)s… of %(user)s"),
    # The registry
    "registered": _("registered %(number)s"),
    "registered_import": _("registered %(number)s (import %(run)s, row %(row)s)"),
    "changed_fields": _("changed %(fields)s"),
    "changed_names": _("changed names"),
    "moved_region": _("moved from %(old)s to %(new)s"),
    "document_added": _("added %(type)s"),
    "evidence_attached": _("attached evidence file %(file)s (%(kind)s)"),
    "evidence_attached_case": _("attached evidence file %(file)s (%(kind)s) to case %(case)s"),
    "evidence_downloaded": _("downloaded evidence file %(file)s (%(kind)s)"),
    "evidence_removed": _("removed evidence file %(file)s (%(kind)s): %(reason)s"),
    "specific_need": _("specific need %(code)s"),
    "joined_household": _("joined household %(household)s as %(relationship)s"),
    "search": _("search: %(query)s"),
    "search_result": _("search result"),
    "person_list": _("person list"),
    "api_list": _("listed through the API"),
    # Legal status
    "status_event": _("%(kind)s effective %(effective)s"),
    "status_corrected": _("corrected event %(event)s: %(kind)s effective %(effective)s"),
    # Duplicates
    "duplicate_review": _("duplicate review with %(other)s: %(decision)s"),
    "merged_into_this": _("merged %(number)s into this record"),
    "merged_into": _("merged into %(number)s"),
    "unmerged": _("undid the merge of %(merged)s into %(survivor)s"),
    "pair_opened": _("opened a pair of possible duplicates"),
    # Casework and referrals
    "case_opened": _("opened a case: %(kind)s"),
    "case_step": _("%(kind)s case: %(step)s effective %(effective)s"),
    "case_transferred": _("transferred case from %(old)s to %(new)s"),
    "case_assigned": _("assigned case"),
    "case_note": _("note on case"),
    "case_task": _("task: %(title)s"),
    "case_task_done": _("task done: %(title)s"),
    "obstacle": _("obstacle: %(kind)s"),
    "obstacle_resolved": _("obstacle resolved: %(kind)s"),
    "condition": _("condition: %(kind)s"),
    "referred": ngettext_lazy(
        "referred to project %(project)s (%(kind)s), %(count)s person shared",
        "referred to project %(project)s (%(kind)s), %(count)s persons shared",
        "count",
    ),
    "referral_step": _("referral %(step)s effective %(effective)s"),
    "service_delivered": _("service delivered: %(service)s"),
    "referrals_inbox": _("referrals inbox"),
    "eligible_list": _("list of persons eligible for a permit or citizenship"),
    # Statistics and exports
    "release_published": _("published release %(reference)s"),
    "statistics_download": _(
        "statistics %(format)s as of %(as_of)s known on %(known_on)s, policy %(policy)s, regions %(regions)s"
    ),
    "release_download": _("release %(reference)s %(format)s"),
    "subject_access_export": _("data-subject access export"),
    "person_file_export": ngettext_lazy(
        "exported %(count)s person as a person file (%(format)s)",
        "exported %(count)s persons as a person file (%(format)s)",
        "count",
    ),
    # Imports
    "import_mapping_saved": ngettext_lazy(
        "saved the import mapping of %(count)s header and its values",
        "saved the import mapping of %(count)s headers and their values",
        "count",
    ),
    "imported": ngettext_lazy(
        "imported %(count)s person from %(file)s (import %(run)s)",
        "imported %(count)s persons from %(file)s (import %(run)s)",
        "count",
    ),
    "import_checked": ngettext_lazy(
        "checked %(file)s (import %(run)s): %(count)s error, nothing written",
        "checked %(file)s (import %(run)s): %(count)s errors, nothing written",
        "count",
    ),
    "import_started": _("started import %(run)s of %(file)s"),
    # Background jobs
    "job_started": _("started %(kind)s"),
    # Knowledge and capacity building
    "article_published": _("published %(article)s v%(version)s, in force from %(effective)s"),
    "training_recorded": _("training recorded: %(title)s"),
    "participant_added": _("participant added to training %(training)s"),
    "information_shared": _("information shared: %(what)s in %(language)s"),
    "handout": _("handout in %(language)s"),
    # Data protection
    "subject_request": _("data-subject request (%(kind)s) received %(received)s"),
    "request_in_progress": _("request in progress"),
    "request_answered": _("request answered"),
    "request_refused": _("request refused"),
    "anonymised": _("anonymised %(number)s"),
    "anonymised_under": _("anonymised %(number)s under %(rule)s"),
    "agreement": _("sharing agreement %(reference)s: %(provider)s → %(recipient)s until %(until)s"),
    "retention_import_file": _("emptied the import file; %(why)s"),
    "retention_report_values": _("erased the report's values; %(why)s"),
    "retention_job": _("deleted the job record; %(why)s"),
    "retention_applied": _("applied retention: %(counts)s"),
    "audit_expired": ngettext_lazy(
        "deleted %(count)s audit entry recorded before %(before)s (rule %(rule)s)",
        "deleted %(count)s audit entries recorded before %(before)s (rule %(rule)s)",
        "count",
    ),
    # Refusals and commands
    "refused": _("refused: %(action)s"),
    "demo_loaded": _("demo registry loaded: %(persons)s persons, %(events)s status events (seed %(seed)s)"),
}


def render(message: str, parameters: Mapping[str, Any] | None = None) -> str:
    """The entry's words in the active language; "" for an unknown code (an entry of a newer Panah)."""
    template = MESSAGES.get(message)
    return "" if template is None else fill(template, parameters)


# Purposes the code itself gives (what a person's record was opened for); a purpose someone typed is
# shown as typed.
PURPOSES: dict[str, Promise] = {
    "casework": _("casework"),
    "eligibility": _("eligibility"),
    "duplicate review": _("duplicate review"),
    "referral": _("referral"),
    "referral to a partner project": _("referral to a partner project"),
    "official statistics release": _("official statistics release"),
    "statistics download": _("statistics download"),
    "API": _("API"),
    "API: status timeline": _("API: status timeline"),
    "API: status as of a day": _("API: status as of a day"),
    "information shared": _("information shared"),
    "handout printed": _("handout printed"),
}


def purpose(text: str) -> str:
    """A purpose in the active language when Panah gave it, else as typed."""
    return str(PURPOSES[text]) if text in PURPOSES else text


def english(message: str, parameters: Mapping[str, Any] | None = None) -> str:
    """The entry's words in English, kept in `summary` for searching and operators."""
    with translation.override("en"):
        return render(message, parameters)
