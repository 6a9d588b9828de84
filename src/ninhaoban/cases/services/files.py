"""Staff opening a file an applicant handed in: a read of personal data, so it is traced
like every other (a DataQuery and its ledger entry: who, whose, which case, why)."""

from dataclasses import dataclass

from django.core.files import File
from django.db import transaction

from ninhaoban.accounts.scoping import roles_of
from ninhaoban.cases import written
from ninhaoban.cases.models import Case, CaseMaterial
from ninhaoban.cases.selectors import STAFF_READERS
from ninhaoban.cases.services.base import Actor
from ninhaoban.core.errors import Forbidden, NotFound
from ninhaoban.exchange.services import trace_read

PURPOSE = "查阅申请材料"


@dataclass(frozen=True)
class OpenedFile:
    name: str
    content_type: str
    file: File


@transaction.atomic
def open_material(case: Case, material_id: int, actor: Actor) -> OpenedFile:
    """The file of one material of `case` (a bundle's are on its parent) for a staff member
    who may see the case (the caller found it through `selectors.case_for_staff`)."""
    if not actor.is_staff or actor.user is None:
        raise Forbidden("仅限工作人员查阅申请材料", "only staff open an applicant's files")
    holder_id = case.parent_id or case.pk
    material = (
        CaseMaterial.objects.select_related("upload")
        .filter(case_id=holder_id, pk=material_id, upload__isnull=False)
        .first()
    )
    if material is None or material.upload is None:
        raise NotFound(f"办件没有编号为{material_id}的材料文件", f"no file {material_id} here")
    try:
        handle = material.upload.file.open("rb")
    except FileNotFoundError:
        raise NotFound(
            f"材料{material_id}的文件不在存储中，请联系系统管理员",
            f"the stored file of material {material_id} is missing: tell the administrator",
        ) from None
    _trace(case, material, actor)
    return OpenedFile(material.file_name, material.upload.content_type, handle)


def _trace(case: Case, material: CaseMaterial, actor: Actor) -> None:
    assert actor.user is not None  # the callers let staff only in
    held = sorted({g.role for g in roles_of(actor.user, STAFF_READERS)})
    trace_read(
        actor=actor.ledger,
        role=held[0] if held else "admin",
        applicant=case.applicant,
        data_key=f"case.material:{material.key}"[:96],
        purpose=PURPOSE,
        case_ref=case.case_no,
    )


@transaction.atomic
def open_written(case: Case, material_id: int, actor: Actor) -> bytes:
    """A 申请书 or model text the platform wrote from the applicant's form, for staff who may
    see the case: it carries the applicant's particulars whole, so the read is traced."""
    if not actor.is_staff or actor.user is None:
        raise Forbidden("仅限工作人员查阅申请材料", "only staff open an applicant's files")
    material = written.written_material(case, material_id)
    data = written.document_pdf(case, material)
    _trace(case, material, actor)
    return data
