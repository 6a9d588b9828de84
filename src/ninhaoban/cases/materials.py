"""Where each material comes from: a licence the applicant holds, another department's
data, the office itself, or the applicant's upload.

This is the one seam between cases and the licences and exchange apps, and the one place
intake decides 免提交. When a department answers "unavailable" (down, slow, no consent, no
record), the material is simply not covered and the applicant is asked to upload it or to
ask for 容缺 — never an invented result, and always in the same words: whoever reads the
answer learns nothing of what a department holds on the person (the trace keeps the outcome).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

from ninhaoban.accounts.models import Applicant
from ninhaoban.cases.models import MaterialState
from ninhaoban.catalog import selectors as catalog
from ninhaoban.catalog.models import MaterialSource, Requirement, ServiceItemVersion
from ninhaoban.catalog.rules import material_key, normalize_name
from ninhaoban.exchange import services as exchange
from ninhaoban.licences import selectors as licence_selectors
from ninhaoban.licences import services as licence_services

# the stronger requirement wins when two items of a bundle ask for the same document
STRENGTH: dict[str, int] = {
    Requirement.OPTIONAL: 0,
    Requirement.DEFERRABLE: 1,
    Requirement.REQUIRED: 2,
}
NOT_FOUND_NOTE = gettext_noop("未能通过电子证照或共享数据获取，请上传")
NO_CONSENT_NOTE = gettext_noop("未经申请人本人同意，不查询其电子证照或共享数据，请上传")
UNASKED_NOTE = gettext_noop("未同意查询共享数据：请勾选同意，或上传该材料")
GENERATED_NOTE = gettext_noop("由平台根据申请表生成，申请人在线短信确认或窗口签字")
GOVERNMENT_NOTE = gettext_noop("由承办部门核发，无需提交")
TEMPLATE_NOTE = gettext_noop("申请人选用示范文本，由平台根据申请表生成")
# 经营场所使用证明 from the register: it covers the material only for premises the applicant
# owns, so the address the form gives must be one of the properties the record lists
PREMISES = "real_estate.premises"
PREMISES_FIELD = "address"
NOT_OWNED_NOTE = gettext_noop(
    "所填住所（经营场所）不在申请人名下的不动产登记中，请上传租赁协议等使用证明"
)
LOOKUP_SOURCES = (MaterialSource.LICENCE, MaterialSource.SHARED_DATA)


@dataclass
class Need:
    """One distinct document an application needs, however many of its items ask for it."""

    key: str
    name: str
    source: str
    requirement: str
    licence_type_code: str
    data_key: str
    items: list[str]
    base_code: str  # the 基本编码 of the first item asking: data rights are granted on it
    template: str = ""  # catalog.TemplateKind: every item asking lets a model text meet it
    fields: list[str] = field(default_factory=list)  # 字段库 keys a written document prints


@dataclass(frozen=True)
class Resolution:
    state: str
    reference: str = ""
    note: str = ""


def needs_for(versions: Sequence[ServiceItemVersion]) -> list[Need]:
    found: dict[str, Need] = {}
    for version in versions:
        for m in catalog.materials_of(version):
            row = {
                "name": m.name,
                "source": m.source,
                "licence_type_code": m.licence_type_code,
                "data_key": m.data_key,
            }
            key = material_key(row)
            need = found.get(key)
            if need is None:
                found[key] = Need(
                    key,
                    m.name,
                    m.source,
                    m.requirement,
                    m.licence_type_code,
                    m.data_key,
                    [version.item.code],
                    version.item.base.code,
                    m.template,
                    list(m.fields or []),
                )
                continue
            need.fields += [k for k in m.fields or [] if k not in need.fields]
            if m.template != need.template:  # one item asking does not take the model text
                need.template = ""
            if STRENGTH[m.requirement] > STRENGTH[need.requirement]:
                need.requirement = m.requirement
            if version.item.code not in need.items:
                need.items.append(version.item.code)
    return list(found.values())


def issued_within(
    needs: list[Need], versions: Sequence[ServiceItemVersion], stages: Sequence[int]
) -> list[Need]:
    """In a bundle, a licence that an earlier stage issues (the 营业执照 企业设立登记 gives the
    公章、发票、社保 items of 企业开办) is not the applicant's to bring: the bundle makes it
    before the items that need it start, so it counts as issued by the office itself."""
    first_stage: dict[str, int] = {}
    for version, stage in zip(versions, stages, strict=True):
        if version.licence_type_code:
            first_stage.setdefault(version.licence_type_code, stage)
    stage_of = {v.item.code: s for v, s in zip(versions, stages, strict=True)}
    for need in needs:
        issued = first_stage.get(need.licence_type_code)
        if need.source != MaterialSource.LICENCE or issued is None:
            continue
        if all(stage_of[code] > issued for code in need.items):
            need.source = MaterialSource.GOVERNMENT
    return needs


def holds_licence(need: Need, applicant: Applicant) -> bool:
    """Whether the licence would cover the need, without reading it (nothing to trace)."""
    return licence_selectors.valid_licence_for(applicant, need.licence_type_code) is not None


def from_licence(need: Need, applicant: Applicant, actor: str, role: str) -> Resolution:
    licence = licence_selectors.valid_licence_for(applicant, need.licence_type_code)
    if licence is None:
        return Resolution(MaterialState.MISSING, note=NOT_FOUND_NOTE)
    licence_services.trace_licence_read(
        licence, actor=actor, role=role, purpose=f"办件申请材料：{need.name}"
    )
    return Resolution(MaterialState.LICENCE, reference=licence.identifier)


def from_shared_data(
    need: Need,
    applicant: Applicant,
    actor: str,
    role: str,
    case_no: str,
    form: Mapping[str, Any] | None = None,
) -> Resolution:
    result = exchange.fetch_shared_data(
        applicant=applicant,
        data_key=need.data_key,
        purpose=f"办件申请材料：{need.name}",
        actor=actor,
        role=role,
        item_code=need.base_code,
        case_ref=case_no,
    )
    if result.available and need.data_key == PREMISES and not owns(result.data, form):
        return Resolution(MaterialState.MISSING, note=NOT_OWNED_NOTE)
    if result.available:
        return Resolution(MaterialState.SHARED, reference=f"query:{result.query_id}")
    return Resolution(MaterialState.MISSING, note=NOT_FOUND_NOTE)


def owns(record: Mapping[str, Any], form: Mapping[str, Any] | None) -> bool:
    """Whether the premises the form names are among the properties the register lists."""
    address = normalize_name(str((form or {}).get(PREMISES_FIELD) or ""))
    places = [normalize_name(str(p.get("location", ""))) for p in record.get("properties") or []]
    return bool(address) and address in places


def grant_consent(
    applicant: Applicant,
    needs: Sequence[Need],
    channel: str,
    case_no: str,
    *,
    basis: str,
    attested_by: str = "",
) -> None:
    """The applicant agreed (a ticked box online or at a kiosk, or confirmed in person at the
    window by the clerk) that the named data sets may be fetched for this one application."""
    keys = [n.data_key for n in needs if n.source == MaterialSource.SHARED_DATA and n.data_key]
    if keys:
        exchange.grant_consent(
            applicant=applicant,
            data_keys=keys,
            channel=channel,
            case_ref=case_no,
            basis=basis,
            attested_by=attested_by,
        )


def consent_basis(actor_kind: str, actor: str, channel: str) -> tuple[str, str]:
    """How a consent given with an application was given, and the clerk who confirmed it."""
    if actor_kind == "applicant":
        basis = exchange.ConsentBasis.KIOSK if channel == "kiosk" else exchange.ConsentBasis.SESSION
        return basis, ""
    return exchange.ConsentBasis.ATTESTED, actor


def may_look_up(need: Need, consented: bool, own: bool) -> bool:
    """Shared data is asked only with consent; a licence is read without it only for the
    applicant's own application (their own records, in their own session)."""
    if need.source == MaterialSource.SHARED_DATA:
        return consented
    return consented or own


def resolve(
    need: Need,
    applicant: Applicant,
    actor: str,
    role: str,
    case_no: str,
    form: Mapping[str, Any] | None = None,
) -> Resolution:
    if need.source == MaterialSource.LICENCE and need.licence_type_code:
        return from_licence(need, applicant, actor, role)
    if need.source == MaterialSource.SHARED_DATA and need.data_key:
        return from_shared_data(need, applicant, actor, role, case_no, form)
    if need.source == MaterialSource.GOVERNMENT:
        return Resolution(MaterialState.GOVERNMENT, note=GOVERNMENT_NOTE)
    if need.source == MaterialSource.GENERATED:
        return Resolution(MaterialState.GENERATED, note=GENERATED_NOTE)
    return Resolution(MaterialState.MISSING)
