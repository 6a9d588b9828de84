"""Changes to the synonym table and the index change markers: the only state guidance owns
(a search changes nothing)."""

from django.db import transaction

from ninhaoban.core.errors import Conflict, InvalidInput
from ninhaoban.guidance.engine import normalize
from ninhaoban.guidance.models import IndexChange, Synonym
from ninhaoban.ledger.services import record

# CharFields: their max_length is never None, which the stubs cannot know
TERM_MAX: int = Synonym._meta.get_field("term").max_length  # type: ignore[assignment]
TARGET_MAX: int = Synonym._meta.get_field("target").max_length  # type: ignore[assignment]


def _clean(value: str, *, field: str, label_zh: str, label_en: str, limit: int) -> str:
    text = normalize(value)
    if not text:
        raise InvalidInput(f"{label_zh}不能为空", f"the {label_en} is required", field=field)
    if len(text) > limit:
        raise InvalidInput(
            f"{label_zh}不能超过{limit}个字",
            f"the {label_en} is longer than {limit} characters",
            field=field,
        )
    return text


def clean_synonym(term: str, target: str, *, synonym: Synonym | None = None) -> tuple[str, str]:
    """The pair as it will be stored, normalized (NFKC, lower case) so that the table says
    exactly what the index matches; the admin form calls this to show errors in place."""
    term = _clean(term, field="term", label_zh="俗称", label_en="term", limit=TERM_MAX)
    target = _clean(
        target, field="target", label_zh="规范用语", label_en="target", limit=TARGET_MAX
    )
    if term == target:
        raise InvalidInput(
            "俗称与规范用语相同", "the term and its target are the same", field="target"
        )
    duplicates = Synonym.objects.filter(term=term, target=target)
    if synonym is not None and synonym.pk is not None:
        duplicates = duplicates.exclude(pk=synonym.pk)
    if duplicates.exists():
        raise Conflict(f"“{term} → {target}”已存在", f"'{term} → {target}' exists", field="target")
    return term, target


@transaction.atomic
def save_synonym(
    *,
    term: str,
    target: str,
    actor: str,
    note: str = "",
    synonym: Synonym | None = None,
) -> Synonym:
    """Create a pair, or change `synonym` in place."""
    term, target = clean_synonym(term, target, synonym=synonym)
    row = synonym or Synonym()
    created = row.pk is None
    row.term, row.target, row.note, row.updated_by = term, target, note.strip(), actor
    row.save()
    record(
        "guidance.synonym_added" if created else "guidance.synonym_changed",
        f"synonym:{row.pk}",
        actor,
        {"term": term, "target": target},
    )
    return row


@transaction.atomic
def delete_synonym(synonym: Synonym, *, actor: str) -> None:
    pk, term, target = synonym.pk, synonym.term, synonym.target
    synonym.delete()
    record("guidance.synonym_deleted", f"synonym:{pk}", actor, {"term": term, "target": target})


def mark_index_stale() -> None:
    """A marker inside the caller's transaction: if the change rolls back, so does this."""
    IndexChange.objects.create()


def rebuild_index() -> int:
    """Rebuild this process's index now and have every other process rebuild within
    FRESHNESS_SECONDS; the number of documents indexed. Old markers are pruned here, as only
    the latest matter."""
    # index imports this module for its signal handlers, so it is imported here, not above.
    from ninhaoban.guidance import index

    with transaction.atomic():
        newest = IndexChange.objects.order_by("-pk").values_list("pk", flat=True).first()
        IndexChange.objects.filter(pk__lt=newest or 0).delete()
        mark_index_stale()
    return len(index.build())
