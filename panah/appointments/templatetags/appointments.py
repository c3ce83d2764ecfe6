"""The appointments section of the case page, so the cases app's views need not know of appointments:
`{% appointments_of_case case %}`. The policy is asked through the selectors and `permissions.may`."""

from typing import Any

from django import template

from panah.accounts.permissions import may
from panah.accounts.roles import Action
from panah.appointments import selectors

register = template.Library()


@register.inclusion_tag("appointments/of_case.html", takes_context=True)
def appointments_of_case(context: Any, case: Any) -> dict[str, Any]:
    user = context["request"].user
    return {
        "case": case,
        "appointments": selectors.of_case(user, case),
        "may_schedule": case.is_open and may(user, Action.WORK_CASES, case),
    }
