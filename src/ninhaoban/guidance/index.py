"""The process's search index: built from the published catalog, kept fresh without a restart.

Why this shape. catalog sits below guidance and must not import it, so guidance listens:
`post_save`/`post_delete` of catalog's models (and of the synonym table) drop this process's
index once the transaction commits, so the next search here rebuilds it, and insert an
IndexChange marker in the same transaction, for the other processes. Catalog's bulk
import writes with `bulk_create` (no signals), so the stamp every process compares at most
every FRESHNESS_SECONDS also holds the count and latest publication of the versions in force,
the bundle membership, the synonyms and today's date. A stale index is replaced whole;
searches in flight keep the old one.
"""

import datetime as dt
import threading
import time
from collections.abc import Hashable
from typing import TypedDict

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from ninhaoban.catalog import selectors as catalog
from ninhaoban.catalog.models import (
    BaseItem,
    Bundle,
    BundleItem,
    ServiceItem,
    ServiceItemVersion,
)
from ninhaoban.guidance import services
from ninhaoban.guidance.engine import Document, Index
from ninhaoban.guidance.models import IndexChange, Synonym

FRESHNESS_SECONDS = 5.0

_lock = threading.Lock()
_building = threading.Lock()


class _State(TypedDict):
    index: Index | None
    stamp: Hashable | None
    checked: float  # time.monotonic() of the last stamp comparison
    generation: int  # bumped by forget(), so a build that raced a change is not trusted


_state: _State = {"index": None, "stamp": None, "checked": 0.0, "generation": 0}


def documents(day: dt.date) -> list[Document]:
    """Every service item version in force on `day`, and every bundle with such items."""
    versions = catalog.current_versions(day).prefetch_related("materials")
    docs: list[Document] = []
    names: dict[int, tuple[str, str]] = {}
    for version in versions:
        item = version.item
        names[item.pk] = (item.code, version.name)
        base = item.base
        aliases = tuple(base.aliases or ())
        if base.name != version.name:
            aliases = (base.name, *aliases)
        text = " ".join(
            [
                version.conditions,
                item.department.name,
                *(m.name for m in version.materials.all()),
            ]
        )
        docs.append(
            Document(
                key=f"item:{item.code}",
                kind="item",
                code=item.code,
                name=version.name,
                region_code=item.region_id,
                level=item.region.level,
                group=base.code,
                aliases=aliases,
                text=text,
                department=item.department.name,
                region_name=item.region.name,
            )
        )
    for bundle in catalog.bundles():
        members = [names[m.item_id] for m in bundle.members.all() if m.item_id in names]
        if not members:
            continue
        docs.append(
            Document(
                key=f"bundle:{bundle.code}",
                kind="bundle",
                code=bundle.code,
                name=bundle.name,
                region_code=bundle.region_id,
                level=bundle.region.level,
                aliases=tuple(bundle.aliases or ()),
                text=bundle.description,
                items=tuple(members),
                region_name=bundle.region.name,
            )
        )
    return docs


def synonym_table() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for term, target in Synonym.objects.values_list("term", "target"):
        table.setdefault(term, []).append(target)
    return table


def stamp(day: dt.date) -> Hashable:
    """Changes whenever what the index holds would change; four small queries."""
    versions = (
        catalog.current_versions(day).order_by().aggregate(n=Count("pk"), last=Max("published_at"))
    )
    bundles = catalog.bundles().order_by().aggregate(n=Count("members"), last=Max("members"))
    synonyms = Synonym.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    changes = IndexChange.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (
        day,
        changes["n"],
        changes["last"],
        versions["n"],
        versions["last"],
        bundles["n"],
        bundles["last"],
        synonyms["n"],
        synonyms["last"],
    )


def build(day: dt.date | None = None) -> Index:
    """The stamp is read before the rows, and a change committed during the build makes the
    new index count as stale at once, so no change can fall between the two."""
    day = day or timezone.localdate()
    generation = _state["generation"]
    before = stamp(day)
    index = Index(documents(day), synonym_table())
    with _lock:
        if _state["generation"] == generation:
            _state.update({"index": index, "stamp": before, "checked": time.monotonic()})
        else:
            _state.update({"index": index, "stamp": None, "checked": 0.0})
    return index


def current() -> Index:
    """The index to search now. Threads that find it stale wait for one rebuild instead of
    each building their own."""
    index = _state["index"]
    now = time.monotonic()
    if index is not None and now - _state["checked"] < FRESHNESS_SECONDS:
        return index
    day = timezone.localdate()
    fresh = stamp(day)
    if index is not None and fresh == _state["stamp"]:
        _state["checked"] = now
        return index
    with _building:
        index = _state["index"]
        if index is not None and _state["stamp"] == fresh:
            return index
        return build(day)


def invalidate(**_signal_kwargs: object) -> None:
    """Connected to catalog's and the synonym table's saves and deletes."""
    services.mark_index_stale()
    transaction.on_commit(forget)


def _version_saved(instance: ServiceItemVersion, **_signal_kwargs: object) -> None:
    """Drafts are not searchable: only publishing or ending a version matters."""
    if instance.is_published:
        invalidate()


def forget() -> None:
    with _lock:
        _state.update({"index": None, "stamp": None, "checked": 0.0})
        _state["generation"] += 1


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_version_saved, sender=ServiceItemVersion, dispatch_uid="guidance-version")
    for model in (BaseItem, ServiceItem, Bundle, BundleItem, Synonym):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"guidance-{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"guidance-{model.__name__}-d")
