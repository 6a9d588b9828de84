"""After `ninhaoban demo` every entry the seeders recorded is in a tree that audits clean."""

import io

import pytest
from django.core.management import call_command

from ninhaoban.ledger.audit import audit
from ninhaoban.ledger.models import LedgerLeaf, LedgerPending

pytestmark = pytest.mark.django_db


def test_demo_leaves_an_integrated_ledger_that_audits_clean():
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "ledger:" in out.getvalue()
    assert not LedgerPending.objects.exists()
    assert LedgerLeaf.objects.exists()
    assert audit() == []
