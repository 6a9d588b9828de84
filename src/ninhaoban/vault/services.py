"""Sealing existing data and moving it between keys: the migrations that encrypt rows written
in clear, and `ninhaoban keys reencrypt|retire`, all go through `reseal_model` and
`rows_under`, which see every model with a sealed field through its meta (no app imported)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.apps import apps as global_apps
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, models, transaction

from ninhaoban.core import sealing
from ninhaoban.vault.fields import DigestField, SealedJSONField, SealedTextField
from ninhaoban.vault.storage import context_of

BATCH = 500


def sealed_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, SealedTextField | SealedJSONField) and f.model is model
    ]


def sealed_models(registry: object = global_apps) -> Iterator[type[models.Model]]:
    """Every concrete model holding a sealed column (proxies share their parent's table)."""
    for model in registry.get_models():  # type: ignore[attr-defined]
        if not model._meta.proxy and sealed_fields(model):
            yield model


def _stale(column: str) -> str:
    """SQL true where a column is neither empty nor sealed under the active key."""
    return f"({column} IS NOT NULL AND {column} <> '' AND {column} NOT LIKE %s)"


def reseal_model(model: type[models.Model], *, active: str | None = None) -> int:
    """Rewrite, in batches of BATCH rows each in its own transaction, every row with a value
    in clear or under another key than `active` (the keyring's active key); digests are
    recomputed on the way. Returns the number of rows rewritten."""
    active = active or sealing.keyring().active
    fields = sealed_fields(model)
    digests = [f for f in model._meta.concrete_fields if isinstance(f, DigestField)]
    quote = connection.ops.quote_name
    where = " OR ".join(_stale(quote(str(f.column))) for f in fields)
    pattern = [f"nhb1:{active}:%"] * len(fields)
    table, pk = quote(model._meta.db_table), quote(str(model._meta.pk.column))
    done, last = 0, None
    while True:
        after = "" if last is None else f"AND {pk} > %s "
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pk} FROM {table} WHERE ({where}) {after}ORDER BY {pk} LIMIT {BATCH}",
                pattern if last is None else [*pattern, last],
            )
            pks = [row[0] for row in cursor.fetchall()]
        if not pks:
            return done
        with transaction.atomic():
            rows = list(model._default_manager.select_for_update().filter(pk__in=pks))
            for row in rows:
                for d in digests:
                    setattr(row, d.attname, d.compute(getattr(row, d.of)))
            model._default_manager.bulk_update(rows, [f.name for f in (*fields, *digests)])
        done += len(rows)
        last = pks[-1]


def rows_under(kid: str) -> Counter[str]:
    """How many values each sealed column still holds under key `kid`."""
    counts: Counter[str] = Counter()
    quote = connection.ops.quote_name
    for model in sealed_models():
        for f in sealed_fields(model):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(model._meta.db_table)} "
                    f"WHERE {quote(str(f.column))} LIKE %s",
                    [f"nhb1:{kid}:%"],
                )
                (count,) = cursor.fetchone()
            if count:
                counts[f"{model._meta.db_table}.{f.column}"] = count
    return counts


def media_root() -> Path:
    storage = storages["default"]
    assert isinstance(storage, FileSystemStorage)  # the settings' SealedFileSystemStorage
    return Path(storage.location)


def stored_files() -> Iterable[tuple[Path, str | None]]:
    """Every file in the media storage and the key id it is sealed with (None: in clear)."""
    root = media_root()
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.endswith(".resealing"):
            with path.open("rb") as handle:
                yield path, sealing.file_key_id(handle)


def reseal_files(*, active: str | None = None) -> int:
    """Seal under the active key every stored file that is in clear or under an older key:
    written beside, then renamed over, mode 0600."""
    active = active or sealing.keyring().active
    root, done = media_root(), 0
    for path, kid in list(stored_files()):
        if kid == active:
            continue
        context = context_of(path.relative_to(root).as_posix())
        beside = path.with_name(path.name + ".resealing")
        with path.open("rb") as source:
            if kid is None:
                plain: Iterable[bytes] = iter(lambda: source.read(sealing.SEGMENT), b"")
            else:
                source.seek(0)
                plain = sealing.open_stream(source, context)
            fd = os.open(beside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                for chunk in sealing.seal_stream(iter(plain), context):
                    out.write(chunk)
        os.replace(beside, path)
        done += 1
    return done


def files_under(kid: str) -> int:
    return sum(1 for _, k in stored_files() if k == kid)


def seal_existing(app_label: str, *model_names: str, files: bool = False) -> object:
    """A migration step that seals the rows (and with `files`, the stored uploads) written
    in clear before the columns became sealed; on SQLite and PostgreSQL alike, in batches."""
    from django.db import migrations

    def forward(registry: object, schema_editor: object) -> None:
        for name in model_names:
            model = registry.get_model(app_label, name)  # type: ignore[attr-defined]
            reseal_model(model)
            if connection.vendor == "postgresql":
                # every digest is new: without fresh statistics the planner takes a digest
                # for unselective and walks the primary key for `.first()` lookups
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        if files:
            reseal_files()

    return migrations.RunPython(forward, elidable=False)
