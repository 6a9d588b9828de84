"""The ledger's public API under /api/v1/ledger: checkpoints, entries, proofs, witnessing.

Everything here is readable without login, because a transparency log that only insiders can
check proves nothing; bodies are redacted and subject lookup is reserved for authorized staff.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from ninhaoban.core.canonical import canonical_json
from ninhaoban.core.errors import Forbidden, InvalidInput
from ninhaoban.core.text import BoundedInt
from ninhaoban.ledger import keys, note, selectors, services
from ninhaoban.ledger.models import Checkpoint, LedgerEntry

router = Router(tags=["ledger"])
# the lookups only signed-in staff may make; the API mounts it with the platform's sign-in
# (accounts sits above the ledger, so the ledger cannot name it)
staff_router = Router(tags=["ledger"])
# how the apps above scope a subject of theirs ("case" → the cases' own scope): the API
# registers them when it mounts the routers, for the same reason
SubjectScope = Callable[[Any, str], None]
SUBJECT_SCOPES: dict[str, SubjectScope] = {}


def scope_subjects(prefix: str, check: SubjectScope) -> None:
    """`check(user, rest)` raises NotFound or Forbidden for a subject `prefix:rest` outside
    the user's scope."""
    SUBJECT_SCOPES[prefix] = check


class EntryOut(Schema):
    index: int | None
    kind: str
    leaf_hash: str
    body: str
    redacted: bool


class InclusionOut(Schema):
    index: int
    tree_size: int
    leaf_hash: str
    proof: list[str]


class ConsistencyOut(Schema):
    first: int
    second: int
    proof: list[str]


class WitnessOut(Schema):
    checkpoint: str
    old_size: int
    tree_size: int
    proof: list[str]


class CosignatureIn(Schema):
    note: str
    verifier_key: str


class CosignatureOut(Schema):
    witness: str
    key_id: str
    tree_size: int
    timestamp: int


# The C2SP notes and the key are plain text, as witnesses and verifiers expect: documented so
# (under ninja's own key for the answer, the integer 200, so it replaces the JSON one).
TEXT = {
    "responses": {
        200: {"description": "OK", "content": {"text/plain": {"schema": {"type": "string"}}}}
    }
}


def _text(content: str) -> HttpResponse:
    return HttpResponse(content, content_type="text/plain; charset=utf-8")


def cosigned_note(checkpoint: Checkpoint) -> str:
    """The checkpoint with every stored witness cosignature appended as further signature lines."""
    return checkpoint.note + "".join(c.line for c in checkpoint.cosignatures.order_by("id"))


def entry_out(entry: LedgerEntry, full: bool) -> EntryOut:
    body = entry.body if full else canonical_json(selectors.public_body(entry)).decode("utf-8")
    return EntryOut(
        index=entry.index,
        kind=entry.kind,
        leaf_hash=bytes(entry.leaf_hash).hex(),
        body=body,
        redacted=not full,
    )


@router.get("/checkpoint", summary="最新检查点（C2SP签名格式）", openapi_extra=TEXT)
def latest_checkpoint(request: HttpRequest) -> HttpResponse:
    return _text(cosigned_note(selectors.latest_checkpoint()))


@router.get("/checkpoints/{int:size}", summary="指定大小的检查点", openapi_extra=TEXT)
def checkpoint(request: HttpRequest, size: BoundedInt) -> HttpResponse:
    return _text(cosigned_note(selectors.checkpoint_at(size)))


@router.get("/key", summary="验签公钥（C2SP verifier key）", openapi_extra=TEXT)
def verifier_key(request: HttpRequest) -> HttpResponse:
    return _text(keys.log_verifier().encoded() + "\n")


@router.get("/entries/{int:index}", response=EntryOut, summary="按序号查询存证记录")
def entry(request: HttpRequest, index: BoundedInt) -> EntryOut:
    return entry_out(selectors.entry_at(index), selectors.is_authorized(request.user))


@staff_router.get("/entries", response=list[EntryOut], summary="按主体查询存证记录")
def entries_about(request: HttpRequest, subject: str, limit: BoundedInt = 200) -> list[EntryOut]:
    if not selectors.is_authorized(request.user):
        raise Forbidden("仅授权人员可按主体查询", "only authorized staff may look up a subject")
    prefix, _, rest = subject.partition(":")
    check = SUBJECT_SCOPES.get(prefix)
    if check is not None:
        check(request.user, rest)
    rows = selectors.entries_about(subject, max(1, min(limit, 1000)))
    return [entry_out(e, True) for e in rows]


def _default_size(tree_size: int | None) -> int:
    return tree_size if tree_size is not None else selectors.latest_checkpoint().size


@router.get("/proofs/inclusion", response=InclusionOut, summary="包含证明（按序号或叶哈希）")
def inclusion(
    request: HttpRequest,
    index: BoundedInt | None = None,
    leaf_hash: str | None = None,
    tree_size: BoundedInt | None = None,
) -> InclusionOut:
    if index is not None and leaf_hash is None:
        found = selectors.entry_at(index)
    elif leaf_hash is not None and index is None:
        try:
            found = selectors.entry_with_leaf_hash(note.hex_hash(leaf_hash))
        except note.NoteError:
            raise InvalidInput("叶哈希格式不正确", "leaf_hash must be 64 hex digits") from None
    else:
        raise InvalidInput("请给出序号或叶哈希之一", "give either index or leaf_hash")
    size = _default_size(tree_size)
    proof = selectors.inclusion_proof(found.leaf.index, size)
    return InclusionOut(
        index=found.leaf.index,
        tree_size=size,
        leaf_hash=bytes(found.leaf_hash).hex(),
        proof=[h.hex() for h in proof],
    )


@router.get("/proofs/consistency", response=ConsistencyOut, summary="一致性证明")
def consistency(
    request: HttpRequest, first: BoundedInt, second: BoundedInt | None = None
) -> ConsistencyOut:
    size = _default_size(second)
    proof = selectors.consistency_proof(first, size)
    return ConsistencyOut(first=first, second=size, proof=[h.hex() for h in proof])


@router.get("/witness", response=WitnessOut, summary="见证：最新检查点及自上次所见的一致性证明")
def witness(request: HttpRequest, old_size: BoundedInt = 0) -> WitnessOut:
    latest = selectors.latest_checkpoint()
    proof = selectors.consistency_proof(old_size, latest.size)
    return WitnessOut(
        checkpoint=latest.note,
        old_size=old_size,
        tree_size=latest.size,
        proof=[h.hex() for h in proof],
    )


@router.post(
    "/witness/cosignatures",
    response={201: CosignatureOut},
    summary="提交见证签名（仅限见证名单中的见证方，按来源限速）",
)
def cosign(request: HttpRequest, data: CosignatureIn) -> Status:
    stored = services.add_cosignature(
        data.note, data.verifier_key, source=request.META.get("REMOTE_ADDR", "")
    )
    return Status(
        201,
        CosignatureOut(
            witness=stored.witness,
            key_id=stored.key_id,
            tree_size=stored.checkpoint.size,
            timestamp=stored.timestamp,
        ),
    )
