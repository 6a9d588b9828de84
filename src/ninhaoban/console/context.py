"""What every page's navigation may offer the signed-in staff member, asked of the rules
the views enforce (so no link leads to a 403)."""

from functools import partial

from django.http import HttpRequest

from ninhaoban.cases.permissions import may_take_applications


def console(request: HttpRequest) -> dict[str, object]:
    # a callable: templates ask it only where a console navigation is drawn
    return {"may_take_applications": partial(may_take_applications, request.user)}
