"""The evidence-file sections of the person and case pages, so those apps' views need not know of files:
`{% evidence_of_person person %}`, `{% evidence_of_case case available %}`. The policy is asked through the
selectors and `permissions.may`."""

from typing import Any

from django import template
from django.urls import reverse

from panah.accounts.permissions import file_action, may
from panah.evidence import selectors
from panah.evidence.kinds import FileKind

register = template.Library()


@register.inclusion_tag("evidence/files.html", takes_context=True)
def evidence_of_person(context: Any, person: Any) -> dict[str, Any]:
    user = context["request"].user
    return {
        "files": selectors.files_of_person(user, person),
        "can_attach": may(user, file_action("attach", on_case=False), person),
        "can_remove": may(user, file_action("remove", on_case=False), person),
        "upload_url": reverse("evidence:person_upload", args=[person.registration_number]),
        "missing": [],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("evidence/files.html", takes_context=True)
def evidence_of_case(context: Any, case: Any, available: Any = ()) -> dict[str, Any]:
    """`available`: the steps the case can take now; those that require documents the case lacks are named."""
    user = context["request"].user
    labels = dict(FileKind.choices)
    missing = []
    for step in available or ():
        lacking = selectors.missing_for(case, getattr(step, "requires", ()))
        if lacking:
            missing.append({"step": step.label, "kinds": [labels[k] for k in lacking]})
    return {
        "files": selectors.files_of_case(user, case),
        "can_attach": may(user, file_action("attach", on_case=True), case),
        "can_remove": may(user, file_action("remove", on_case=True), case),
        "upload_url": reverse("evidence:case_upload", args=[case.pk]),
        "missing": missing,
        "csrf_token": context.get("csrf_token"),
    }
