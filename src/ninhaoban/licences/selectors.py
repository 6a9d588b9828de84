"""Reads of licences and proofs that other apps and the pages need."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from ninhaoban.accounts.models import Applicant, Role
from ninhaoban.accounts.scoping import scoped
from ninhaoban.catalog.models import MaterialRequirement, MaterialSource, ServiceItem
from ninhaoban.catalog.rules import material_key
from ninhaoban.catalog.selectors import bundle_members, get_bundle, get_item, version_on
from ninhaoban.core.errors import NotFound
from ninhaoban.exchange.models import SYSTEM
from ninhaoban.exchange.selectors import shared_data_ready
from ninhaoban.licences.identifiers import parse_licence_id
from ninhaoban.licences.models import Licence, LicenceStatus, LicenceType, Proof
from ninhaoban.licences.payloads import verify_licence

LICENCE_READERS = (Role.CLERK, Role.APPROVER, Role.CHIEF, Role.SUPERVISOR)


def _with_relations(rows: QuerySet[Licence]) -> QuerySet[Licence]:
    return rows.select_related("licence_type", "holder", "issuer")


def valid_licence_for(applicant: Applicant, licence_type_code: str) -> Licence | None:
    """The newest licence of that type the applicant holds that is in force and genuine:
    what intake attaches instead of asking for the paper (免提交)."""
    today = dt.date.today()
    rows = _with_relations(
        Licence.objects.filter(
            holder=applicant,
            licence_type__code=licence_type_code,
            status=LicenceStatus.VALID,
        ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    ).order_by("-issued_on", "-pk")
    return next((lic for lic in rows if verify_licence(lic, today).in_force), None)


def proof_printed_in_session(applicant: Applicant, session_id: str, number: str) -> Proof:
    """A proof printed in this kiosk session only: the next person cannot reprint the last
    one's."""
    proof = (
        Proof.objects.select_related("holder", "issuer")
        .filter(number=number, holder=applicant, data_query__kiosk_session=session_id)
        .first()
    )
    if proof is None:
        raise NotFound(f"证明{number}不存在", f"no proof {number}")
    return proof


def licence_type(code: str) -> LicenceType | None:
    return LicenceType.objects.filter(code=code).first()


def issuable_types(holder_kind: str, department_type: str) -> QuerySet[LicenceType]:
    """The licence types a department of this type issues to this kind of holder."""
    return LicenceType.objects.filter(
        Q(holder_kind=holder_kind) | Q(holder_kind=""), issuing_department_type=department_type
    ).order_by("code")


def layouts_of(codes: Iterable[str]) -> dict[str, list[list[str]]]:
    """The face fields ([key, label] pairs) of each of these licence types."""
    return dict(LicenceType.objects.filter(code__in=list(codes)).values_list("code", "layout"))


def licences_of(applicant: Applicant) -> list[Licence]:
    rows = _with_relations(Licence.objects.filter(holder=applicant))
    return list(rows.order_by("licence_type__code", "-issued_on"))


def licence_by_identifier(identifier: str) -> Licence:
    parsed = parse_licence_id(identifier)
    found = _with_relations(Licence.objects.filter(identifier=str(parsed))).first()
    if found is None:
        raise NotFound(f"证照{parsed}不存在", f"no licence {parsed}")
    return found


def licences_for(user: User | AnonymousUser) -> QuerySet[Licence]:
    """Staff see licences of holders inside their region scope and, when their grant is for
    one department, only those that department issued (the scope cases have)."""
    return _with_relations(
        scoped(
            Licence.objects.all(),
            user,
            LICENCE_READERS,
            region_field="holder__region_id",
            department_field="issuer_id",
        )
    )


def proof_by_number(number: str) -> Proof:
    found = (
        Proof.objects.select_related("holder", "issuer")
        .filter(number=(number or "").strip().upper())
        .first()
    )
    if found is None:
        raise NotFound(f"证明{number}不存在", f"no proof {number}")
    return found


# 免提交: how many materials an applicant still hands in, per service item and per bundle.

COUNTED = ("required", "deferrable")  # 非必要 materials depend on the case and are not counted
INTAKE_ROLES = (SYSTEM, Role.CLERK)


class ExemptionKind:
    """Why a material is not handed in (or that it is): the one rule the exemption report
    and the supervision's 资源共享率 both apply (docs/contracts.md)."""

    LICENCE = "licence"  # an electronic licence the applicant holds
    SHARED = "shared"  # another department's data, with consent
    GOVERNMENT = "government"  # issued by the office itself
    GENERATED = "generated"  # the platform writes it from the one form (申请书)
    TEMPLATE = "template"  # the city's model text, filled from the form
    APPLICANT = "applicant"  # handed in by the applicant


# what government data covers (资源共享率) and what the platform writes from the form
SHARED_KINDS = (ExemptionKind.LICENCE, ExemptionKind.SHARED, ExemptionKind.GOVERNMENT)
WRITTEN_KINDS = (ExemptionKind.GENERATED, ExemptionKind.TEMPLATE)
EXEMPT_KINDS = (*SHARED_KINDS, *WRITTEN_KINDS)


def kind_of_state(state: str) -> str:
    """The ExemptionKind of a material as a case actually satisfied it (its state in cases,
    which uses the same words): what [Oversight] counts over the cases of a period with the
    same SHARED_KINDS as the forecast over the catalog. Handed in, missing or rejected: the
    applicant's."""
    return state if state in EXEMPT_KINDS else ExemptionKind.APPLICANT


@dataclass(frozen=True)
class MaterialLine:
    name: str
    source: str
    key: str  # catalog.rules.material_key: the same document in two items of a bundle
    exempt: bool  # 免提交: the applicant hands nothing in
    reason: str
    kind: str = ExemptionKind.APPLICANT  # ExemptionKind: what covers it (or applicant)


