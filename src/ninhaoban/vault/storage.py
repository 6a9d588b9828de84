"""Uploads sealed on disk: each file encrypted as it is written (AES-256-GCM segments, the
key id in its header), mode 0600, opened decrypted for the reader the service let in."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage

from ninhaoban.core import sealing


class _SealingFile(File):
    """Hands FileSystemStorage the ciphertext of `source` chunk by chunk."""

    def __init__(self, source: File, context: str) -> None:
        super().__init__(None, name=source.name)
        self._source = source
        self._context = context

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return sealing.seal_stream(self._source.chunks(chunk_size), self._context)


class SealedFileSystemStorage(FileSystemStorage):
    """The file's name (relative to the storage) is its associated data, so a sealed file
    renamed over another's does not open."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    def _save(self, name: str, content: File) -> str:
        return super()._save(name, _SealingFile(content, context_of(name)))  # type: ignore[misc]

    def _open(self, name: str, mode: str = "rb") -> File:
        plain = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (the caller closes it)
            max_size=1024 * 1024, dir=settings.FILE_UPLOAD_TEMP_DIR
        )
        with super()._open(name, "rb") as raw:  # type: ignore[misc]
            sealed = sealing.file_key_id(raw) is not None
            raw.seek(0)
            chunks = (
                sealing.open_stream(raw, context_of(name))
                if sealed  # else stored before encryption, until `keys reencrypt` seals it
                else iter(lambda: raw.read(sealing.SEGMENT), b"")
            )
            for chunk in chunks:
                plain.write(chunk)
        plain.seek(0)
        return File(plain, name=name)

    def size(self, name: str) -> int:
        with self._open(name) as handle:
            handle.seek(0, 2)
            return handle.tell()


def context_of(name: str) -> str:
    return f"file:{name.replace(chr(92), '/')}"
