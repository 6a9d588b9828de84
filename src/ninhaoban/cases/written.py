"""The documents the platform writes from the one form (一表申请): each item's 申请书 the
catalog marks as generated, and the city's model texts (公司章程, 任职文件, 承诺书, 委托书)
the applicant chose instead of an upload. They are rendered from the case's stored form
whenever asked, so they always say exactly what the applicant typed; nothing else is stored.

How each is signed follows the channel: online by a code sent to the applicant's phone
(`cases.services.signing`; the PDF then names the time, the masked phone and the SHA-256 of
what was signed, which the ledger holds), at a kiosk on the signature pad, at the window on
paper. The digest is of the document's content (`content_digest`), not of the PDF's bytes,
so the same form always gives the same digest whenever the PDF is rendered.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ninhaoban.cases import materials
from ninhaoban.cases.documents import SUBTITLE, progress_url
from ninhaoban.cases.models import Case, CaseMaterial, Channel, MaterialState
from ninhaoban.cases.services.oneform import CORRECTED, PROVENANCE, shown
from ninhaoban.catalog import oneform
from ninhaoban.catalog.models import ServiceItemVersion, TemplateKind
from ninhaoban.core.canonical import digest
from ninhaoban.core.errors import NotFound
from ninhaoban.core.pdf import Heading, KeyValue, Paragraph, render_pdf

WRITTEN_STATES = (MaterialState.GENERATED, MaterialState.TEMPLATE)

# the model texts: paragraphs with {field} places, filled from the form
MODEL_TEXTS: dict[str, list[str]] = {
    TemplateKind.ARTICLES: [
        "第一条 为规范公司的组织和行为，根据《中华人民共和国公司法》，制定本章程。",
        "第二条 公司名称：{organization_name}。公司住所：{address}。",
        "第三条 公司类型：{type}。注册资本：人民币{registered_capital}万元，由股东{applicant_name}"
        "认缴，依法按期足额缴纳。",
        "第四条 公司经营范围：{scope}。",
        "第五条 公司不设董事会，设执行董事一名，由{legal_representative}担任并为公司法定代表人；"
        "公司不设监事会，设监事一名，由{supervisor}担任。",
        "第六条 本章程采用咸宁市公司章程示范文本，由股东签署后生效。",
    ],
    TemplateKind.APPOINTMENT: [
        "根据《中华人民共和国公司法》和{organization_name}章程，经股东决定：",
        "一、选举{legal_representative}为公司执行董事，担任公司法定代表人；",
        "二、聘任{manager}为公司经理；",
        "三、选举{supervisor}为公司监事。",
        "上述人员任期三年，符合《公司法》规定的任职资格。",
    ],
    TemplateKind.PLEDGE: [
        "本经营者{organization_name}（经营场所：{address}）郑重承诺：",
        "一、采用咸宁市食品安全管理制度示范文本，建立并执行食品安全自查、从业人员健康管理、"
        "进货查验记录等制度；",
        "二、所填信息真实有效，如有不实，愿承担相应法律责任。",
        "承诺人：{applicant_name}",
    ],
    TemplateKind.POWER_OF_ATTORNEY: [
        "委托人{applicant_name}（身份证号码{applicant_id}）委托代理人代为办理本申请事项，"
        "代理人在委托权限内办理的事项，委托人予以承认。",
        "委托人联系电话：{applicant_phone}",
    ],
}
UNSIGNED_ONLINE = "申请人已在线提交以上内容，尚待以短信验证码确认签署。"
SIGNED_ONLINE = (
    "申请人于{time}以发送至手机{phone}的短信验证码在线确认以上内容属实并签署。"
    "签署内容摘要（SHA-256）：{digest}，已记入存证。"
)
SIGNATURE: dict[str, str] = {
    Channel.KIOSK: "申请人已在自助服务终端核验身份，并在签名板签名确认。",
    Channel.API: "申请人经接入系统实名认证后确认以上内容属实。",
}
PAPER_SIGNATURE = "申请人（签字）：__________　　日期：____年__月__日"


@dataclass(frozen=True)
class FormLine:
    """One answered field as the clerk sees it: where the platform took it from, and
    whether the applicant changed what was prefilled."""

    key: str
    label: str
    value: str
    prefilled: str  # the source in words, "" when the applicant typed it
    corrected: bool


def _versions(case: Case) -> list[ServiceItemVersion]:
    holder = case.parent or case
    if holder.item_version is not None:
        return [holder.item_version]
    children = holder.children.select_related("item_version").order_by("case_no")
    return [c.item_version for c in children if c.item_version is not None]


def form_lines(case: Case) -> list[FormLine]:
    """The one form of the case, field by field, with its prefill marks."""
    holder = case.parent or case
    form: Mapping[str, Any] = holder.form or {}
    prefilled: Mapping[str, str] = form.get(PROVENANCE) or {}
    corrected = set(form.get(CORRECTED) or [])
    return [
        FormLine(
            f.key,
            f.label,
            shown(f, str(form.get(f.key) or "")),
            str(prefilled.get(f.key, "")),
            f.key in corrected,
        )
        for f in oneform.fields_for(_versions(case))
    ]


def written_materials(case: Case) -> list[CaseMaterial]:
    holder = case.parent or case
    return list(holder.materials.filter(state__in=WRITTEN_STATES).order_by("pk"))


def written_material(case: Case, material_id: int) -> CaseMaterial:
    holder = case.parent or case
    row = holder.materials.filter(pk=material_id, state__in=WRITTEN_STATES).first()
    if row is None:
        raise NotFound(
            f"办件没有编号为{material_id}的平台生成文书", f"no written document {material_id} here"
        )
    return row


def _content(case: Case, row: CaseMaterial) -> tuple[str, list[Any]]:
    """What the document says, from the stored form: its heading and its body (label and
    value pairs of a 申请书, or the filled paragraphs of a model text)."""
    holder = case.parent or case
    versions = _versions(case)
    need = next((n for n in materials.needs_for(versions) if n.key == row.key), None)
    if need is None:
        raise NotFound(
            f"材料{row.name}不在办件所依据的事项目录中", f"{row.name} is not in the catalog"
        )
    fields = {f.key: f for f in oneform.fields_for(versions)}
    form: Mapping[str, Any] = holder.form or {}
    values = {k: str(form.get(k) or "") for k in fields}
    if row.state == MaterialState.TEMPLATE and need.template in MODEL_TEXTS:
        paragraphs = [_fill(p, values) for p in MODEL_TEXTS[need.template]]
        return str(TemplateKind(need.template).label), paragraphs
    pairs = [[fields[k].label, values[k] or "—"] for k in need.fields if k in fields]
    return "申请内容", pairs


def content_digest(case: Case, row: CaseMaterial) -> str:
    """SHA-256 of what the applicant signs: the case, the document and what it says."""
    holder = case.parent or case
    heading, body = _content(case, row)
    return digest(
        {
            "case": holder.case_no,
            "applicant": holder.applicant.subject,
            "material": row.key,
            "name": row.name,
            "heading": heading,
            "body": body,
        }
    )


def signature_text(case: Case, row: CaseMaterial) -> str:
    """How the document says it was signed."""
    holder = case.parent or case
    if holder.channel != Channel.ONLINE:
        return SIGNATURE.get(holder.channel, PAPER_SIGNATURE)
    if row.signed_at is None:
        return UNSIGNED_ONLINE
    when = timezone.localtime(row.signed_at).strftime("%Y-%m-%d %H:%M:%S")
    return SIGNED_ONLINE.format(time=when, phone=row.signed_phone, digest=row.signed_digest)


def document_pdf(case: Case, row: CaseMaterial) -> bytes:
    """The 申请书 or model text of one material, from the stored form."""
    holder = case.parent or case
    heading, body = _content(case, row)
    blocks: list[Any] = [
        KeyValue(
            [
                ("办件编号", holder.case_no),
                ("申请事项", holder.title),
                ("申请人", holder.applicant.display_name),
            ]
        ),
        Heading(heading),
    ]
    if body and isinstance(body[0], str):
        blocks += [Paragraph(p) for p in body]
    else:
        blocks.append(KeyValue([(label, value) for label, value in body]))
    blocks.append(Heading("申请人确认"))
    blocks.append(Paragraph(signature_text(case, row)))
    return render_pdf(
        row.name,
        blocks,
        qr_url=progress_url(holder),
        subtitle=SUBTITLE,
        footer="本文书由您好办平台根据申请人填写的申请表生成",
    )


def _fill(text: str, values: Mapping[str, str]) -> str:
    out = text
    for key, value in values.items():
        out = out.replace("{" + key + "}", value or "______")
    return out