@dataclass(frozen=True)
class ExemptionReport:
    code: str
    name: str
    items: int
    asked: int  # the sum over the items, as if each were applied for alone
    lines: list[MaterialLine]

    @property
    def total(self) -> int:
        return len(self.lines)

    @property
    def exempt(self) -> int:
        return sum(line.exempt for line in self.lines)

    @property
    def handed_in(self) -> int:
        return self.total - self.exempt

    def count(self, *kinds: str) -> int:
        return sum(line.exempt and line.kind in kinds for line in self.lines)

    @property
    def shared(self) -> int:
        """Covered by what the government holds: licences, shared data, its own papers."""
        return self.count(*SHARED_KINDS)

    @property
    def written(self) -> int:
        """Written by the platform from the one form: generated forms and templates."""
        return self.count(*WRITTEN_KINDS)

    @property
    def sharing_rate(self) -> float:
        """资源共享率: the share of the materials that government data covers."""
        return self.shared / self.total if self.total else 0.0

    @property
    def exempt_rate(self) -> float:
        """免提交率: the share nobody hands in, written forms and templates included."""
        return self.exempt / self.total if self.total else 0.0


def exemption_of(
    m: MaterialRequirement, item_code: str, applicant: Applicant | None = None
) -> MaterialLine:
    """Whether this catalog material is handed in, and why: the one rule of 免提交 (for this
    applicant, if given: a licence they hold; else whether the city's systems can supply it).
    Over real cases, [Oversight]'s 资源共享率 counts the same SHARED_KINDS (`kind_of_state`)."""
    key = material_key(
        {
            "name": m.name,
            "source": m.source,
            "licence_type_code": m.licence_type_code,
            "data_key": m.data_key,
        }
    )
    if m.source == MaterialSource.LICENCE:
        if applicant is not None:
            held = valid_licence_for(applicant, m.licence_type_code) is not None
            why = "持有有效电子证照" if held else "未持有有效电子证照，需提交"
        else:
            held = LicenceType.objects.filter(code=m.licence_type_code).exists()
            why = "电子证照库可调取" if held else "该类证照尚未入库，需提交"
        return MaterialLine(m.name, m.source, key, held, why, _kind(held, ExemptionKind.LICENCE))
    if m.source == MaterialSource.SHARED_DATA:
        ready = shared_data_ready(m.data_key, item_code, INTAKE_ROLES)
        why = "经授权和本人同意可共享调取" if ready else "无共享授权或数据来源，需提交"
        return MaterialLine(m.name, m.source, key, ready, why, _kind(ready, ExemptionKind.SHARED))
    if m.source == MaterialSource.GOVERNMENT:
        why = f"由{m.issuer or '政府部门'}核发"
        return MaterialLine(m.name, m.source, key, True, why, ExemptionKind.GOVERNMENT)
    if m.source == MaterialSource.GENERATED:
        why = "平台根据一表申请生成，在线短信确认或窗口签字"
        return MaterialLine(m.name, m.source, key, True, why, ExemptionKind.GENERATED)
    if m.template:
        why = "可选用示范文本，由平台根据申请表生成"
        return MaterialLine(m.name, m.source, key, True, why, ExemptionKind.TEMPLATE)
    return MaterialLine(m.name, m.source, key, False, "申请人提交")


def _kind(covered: bool, kind: str) -> str:
    return kind if covered else ExemptionKind.APPLICANT


def _item_lines(
    item: ServiceItem, applicant: Applicant | None, day: dt.date | None
) -> list[MaterialLine]:
    version = version_on(item, day)
    if version is None:
        return []
    return [
        exemption_of(m, item.code, applicant)
        for m in version.materials.all()
        if m.requirement in COUNTED
    ]


def item_exemptions(
    item_code: str, applicant: Applicant | None = None, day: dt.date | None = None
) -> ExemptionReport:
    """For one service item: which materials are 免提交 (for this applicant, if given)."""
    item = get_item(item_code)
    lines = _item_lines(item, applicant, day)
    return ExemptionReport(item.code, item.base.name, 1, len(lines), lines)


def bundle_exemptions(
    bundle_code: str, applicant: Applicant | None = None, day: dt.date | None = None
) -> ExemptionReport:
    """For a 一件事: one set of materials, each asked once however many items need it."""
    bundle = get_bundle(bundle_code)
    members = bundle_members(bundle)
    issued: dict[str, int] = {}  # licence type → the first stage whose item issues it
    for member in sorted(members, key=lambda m: m.stage):
        version = version_on(member.item, day)
        if version is not None and version.licence_type_code:
            issued.setdefault(version.licence_type_code, member.stage)
    asked, merged = 0, dict[str, MaterialLine]()
    for member in members:
        lines = [
            _within(line, member.stage, issued) for line in _item_lines(member.item, applicant, day)
        ]
        asked += len(lines)
        for line in lines:
            known = merged.get(line.key)
            if known is None or (known.exempt and not line.exempt):
                merged[line.key] = line
    return ExemptionReport(bundle.code, bundle.name, len(members), asked, list(merged.values()))


def _within(line: MaterialLine, stage: int, issued: dict[str, int]) -> MaterialLine:
    """A licence an earlier stage of the bundle issues is made by the bundle itself (the
    营业执照 the 公章、发票 items of 企业开办 need), whoever applies."""
    code = line.key.removeprefix("licence:")
    if line.source != MaterialSource.LICENCE or issued.get(code, stage) >= stage:
        return line
    why = f"由本一件事第{issued[code]}阶段签发"
    return MaterialLine(line.name, line.source, line.key, True, why, ExemptionKind.GOVERNMENT)
