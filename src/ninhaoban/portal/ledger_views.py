"""The public page 存证查询: a case's or a licence's entries, checked by the browser itself."""

import datetime as dt
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.timezone import localtime

from ninhaoban.core.errors import NotFound
from ninhaoban.ledger import keys, selectors
from ninhaoban.ledger.api import cosigned_note


def _subjects(query: str) -> list[str]:
    if ":" in query:
        return [query]
    return [f"case:{query}", f"licence:{query}"]


def _local(stamp: str) -> dt.datetime | str:
    """An entry's UTC time as the local time the rest of the site shows."""
    try:
        return localtime(dt.datetime.fromisoformat(stamp))
    except (TypeError, ValueError):
        return stamp


def lookup(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:120]
    authorized = selectors.is_authorized(request.user)
    rows, refused = [], False
    for subject in _subjects(query) if query else []:
        if not (authorized or selectors.is_public_subject(subject)):
            refused = True
            continue
        for entry in selectors.entries_about(subject):
            body = json.loads(entry.body) if authorized else selectors.public_body(entry)
            rows.append(
                {
                    "index": entry.index,
                    "kind": entry.kind,
                    "time": _local(body.get("time", "")),
                    "subjects": body.get("subjects", []),
                    "leaf_hash": bytes(entry.leaf_hash).hex(),
                    "body": entry.body if authorized else "",
                }
            )
    try:
        checkpoint = selectors.latest_checkpoint()
        signed = cosigned_note(checkpoint)
        witnesses = list(checkpoint.cosignatures.values_list("witness", flat=True))
    except NotFound:
        checkpoint, signed, witnesses = None, "", []
    return render(
        request,
        "ledger/lookup.html",
        {
            "query": query,
            "rows": rows,
            "refused": refused,
            "checkpoint": checkpoint,
            "signed": signed,
            "witnesses": witnesses,
            "verifier_key": keys.log_verifier().encoded(),
        },
    )
