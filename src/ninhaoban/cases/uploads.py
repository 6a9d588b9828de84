"""What an uploaded file really is, from its bytes: the name and the browser's claim lie.

Only PDF, JPEG, PNG and OFD (GB/T 33190: a ZIP whose root holds OFD.xml) are accepted, up
to a size limit; anything else — a renamed .exe included — is refused before it is stored.
"""

import hashlib
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from ninhaoban.core.errors import InvalidInput

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
    """A file as it arrived (from a form, the API or a kiosk scanner)."""

    name: str
    data: bytes


def posted_files(
    files: Mapping[str, UploadedFile], keys: Iterable[str] | None = None
) -> dict[str, FileIn]:
    """The files of a page's form, whose inputs are named "file-<material key>": those of
    the given keys, or every one."""
    wanted = None if keys is None else {f"file-{key}" for key in keys}
    return {
        name.removeprefix("file-"): FileIn(f.name, f.read())
        for name, f in files.items()
        if name.startswith("file-") and (wanted is None or name in wanted)
    }


@dataclass(frozen=True)
class Checked:
    name: str
    data: bytes
    content_type: str
    sha256: str


def _is_ofd(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "OFD.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def sniff(data: bytes) -> str | None:
    for magic, content_type in SIGNATURES:
        if data.startswith(magic):
            return content_type
    if data.startswith(ZIP_MAGIC) and _is_ofd(data):
        return OFD_TYPE
    return None


def check(upload: FileIn, material: str = "") -> Checked:
    """Refuse (422) anything that is empty, too large or not one of the four formats."""
    label = f"“{material}”" if material else ""
    limit = settings.NHB_UPLOAD_MAX_BYTES
    if not upload.data:
        raise InvalidInput(
            f"材料{label}文件为空", f"the file for {material} is empty", field="files"
        )
    if len(upload.data) > limit:
        raise InvalidInput(
            f"材料{label}文件超过{limit // (1024 * 1024)}MB",
            f"the file for {material} is larger than {limit} bytes",
            field="files",
        )
    content_type = sniff(upload.data)
    if content_type is None:
        raise InvalidInput(
            f"材料{label}的文件“{upload.name}”不是PDF、JPEG、PNG或OFD文件",
            f"'{upload.name}' for {material} is not a PDF, JPEG, PNG or OFD file",
            field="files",
        )
    name = (upload.name or "").replace("/", "_").replace("\\", "_")[-128:]
    return Checked(name, upload.data, content_type, hashlib.sha256(upload.data).hexdigest())
