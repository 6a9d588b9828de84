"""Sliding session expiry without a session write on every request.

Staff and applicants are signed out after NHB_SESSION_IDLE_MINUTES of inactivity, so the
expiry has to move with each request. Saving the session on every request (Django's
SESSION_SAVE_EVERY_REQUEST) costs one UPDATE and one commit per API call, which a window
or a department system making thousands of calls pays for nothing: the expiry is renewed
here at most once every RENEW_SECONDS, so a session ends between IDLE - RENEW_SECONDS and
IDLE after the last request.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from ninhaoban.accounts.signals import request_of

RENEW_SECONDS = 60
SEEN_KEY = "_nhb_seen"


class IdleSessionMiddleware:
    """After SessionMiddleware: mark a signed-in session as modified (so it is saved with a
    fresh expiry and cookie) only when its last renewal is older than RENEW_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return response
        seen = session.get(SEEN_KEY, 0)
        # no key once loaded: the cookie named no live session, or the view flushed it
        if session.session_key is not None:
            now = int(time.time())
            if now - seen >= RENEW_SECONDS:
                session[SEEN_KEY] = now
        return response


class ActorMiddleware:
    """After AuthenticationMiddleware: an account change saved while serving a request (the
    Django admin's) is recorded in the ledger as done by its signed-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_of(request):
            return self.get_response(request)
