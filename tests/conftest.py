"""Shared fixtures.

The regions, departments and halls of 咸宁 and the demo staff are seeded once per session
(the calendar comes with the migrations). Transactional tests flush the database, calendar
included; pytest-django runs them after the others, and any that need the demo world call
`seed_world()` themselves, which puts the calendar back too.
"""

import os
import shutil
import threading
from collections.abc import Callable, Iterable
from importlib import import_module
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread

from ninhaoban.demo import accounts as demo_accounts
from ninhaoban.demo import regions as demo_regions
from ninhaoban.regions.calendar import invalidate as invalidate_calendar
from ninhaoban.regions.holidays import seed_calendar
from ninhaoban.regions.models import WorkCalendar

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class OneRequestAtATime(ThreadedWSGIServer):
    """On SQLite the live server's threads all use the test's one in-memory connection: two
    requests at once (a page that reloads itself while a payment notification arrives, a
    click while the previous page still posts) interleave their statements and transactions
    on it and one of them fails. So there the server answers one request at a time; on
    PostgreSQL each thread has its own connection and requests run side by side as in
    production."""

    def set_app(self, application: Callable[..., Iterable[bytes]]) -> None:
        if not self.connections_override:
            super().set_app(application)
            return
        lock = threading.Lock()

        def serial(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
            with lock:
                result = application(environ, start_response)
                try:
                    return list(result)
                finally:
                    close = getattr(result, "close", None)
                    if close is not None:
                        close()

        super().set_app(serial)


LiveServerThread.server_class = OneRequestAtATime


def restore_migration_data() -> None:
    """Put back the rows that data migrations seed (the working-day calendar, the catalog's
    type labels and denied proofs): a transactional test's flush removes them too."""
    from django.apps import apps

    seed_calendar(WorkCalendar)
    invalidate_calendar()
    import_module("ninhaoban.catalog.migrations.0002_seed_type_labels_and_proofs").seed(apps, None)


def seed_world() -> None:
    from ninhaoban.demo import catalog as demo_catalog
    from ninhaoban.demo import kiosks as demo_kiosks

    restore_migration_data()
    demo_regions.seed()
    demo_kiosks.seed()
    demo_accounts.seed_staff()
    demo_accounts.seed_applicants(persons=24, organizations=6)
    demo_catalog.seed()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_world()


@pytest.fixture(autouse=True)
def _no_messages_of_earlier_tests():
    """The log notifier keeps the last 200 messages: a test that counts what it sent must not
    find the list already full from the tests before it (then a new message adds nothing)."""
    from ninhaoban.accounts.notify import LogProvider

    LogProvider.sent.clear()


@pytest.fixture
def staff_client():
    """staff_client("clerk.chongyang") -> a test client logged in as that demo staff member."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (never a downloaded browser), one per session:
    two sync Playwright instances cannot run in one thread."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Debian's chromium is not installed: run `make install` as root (apt-get)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, transactional_db):
    """A browser tab on the live server with the demo world seeded (the live server needs a
    transactional test, whose flush removes everything, so the world is seeded again)."""
    seed_world()
    context = chromium.new_context(locale="zh-CN", base_url=live_server.url)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


class NewEntries:
    """The ledger entries written after it was made. The session's demo world (and earlier
    steps of a test) already hold entries of most kinds, so "an entry of this kind exists"
    proves nothing about the action under test; what it added does."""

    def __init__(self) -> None:
        from django.db.models import Max

        from ninhaoban.ledger.models import LedgerEntry

        self._entries = LedgerEntry.objects
        self.after = LedgerEntry.objects.aggregate(last=Max("pk"))["last"] or 0

    @property
    def kinds(self) -> list[str]:
        added = self._entries.filter(pk__gt=self.after).order_by("pk")
        return list(added.values_list("kind", flat=True))

    def subjects(self, kind: str) -> list[str]:
        added = self._entries.filter(pk__gt=self.after, kind=kind).order_by("pk")
        return list(added.values_list("subjects__subject", flat=True))
