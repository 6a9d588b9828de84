"""正在代表: which company a signed-in person acts for, kept in their session."""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

from ninhaoban.accounts.models import Applicant
from ninhaoban.accounts.selectors import applicant_by_pk, applicant_of_user
from ninhaoban.cases import clock
from ninhaoban.cases.services import Actor
from ninhaoban.core.errors import Forbidden

ACTING_FOR = "nhb_acting_for"


def actor_of(request: HttpRequest) -> Actor:
    """The actor of a portal page: the person, or the person as 经办人 of the company they
    switched to. A mandate that has ended since ends the switch on a page that only reads;
    an act (a POST) is refused with the reason, never silently done in the person's name."""
    actor = Actor.of(request.user)
    chosen = request.session.get(ACTING_FOR)
    if chosen is None or actor.applicant is None:
        return actor
    organization = applicant_by_pk(int(chosen))
    try:
        if organization is None:
            raise Forbidden("没有该企业", "no such organization")
        return Actor.acting_for(actor.applicant, organization, clock.today())
    except Forbidden:
        if request.method == "POST":
            raise
        request.session.pop(ACTING_FOR, None)
        return actor


def acting_context(request: HttpRequest) -> dict[str, Any]:
    """For the banner of every page: the company being acted for, if any."""
    user: User | AnonymousUser = getattr(request, "user", AnonymousUser())
    session = getattr(request, "session", None)
    if session is None or not user.is_authenticated or session.get(ACTING_FOR) is None:
        return {}
    organization: Applicant | None = applicant_by_pk(int(session[ACTING_FOR]))
    if organization is None or applicant_of_user(user) is None:
        return {}
    return {"acting_for": organization}
