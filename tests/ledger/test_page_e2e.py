"""存证查询 in Chromium: the page's own JavaScript checks each proof with crypto.subtle."""

import pytest
from django.db import connection

from ninhaoban.ledger import services

pytestmark = pytest.mark.e2e
CASE = "421223E2E0001"


def _badge(page) -> str:
    page.goto(f"/ledger/?q={CASE}")
    badge = page.locator("#ledger-badge[data-result]")
    badge.wait_for()
    return badge.get_attribute("data-result")


def test_browser_verifies_a_case_and_catches_a_tampered_store(page):
    for step in ("submitted", "accepted", "approved"):
        services.record(f"case.{step}", f"case:{CASE}", "staff:3", {"step": step})
    services.sequence()
    assert _badge(page) == "passed"
    assert page.locator(".ledger-check .badge.ok").count() == 3
    assert "签名" in page.locator("#ledger-signature").inner_text()

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_leaf SET leaf_hash = %s WHERE entry_id = "
            "(SELECT MAX(entry_id) FROM ledger_subject WHERE subject = %s)",
            [b"\x07" * 32, f"case:{CASE}"],
        )
    assert _badge(page) == "failed"
    assert page.locator(".ledger-check .badge.bad").count() >= 1
