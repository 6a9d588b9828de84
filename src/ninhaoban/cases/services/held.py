"""Files already received by a form that was refused for another reason.

A refused application (a missing document, a wrong file beside good ones, a bad address)
keeps the good files for their holder for `HOLD_MINUTES`; the page shows them as received
and carries their tokens, so only what was wrong is asked again. The bytes are stored by
content like every upload; a hold only names them.
"""

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ninhaoban.cases import uploads
from ninhaoban.cases.models import CaseMaterial, HeldUpload, Upload
from ninhaoban.cases.services.base import Actor
from ninhaoban.cases.services.intake import store
from ninhaoban.core.errors import InvalidInput
from ninhaoban.ledger.services import record

HOLD_MINUTES = 60


@dataclass(frozen=True)
class Held:
    """A received file as the page shows it (its name) and sends it back (its token)."""

    token: str
    name: str
    file: uploads.FileIn


def _fresh() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=HOLD_MINUTES)


def held_files(actor: Actor, tokens: Mapping[str, str]) -> dict[str, Held]:
    """The files this actor's earlier attempt left, by material key; a token of someone
    else, of another material or past its time is as if it were not there."""
    wanted = {key: token for key, token in tokens.items() if token}
    if not wanted:
        return {}
    rows = HeldUpload.objects.filter(
        token__in=wanted.values(), holder=actor.ledger, created_at__gte=_fresh()
    ).select_related("upload")
    found = {}
    for row in rows:
        if wanted.get(row.key) != row.token:
            continue
        with row.upload.file.open("rb") as f:
            found[row.key] = Held(row.token, row.name, uploads.FileIn(row.name, f.read()))
    return found


@transaction.atomic
def hold(
    actor: Actor, files: Mapping[str, uploads.FileIn], names: Mapping[str, str]
) -> tuple[dict[str, Held], dict[str, InvalidInput]]:
    """Keep the good ones of `files` (by material key) for `actor`; return them and, for
    each bad one, why it was refused, so the page says it beside that material."""
    kept: dict[str, Held] = {}
    refused: dict[str, InvalidInput] = {}
    rows = []
    for key, upload in files.items():
        try:
            checked = uploads.check(upload, names.get(key, ""))
        except InvalidInput as exc:
            refused[key] = exc
            continue
        row = HeldUpload(
            token=secrets.token_urlsafe(32),
            holder=actor.ledger,
            key=key[:96],
            name=checked.name,
            upload=store(checked),
        )
        rows.append(row)
        kept[key] = Held(row.token, row.name, upload)
    if rows:
        HeldUpload.objects.bulk_create(rows)
        record(
            "case.files_held",
            actor.ledger,
            actor.ledger,
            {"uploads": [row.upload.sha256 for row in rows], "minutes": HOLD_MINUTES},
        )
    return kept, refused


def release(actor: Actor, held: Mapping[str, Held]) -> None:
    """The application was made: its held files are part of it now."""
    tokens = [h.token for h in held.values()]
    if tokens:
        HeldUpload.objects.filter(token__in=tokens, holder=actor.ledger).delete()


def purge_expired() -> int:
    """Forget holds past their time, and the stored files nothing else refers to."""
    expired = HeldUpload.objects.filter(created_at__lt=_fresh())
    upload_ids = set(expired.values_list("upload_id", flat=True))
    count, _ = expired.delete()
    orphans = (
        Upload.objects.filter(pk__in=upload_ids)
        .exclude(Exists(CaseMaterial.objects.filter(upload=OuterRef("pk"))))
        .exclude(Exists(HeldUpload.objects.filter(upload=OuterRef("pk"))))
    )
    for upload in orphans:
        name = upload.file.name
        upload.delete()
        if name:
            default_storage.delete(name)
    return count
