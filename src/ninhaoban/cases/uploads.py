"""What an uploaded file really is, from its bytes: the name and the browser's claim lie.

Only PDF, JPEG, PNG and OFD (GB/T 33190: a ZIP whose root holds OFD.xml) are accepted, up
to a size limit; anything else — a renamed .exe included — is refused before it is stored.
A page's files are refused by number, material key and declared size before a byte of
them is read; Django has streamed each to a temporary file (or, if small, memory), and they
are read from there in chunks to be recognized and hashed, never whole.
"""

import hashlib
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile

from ninhaoban.core.errors import InvalidInput
from ninhaoban.core.text import CONTROL

SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
ZIP_MAGIC = b"PK\x03\x04"
OFD_TYPE = "application/ofd"
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", OFD_TYPE: "ofd"}


@dataclass(frozen=True)
class FileIn:
    """A file as it arrived: bytes (from the API or a kiosk scanner) or a file Django
    received from a form."""

    name: str
    data: bytes | File

    @property
    def source(self) -> File:
        return ContentFile(self.data) if isinstance(self.data, bytes) else self.data

    @property
    def size(self) -> int:
        return len(self.data) if isinstance(self.data, bytes) else (self.data.size or 0)


def check_count(count: int) -> None:
    limit = settings.NHB_UPLOAD_MAX_FILES
    if count > limit:
        raise InvalidInput(
            f"一次最多提交{limit}个文件", f"at most {limit} files at once", field="files"
        )


def _check_size(size: int, material: str) -> None:
    label = f"“{material}”" if material else ""
    limit = settings.NHB_UPLOAD_MAX_BYTES
    if not size:
        raise InvalidInput(
            f"材料{label}文件为空", f"the file for {material} is empty", field="files"
        )
    if size > limit:
        raise InvalidInput(
            f"材料{label}文件超过{limit // (1024 * 1024)}MB",
            f"the file for {material} is larger than {limit} bytes",
            field="files",
        )


def posted_files(
    files: Mapping[str, UploadedFile], keys: Iterable[str] | None = None
) -> dict[str, FileIn]:
    """The files of a page's form, whose inputs are named "file-<material key>": refused
    (422) if there are too many, one names a material not asked for (when `keys` says
    which are) or one is empty or too large, all before any is read."""
    posted = {n.removeprefix("file-"): f for n, f in files.items() if n.startswith("file-")}
    check_count(len(posted))
    wanted = None if keys is None else set(keys)
    for key, upload in posted.items():
        if wanted is not None and key not in wanted:
            raise InvalidInput(
                f"本申请不需要材料“{key}”", f"no material {key} in this application", field="files"
            )
        _check_size(upload.size or 0, key)
    return {key: FileIn(upload.name or "", upload) for key, upload in posted.items()}


@dataclass(frozen=True)
class Checked:
    name: str
    source: File
    size: int
    content_type: str
    sha256: str


def _is_ofd(source: File) -> bool:
    source.seek(0)
    try:
        with zipfile.ZipFile(source) as archive:
            return "OFD.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def sniff(data: bytes | File) -> str | None:
    source = ContentFile(data) if isinstance(data, bytes) else data
    source.seek(0)
    head = source.read(len(ZIP_MAGIC) * 2)
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    if head.startswith(ZIP_MAGIC) and _is_ofd(source):
        return OFD_TYPE
    return None


def check(upload: FileIn, material: str = "") -> Checked:
    """Refuse (422) anything that is empty, too large or not one of the four formats."""
    size = upload.size
    _check_size(size, material)
    source = upload.source
    content_type = sniff(source)
    if content_type is None:
        label = f"“{material}”" if material else ""
        raise InvalidInput(
            f"材料{label}的文件“{upload.name}”不是PDF、JPEG、PNG或OFD文件",
            f"'{upload.name}' for {material} is not a PDF, JPEG, PNG or OFD file",
            field="files",
        )
    digest = hashlib.sha256()
    if not isinstance(upload.data, bytes):
        # a copy of our own to store from after the commit: the request's file is closed
        # (and its temporary file removed) when the response is sent
        copy = File(tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR))  # noqa: SIM115 (kept open until stored)
        for chunk in source.chunks():
            digest.update(chunk)
            copy.write(chunk)
        source = copy
    else:
        digest.update(upload.data)
    name = CONTROL.sub("", upload.name or "").replace("/", "_").replace("\\", "_")[-128:]
    return Checked(name, source, size, content_type, digest.hexdigest())
