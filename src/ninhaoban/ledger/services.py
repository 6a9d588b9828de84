"""Writing to the ledger. `record()` is the one door every app uses."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from ninhaoban.core.canonical import canonical_json, digest
from ninhaoban.ledger.models import LedgerEntry, LedgerSubject


def record(
    kind: str, subject: str | Sequence[str], actor: str, payload: Mapping[str, Any]
) -> LedgerEntry:
    """Append a pending entry inside the caller's transaction.

    `subject` names what the entry is about ("case:421202...", "licence:1.2.156...",
    "person:<digest>"); `actor` who did it ("staff:12", "person:<digest>", "system").
    Only the digest of `payload` is kept, so the log can be public without leaking data.
    """
    subjects = [subject] if isinstance(subject, str) else list(subject)
    body = {
        "kind": kind,
        "subjects": subjects,
        "actor": actor,
        "time": timezone.now().isoformat(timespec="microseconds"),
        "payload_digest": digest(dict(payload)),
    }
    with transaction.atomic():
        entry = LedgerEntry.objects.create(kind=kind, body=canonical_json(body).decode("utf-8"))
        LedgerSubject.objects.bulk_create(LedgerSubject(entry=entry, subject=s) for s in subjects)
    return entry
