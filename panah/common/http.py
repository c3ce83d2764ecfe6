"""Types of the requests Panah's views receive."""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from panah.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request to a view behind `login_required` (or the API's authentication): its user is a `User`,
    never the anonymous one. For the type checker only; Django builds the request as usual."""

    user: "User"  # narrower than HttpRequest's User | AnonymousUser: login_required sees to it
