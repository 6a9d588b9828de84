"""The one writer of the inspections tables: registers, plans and their draw, results, and
tender complaints. Every change appends its ledger entry in the same transaction; a refused
step raises a typed error before anything is written."""

import datetime as dt
import io
import json
from typing import Any
from zipfile import BadZipFile

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ninhaoban.accounts import selectors as accounts
from ninhaoban.accounts.models import Applicant, ApplicantKind, Role, Staff
from ninhaoban.accounts.scoping import require_scope, staff_of
from ninhaoban.cases import uploads
from ninhaoban.cases.services import Actor
from ninhaoban.cases.services.intake import store as store_upload
from ninhaoban.cases.services.recalendar import moved_due
from ninhaoban.cases.uploads import FileIn
from ninhaoban.core import workdays
from ninhaoban.core.canonical import canonical_json
from ninhaoban.core.errors import Conflict, Forbidden, InvalidInput
from ninhaoban.core.workdays import WorkdayCalendar
from ninhaoban.inspections import draw as drawing
from ninhaoban.inspections.models import (
    Announcement,
    AnnouncementKind,
    Avoidance,
    Bidder,
    CheckItem,
    Complaint,
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintStatus,
    DrawnObject,
    Evidence,
    Finding,
    InspectionObject,
    Inspector,
    PauseKind,
    Plan,
    PlanStatus,
    TenderProject,
)
from ninhaoban.ledger import selectors as ledger
from ninhaoban.ledger.services import record
from ninhaoban.regions import selectors as regions
from ninhaoban.regions.models import Department, code_prefix
from ninhaoban.regions.selectors import subtree_q

User_ = User | AnonymousUser
# who runs a department's 双随机 and handles its complaints; supervisors and admins read
MANAGER_ROLES = (Role.APPROVER, Role.CHIEF)
READER_ROLES = (Role.APPROVER, Role.CHIEF, Role.SUPERVISOR)
RESULT_DAYS = 20  # 结果公示: within 20 working days of the inspection
FILING_DAYS = 10  # 投诉: within 10 (calendar) days of knowing
ACCEPT_DAYS = 3  # 受理: within 3 working days
DECIDE_DAYS = 30  # 处理决定: within 30 working days of acceptance
YEAR = dt.timedelta(days=365)


def _text(value: str, name_zh: str, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value or len(value) > max_length:
        raise InvalidInput(
            f"{name_zh}应为1到{max_length}个字符",
            f"{field} must have 1 to {max_length} characters",
            field=field,
        )
    return value


def _manager(user: User_, department: Department) -> Staff:
    staff = staff_of(user)
    require_scope(user, MANAGER_ROLES, department.region_id, department.pk)
    return staff


# ---- registers ------------------------------------------------------------------------------


def register_check_item(
    *, code: str, name: str, department: Department, legal_basis: str, actor: str
) -> CheckItem:
    code = _text(code, "事项编码", "code", 32)
    if CheckItem.objects.filter(code=code).exists():
        raise Conflict(f"抽查事项{code}已存在", f"check item {code} exists", field="code")
    with transaction.atomic():
        item = CheckItem.objects.create(
            code=code,
            name=_text(name, "抽查事项", "name", 128),
            department=department,
            legal_basis=_text(legal_basis, "检查依据", "legal_basis", 256),
        )
        record("inspection.item_registered", f"inspection_item:{code}", actor, {"id": item.pk})
    return item


def register_object(organization: Applicant, *, industry: str, actor: str) -> InspectionObject:
    """An organization of accounts into the 检查对象名录库 (again: its industry updated)."""
    if organization.kind != ApplicantKind.ORGANIZATION:
        raise InvalidInput("检查对象须为法人", "an inspection object is an organization")
    industry = _text(industry, "行业", "industry", 32)
    with transaction.atomic():
        found, _ = InspectionObject.objects.update_or_create(
            organization=organization,
            defaults={
                "uscc": organization.identifier,
                "name": organization.name,
                "industry": industry,
                "region_id": organization.region_id,
                "active": True,
            },
        )
        record(
            "inspection.object_registered",
            f"inspection_object:{found.uscc}",
            actor,
            {"id": found.pk, "industry": industry},
        )
    return found


def import_objects_xlsx(raw: bytes, *, actor: str) -> int:
    """检查对象名录 from a workbook whose first sheet has the columns 统一社会信用代码 and 行业
    (a header row first). All rows or none: the first bad row is named."""
    try:
        sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
        rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError, IndexError) as exc:
        raise InvalidInput(
            f"XLSX文件无法读取：{exc}", f"the XLSX file cannot be read: {exc}"
        ) from None
    if not rows or [str(c or "").strip() for c in rows[0][:2]] != ["统一社会信用代码", "行业"]:
        raise InvalidInput(
            "第一行应为表头：统一社会信用代码、行业",
            "the first row must be the header 统一社会信用代码, 行业",
        )
    wanted: list[tuple[Applicant, str]] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = [str(c or "").strip() for c in (*row, "", "")[:2]]
        if not any(cells):
            continue
        org = accounts.applicant_by_identifier(cells[0]) if cells[0] else None
        if org is None or org.kind != ApplicantKind.ORGANIZATION:
            raise InvalidInput(
                f"第{number}行：没有统一社会信用代码为“{cells[0][:18]}”的法人",
                f"row {number}: no organization with USCC '{cells[0][:18]}'",
            )
        if not cells[1] or len(cells[1]) > 32:
            raise InvalidInput(f"第{number}行：行业无效", f"row {number}: invalid industry")
        wanted.append((org, cells[1]))
    with transaction.atomic():
        for org, industry in wanted:
            register_object(org, industry=industry, actor=actor)
    return len(wanted)


def register_inspector(
    staff: Staff, *, cert_no: str, department: Department, actor: str
) -> Inspector:
    cert_no = _text(cert_no, "执法证号", "cert_no", 32)
    if Inspector.objects.filter(cert_no=cert_no).exclude(staff=staff).exists():
        raise Conflict(f"执法证号{cert_no}已登记", f"certificate {cert_no} is registered")
    with transaction.atomic():
        found, _ = Inspector.objects.update_or_create(
            staff=staff,
            defaults={
                "name": staff.name,
                "cert_no": cert_no,
                "department": department,
                "region_id": department.region_id,
                "active": True,
            },
        )
        record("inspection.inspector_registered", f"inspector:{cert_no}", actor, {"id": found.pk})
    return found


def add_avoidance(
    inspector: Inspector, target: InspectionObject, *, reason: str, actor: str
) -> Avoidance:
    reason = _text(reason, "回避事由", "reason", 128)
    with transaction.atomic():
        found, _ = Avoidance.objects.get_or_create(
            inspector=inspector, target=target, defaults={"reason": reason}
        )
        record(
            "inspection.avoidance_added",
            f"inspector:{inspector.cert_no}",
            actor,
            {"object": target.uscc},
        )
    return found


# ---- registers kept by a department's staff (console, API, CLI) -----------------------------
# The functions above take a ledger actor and no scope (the demo and the imports call them);
# these check that the staff member runs the department, then call them.


def add_check_item(
    user: User_, department: Department, *, code: str, name: str, legal_basis: str
) -> CheckItem:
    staff = _manager(user, department)
    return register_check_item(
        code=code, name=name, department=department, legal_basis=legal_basis, actor=staff.actor
    )


def edit_check_item(user: User_, item: CheckItem, *, name: str, legal_basis: str) -> CheckItem:
    """Name and legal basis only: the code and the department are what plans refer to."""
    staff = _manager(user, item.department)
    name = _text(name, "抽查事项", "name", 128)
    legal_basis = _text(legal_basis, "检查依据", "legal_basis", 256)
    with transaction.atomic():
        CheckItem.objects.filter(pk=item.pk).update(name=name, legal_basis=legal_basis)
        record(
            "inspection.item_edited", f"inspection_item:{item.code}", staff.actor, {"id": item.pk}
        )
    item.name, item.legal_basis = name, legal_basis
    return item


def retire_check_item(user: User_, item: CheckItem) -> CheckItem:
    """Off the list for new plans; published plans keep it in their snapshot."""
    staff = _manager(user, item.department)
    if not item.active:
        raise Conflict(f"抽查事项{item.code}已停用", f"check item {item.code} is already retired")
    with transaction.atomic():
        CheckItem.objects.filter(pk=item.pk).update(active=False)
        record(
            "inspection.item_retired", f"inspection_item:{item.code}", staff.actor, {"id": item.pk}
        )
    item.active = False
    return item


def add_inspector(
    user: User_, department: Department, *, username: str, cert_no: str, region_code: str = ""
) -> Inspector:
    """A staff account into the 执法检查人员名录库 of the department, in its region or a
    region below it (a 市场监管所 of a town)."""
    staff = _manager(user, department)
    found = accounts.staff_by_username((username or "").strip())
    if found is None:
        raise InvalidInput(
            f"没有用户名为“{(username or '')[:32]}”的工作人员",
            f"no staff member with user name '{(username or '')[:32]}'",
            field="username",
        )
    region = (region_code or department.region_id).strip().ljust(12, "0")
    if not region.isdigit() or not region.startswith(code_prefix(department.region_id)):
        raise InvalidInput(
            "执法区划应在本部门辖区内",
            "the inspector's region must lie within the department's",
            field="region",
        )
    if regions.region_by_code(region) is None:
        raise InvalidInput(f"区划{region}不存在", f"no region {region}", field="region")
    held = Inspector.objects.filter(staff=found).exclude(department=department).first()
    if held is not None and held.active:
        raise Conflict(
            f"{found.name}已登记为其他部门的执法检查人员",
            f"{found.name} is an inspector of another department",
            field="username",
        )
    with transaction.atomic():
        inspector = register_inspector(
            found, cert_no=cert_no, department=department, actor=staff.actor
        )
        if inspector.region_id != region:
            Inspector.objects.filter(pk=inspector.pk).update(region_id=region)
            inspector.region_id = region
    return inspector


def deactivate_inspector(user: User_, inspector: Inspector) -> Inspector:
    """Out of every draw published from now on (published snapshots keep the name)."""
    staff = _manager(user, inspector.department)
    if not inspector.active:
        raise Conflict("该执法检查人员已停用", "the inspector is already inactive")
    with transaction.atomic():
        Inspector.objects.filter(pk=inspector.pk).update(active=False)
        record(
            "inspection.inspector_deactivated",
            f"inspector:{inspector.cert_no}",
            staff.actor,
            {"id": inspector.pk},
        )
    inspector.active = False
    return inspector


def avoid(user: User_, inspector: Inspector, *, uscc: str, reason: str) -> Avoidance:
    """回避: the inspector is never drawn for this object (from the next publication on)."""
    staff = _manager(user, inspector.department)
    target = InspectionObject.objects.filter(uscc=(uscc or "").strip().upper()).first()
    if target is None:
        raise InvalidInput(
            f"检查对象名录库中没有统一社会信用代码为“{(uscc or '')[:18]}”的对象",
            f"no inspection object with USCC '{(uscc or '')[:18]}'",
            field="uscc",
        )
    if Avoidance.objects.filter(inspector=inspector, target=target).exists():
        raise Conflict("该回避关系已登记", "this avoidance is already registered", field="uscc")
    return add_avoidance(inspector, target, reason=reason, actor=staff.actor)


def end_avoidance(user: User_, avoidance: Avoidance) -> None:
    staff = _manager(user, avoidance.inspector.department)
    with transaction.atomic():
        Avoidance.objects.filter(pk=avoidance.pk).delete()
        record(
            "inspection.avoidance_removed",
            f"inspector:{avoidance.inspector.cert_no}",
            staff.actor,
            {"object": avoidance.target.uscc},
        )


def add_project(user: User_, department: Department, *, code: str, name: str) -> TenderProject:
    staff = _manager(user, department)
    return register_project(code=code, name=name, department=department, actor=staff.actor)


def announce_step(user: User_, project: TenderProject, kind: str, published_on: dt.date) -> None:
    """招标公告, 开标, 中标候选人公示 in their order, none in the future; a step complained
    about keeps its date (the 10 days were counted from it)."""
    staff = _complaint_scope(user, project)
    if kind not in AnnouncementKind.values:
        raise InvalidInput("公告类别无效", "unknown announcement kind", field="kind")
    if published_on > timezone.localdate():
        raise InvalidInput(
            "公告日期不能晚于今天", "the announcement cannot be in the future", field="published_on"
        )
    order = list(AnnouncementKind.values)
    dates = dict(Announcement.objects.filter(project=project).values_list("kind", "published_on"))
    earlier = [dates[k] for k in order[: order.index(kind)] if k in dates]
    later = [dates[k] for k in order[order.index(kind) + 1 :] if k in dates]
    if (kind != order[0] and order[0] not in dates) or any(d > published_on for d in earlier):
        raise InvalidInput(
            "公告应依次发布：招标公告、开标、中标候选人公示",
            "announcements come in order: tender notice, bid opening, candidates",
            field="kind",
        )
    if any(d < published_on for d in later):
        raise InvalidInput(
            "日期不能晚于其后环节的公告", "the date falls after a later step", field="published_on"
        )
    if kind in dates and Complaint.objects.filter(project=project, about=kind).exists():
        raise Conflict(
            "该环节已有投诉，公告日期不能再改", "that step was complained about: its date stays"
        )
    announce(project, kind, published_on, actor=staff.actor)


def register_bidder(user: User_, project: TenderProject, *, uscc: str) -> None:
    staff = _complaint_scope(user, project)
    org = accounts.applicant_by_identifier((uscc or "").strip().upper())
    if org is None or org.kind != ApplicantKind.ORGANIZATION:
        raise InvalidInput(
            f"没有统一社会信用代码为“{(uscc or '')[:18]}”的法人",
            f"no organization with USCC '{(uscc or '')[:18]}'",
            field="uscc",
        )
    add_bidder(project, org, actor=staff.actor)


# ---- plans ----------------------------------------------------------------------------------


def _plan_fields(
    department: Department,
    *,
    title: str,
    item_codes: list[str],
    industry: str,
    object_region: str,
    sample_count: int | None,
    sample_ratio: int | None,
    inspectors_per_object: int,
    start_date: dt.date,
    end_date: dt.date,
) -> tuple[dict[str, Any], list[CheckItem]]:
    items = list(CheckItem.objects.filter(code__in=item_codes, department=department, active=True))
    if not item_codes or len(items) != len(set(item_codes)):
        raise InvalidInput(
            "抽查事项应为本部门清单中的事项",
            "the items must be on this department's list",
            field="items",
        )
    region = (object_region or department.region_id).strip().ljust(12, "0")
    if not region.isdigit() or not region.startswith(code_prefix(department.region_id)):
        raise InvalidInput(
            "对象区划应在本部门辖区内",
            "the objects' region must lie within the department's",
            field="object_region",
        )
    if (sample_count is None) == (sample_ratio is None):
        raise InvalidInput(
            "抽取数量与抽取比例应填写且只填写一项",
            "give either a count or a ratio",
            field="sample_count",
        )
    if sample_count is not None and not 1 <= sample_count <= 10_000:
        raise InvalidInput(
            "抽取数量应为1到10000", "the count must be 1 to 10000", field="sample_count"
        )
    if sample_ratio is not None and not 1 <= sample_ratio <= 100:
        raise InvalidInput(
            "抽取比例应为1%到100%", "the ratio must be 1 to 100", field="sample_ratio"
        )
    if not 1 <= inspectors_per_object <= 5:
        raise InvalidInput(
            "每户检查人员数应为1到5",
            "1 to 5 inspectors per object",
            field="inspectors_per_object",
        )
    if end_date < start_date:
        raise InvalidInput("结束日期早于开始日期", "the end is before the start", field="end_date")
    return {
        "title": _text(title, "计划名称", "title", 128),
        "industry": (industry or "").strip()[:32],
        "object_region": region,
        "sample_count": sample_count,
        "sample_ratio": sample_ratio,
        "inspectors_per_object": inspectors_per_object,
        "start_date": start_date,
        "end_date": end_date,
    }, items


def create_plan(user: User_, department: Department, **fields: Any) -> Plan:
    staff = _manager(user, department)
    values, items = _plan_fields(department, **fields)
    with transaction.atomic():
        plan = Plan.objects.create(
            code=f"tmp-{timezone.now().timestamp()}-{staff.pk}",
            department=department,
            region_id=department.region_id,
            created_by=staff,
            **values,
        )
        plan.code = f"SJ{code_prefix(department.region_id)[:6]}{plan.pk:06d}"
        plan.save(update_fields=["code"])
        plan.items.set(items)
        record("inspection.plan_created", plan.subject, staff.actor, {"id": plan.pk})
    return plan


def _locked(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().select_related("department").get(pk=plan.pk)


def update_plan(user: User_, plan: Plan, **fields: Any) -> Plan:
    """Only a draft changes: a published plan is what the draw is bound to."""
    staff = _manager(user, plan.department)
    values, items = _plan_fields(plan.department, **fields)
    with transaction.atomic():
        plan = _locked(plan)
        if plan.status != PlanStatus.DRAFT:
            raise Conflict(
                "计划已公布，不能再修改", "the plan is published and can no longer change"
            )
        for name, value in values.items():
            setattr(plan, name, value)
        plan.save()
        plan.items.set(items)
        record("inspection.plan_updated", plan.subject, staff.actor, {"id": plan.pk})
    return plan


def _pool(plan: Plan) -> list[InspectionObject]:
    rows = InspectionObject.objects.filter(subtree_q("region_id", plan.object_region), active=True)
    if plan.industry:
        rows = rows.filter(industry=plan.industry)
    return list(rows.order_by("uscc"))


def _excluded(inspectors: list[Inspector], objects: list[InspectionObject]) -> list[list[str]]:
    """回避 pairs, and every inspector sent to the same object by a draw in the past year."""
    by_id = {i.pk: i.cert_no for i in inspectors}
    objs = {o.pk: o.uscc for o in objects}
    pairs = {
        (by_id[a.inspector_id], objs[a.target_id])
        for a in Avoidance.objects.filter(inspector_id__in=by_id, target_id__in=objs)
    }
    recent = DrawnObject.inspectors.through.objects.filter(
        inspector_id__in=by_id,
        drawnobject__target_id__in=objs,
        drawnobject__plan__drawn_at__gte=timezone.now() - YEAR,
    ).values_list("inspector_id", "drawnobject__target_id")
    pairs |= {(by_id[i], objs[o]) for i, o in recent}
    return [list(p) for p in sorted(pairs)]


def snapshot_of(plan: Plan) -> dict[str, Any]:
    """The plan, its pool and its conflicts as they stand: what publication freezes."""
    objects = _pool(plan)
    inspectors = list(
        Inspector.objects.filter(department=plan.department, active=True).order_by("cert_no")
    )
    count = drawing.sample_size(len(objects), plan.sample_count, plan.sample_ratio)
    return {
        "version": 1,
        "plan": {
            "code": plan.code,
            "title": plan.title,
            "department": plan.department.uscc,
            "items": sorted(i.code for i in plan.items.all()),
            "industry": plan.industry,
            "object_region": plan.object_region,
            "sample_count": plan.sample_count,
            "sample_ratio": plan.sample_ratio,
            "count": count,
            "inspectors_per_object": plan.inspectors_per_object,
            "start_date": plan.start_date.isoformat(),
            "end_date": plan.end_date.isoformat(),
        },
        "objects": [o.uscc for o in objects],
        "inspectors": [i.cert_no for i in inspectors],
        "excluded": _excluded(inspectors, objects),
    }


def publish_plan(user: User_, plan: Plan) -> Plan:
    staff = _manager(user, plan.department)
    with transaction.atomic():
        plan = _locked(plan)
        if plan.status != PlanStatus.DRAFT:
            raise Conflict("计划已公布", "the plan is already published")
        snapshot = snapshot_of(plan)
        try:
            drawing.check_snapshot(snapshot)
        except drawing.DrawError as exc:
            raise InvalidInput(
                f"计划无法抽取（对象或无回避冲突的检查人员不足）：{exc}",
                f"the plan cannot be drawn: {exc}",
            ) from None
        # the department publishes: its code is public, as is the whole entry body
        entry = record(
            drawing.PUBLISH_KIND,
            plan.subject,
            f"department:{plan.department.uscc}",
            drawing.publication_payload(snapshot),
        )
        plan.snapshot = canonical_json(snapshot).decode("utf-8")
        plan.publication_entry = entry.pk
        plan.published_at = timezone.now()
        plan.status = PlanStatus.PUBLISHED
        plan.save()
        record("inspection.plan_published_by", plan.subject, staff.actor, {"entry": entry.pk})
    return plan


def draw_checkpoint(plan: Plan) -> tuple[int, Any]:
    """The publication's index and the first signed checkpoint that includes it."""
    entry = next(
        (e for e in ledger.entries_about(plan.subject) if e.pk == plan.publication_entry), None
    )
    index = entry.index if entry is not None else None
    checkpoint = ledger.first_checkpoint_after(index) if index is not None else None
    if index is None or checkpoint is None:
        raise Conflict(
            "公布记录尚未进入已签名的检查点，请稍后再抽取",
            "no signed checkpoint includes the publication yet: draw later",
        )
    return index, checkpoint


def draw_plan(user: User_, plan: Plan) -> Plan:
    staff = _manager(user, plan.department)
    with transaction.atomic():
        plan = _locked(plan)
        if plan.status != PlanStatus.PUBLISHED:
            raise Conflict("计划未公布或已抽取", "the plan is not published or already drawn")
        _, checkpoint = draw_checkpoint(plan)
        snapshot = json.loads(plan.snapshot)
        seed, assignments = drawing.draw(snapshot, bytes(checkpoint.root))
        objects = InspectionObject.objects.in_bulk(
            [a.object for a in assignments], field_name="uscc"
        )
        inspectors = Inspector.objects.in_bulk(
            [c for a in assignments for c in a.inspectors], field_name="cert_no"
        )
        for position, a in enumerate(assignments, start=1):
            row = DrawnObject.objects.create(
                plan=plan,
                position=position,
                target=objects[a.object],
                inspector_order=list(a.inspectors),
            )
            row.inspectors.set([inspectors[c] for c in a.inspectors])
        plan.status = PlanStatus.DRAWN
        plan.checkpoint_size = checkpoint.size
        plan.seed = seed.hex()
        plan.drawn_at = timezone.now()
        plan.save()
        record(
            "inspection.drawn",
            plan.subject,
            staff.actor,
            {
                "checkpoint": checkpoint.size,
                "seed": plan.seed,
                "assignments": [a.as_dict() for a in assignments],
            },
        )
    return plan


# ---- results --------------------------------------------------------------------------------


def record_result(
    user: User_, drawn: DrawnObject, *, finding: str, inspected_on: dt.date, note: str = ""
) -> DrawnObject:
    staff = _manager(user, drawn.plan.department)
    if finding not in Finding.values:
        raise InvalidInput("检查结果无效", "unknown finding", field="finding")
    if len(note) > 500:
        raise InvalidInput("检查情况过长", "the note is too long", field="note")
    today = timezone.localdate()
    if inspected_on > today:
        raise InvalidInput("检查日期不能晚于今天", "the inspection cannot be in the future")
    with transaction.atomic():
        drawn = DrawnObject.objects.select_for_update().get(pk=drawn.pk)
        if drawn.published_on is not None:
            raise Conflict("结果已公示，不能修改", "the result is published and cannot change")
        drawn.finding = finding
        drawn.note = note.strip()
        drawn.inspected_on = inspected_on
        drawn.due_date = workdays.add_working_days(inspected_on, RESULT_DAYS)
        drawn.save()
        record(
            "inspection.result_recorded",
            drawn.plan.subject,
            staff.actor,
            {"object": drawn.target.uscc, "finding": finding, "on": inspected_on},
        )
    return drawn


def publish_result(user: User_, drawn: DrawnObject, *, today: dt.date | None = None) -> DrawnObject:
    staff = _manager(user, drawn.plan.department)
    with transaction.atomic():
        drawn = DrawnObject.objects.select_for_update().get(pk=drawn.pk)
        if not drawn.finding:
            raise Conflict("尚未录入检查结果", "no result has been recorded")
        if drawn.published_on is not None:
            raise Conflict("结果已公示", "the result is already published")
        drawn.published_on = today or timezone.localdate()
        drawn.save(update_fields=["published_on"])
        record(
            "inspection.result_published",
            drawn.plan.subject,
            staff.actor,
            {"object": drawn.target.uscc, "finding": drawn.finding},
        )
    return drawn


# ---- tender complaints ----------------------------------------------------------------------


def register_project(*, code: str, name: str, department: Department, actor: str) -> TenderProject:
    code = _text(code, "项目编号", "code", 32)
    if TenderProject.objects.filter(code=code).exists():
        raise Conflict(f"项目{code}已存在", f"project {code} exists", field="code")
    with transaction.atomic():
        project = TenderProject.objects.create(
            code=code,
            name=_text(name, "项目名称", "name", 128),
            department=department,
            region_id=department.region_id,
        )
        record("tender.project_registered", f"tender_project:{code}", actor, {"id": project.pk})
    return project


def announce(project: TenderProject, kind: str, published_on: dt.date, *, actor: str) -> None:
    if kind not in AnnouncementKind.values:
        raise InvalidInput("公告类别无效", "unknown announcement kind", field="kind")
    with transaction.atomic():
        Announcement.objects.update_or_create(
            project=project, kind=kind, defaults={"published_on": published_on}
        )
        record(
            "tender.announced",
            f"tender_project:{project.code}",
            actor,
            {"kind": kind, "on": published_on},
        )


def add_bidder(project: TenderProject, organization: Applicant, *, actor: str) -> None:
    if organization.kind != ApplicantKind.ORGANIZATION:
        raise InvalidInput("投标人须为法人", "a bidder is an organization")
    with transaction.atomic():
        Bidder.objects.get_or_create(project=project, organization=organization)
        record("tender.bid", f"tender_project:{project.code}", actor, {"bidder": organization.pk})


def _complaint_scope(user: User_, project: TenderProject) -> Staff:
    staff = staff_of(user)
    require_scope(user, MANAGER_ROLES, project.region_id, project.department_id)
    return staff


def _check_complaint(
    project: TenderProject,
    org: Applicant | None,
    *,
    about: str,
    known_on: dt.date,
    grounds: str,
    today: dt.date,
) -> tuple[Applicant, str]:
    """The rules every complaint meets, however it arrives: a bidder of the project, about a
    step that has happened, within 10 days of the day it knew. Returns the bidder and the
    cleaned grounds."""
    if org is None or not Bidder.objects.filter(project=project, organization=org).exists():
        raise InvalidInput(
            "投诉人不是本项目的投标人",
            "the complainant is not a bidder of this project",
            field="complainant",
        )
    if about not in AnnouncementKind.values:
        raise InvalidInput("投诉对象无效", "unknown subject of complaint", field="about")
    announced = Announcement.objects.filter(project=project, kind=about).first()
    if announced is None or known_on < announced.published_on:
        raise InvalidInput(
            "所投诉的环节尚未发生或知道日期早于公告日期",
            "that step has not happened, or the day known precedes it",
            field="known_on",
        )
    if known_on > today:
        raise InvalidInput(
            "知道日期不能晚于今天", "the day known is in the future", field="known_on"
        )
    last = known_on + dt.timedelta(days=FILING_DAYS)
    if today > last:
        raise InvalidInput(
            f"投诉应自知道或应当知道之日起{FILING_DAYS}日内提出，"
            f"本投诉的期限已于{last:%Y年%m月%d日}届满，不能再提出",
            f"a complaint is filed within {FILING_DAYS} days of knowing: the time for this "
            f"one ended on {last.isoformat()}",
            field="known_on",
        )
    return org, _text(grounds, "投诉事项和理由", "grounds", 2000)


def _create_complaint(
    project: TenderProject,
    org: Applicant,
    *,
    about: str,
    known_on: dt.date,
    grounds: str,
    today: dt.date,
    **extra: Any,
) -> Complaint:
    complaint = Complaint.objects.create(
        number=f"tmp-{timezone.now().timestamp()}-{org.pk}",
        project=project,
        complainant=org,
        about=about,
        known_on=known_on,
        filed_on=today,
        grounds=grounds,
        due_date=workdays.add_working_days(today, ACCEPT_DAYS),
        **extra,
    )
    complaint.number = f"TS{code_prefix(project.region_id)[:6]}{complaint.pk:06d}"
    complaint.save(update_fields=["number"])
    return complaint


def file_complaint(
    user: User_,
    project: TenderProject,
    *,
    complainant: str,
    about: str,
    known_on: dt.date,
    grounds: str,
    today: dt.date | None = None,
) -> Complaint:
    """投诉书 received by the supervising department (registered by its staff)."""
    staff = _complaint_scope(user, project)
    today = today or timezone.localdate()
    org, grounds = _check_complaint(
        project,
        accounts.applicant_by_identifier(complainant or ""),
        about=about,
        known_on=known_on,
        grounds=grounds,
        today=today,
    )
    with transaction.atomic():
        complaint = _create_complaint(
            project, org, about=about, known_on=known_on, grounds=grounds, today=today
        )
        record(
            "tender.complaint_filed",
            [complaint.subject, f"tender_project:{project.code}"],
            staff.actor,
            {"id": complaint.pk, "complainant": org.subject, "about": about},
        )
    return complaint


# A complaint is no catalog item: a 经办人 files one only under a mandate for every item
# (`check_mandate` names this scope in its refusal); the 法定代表人 always may.
COMPLAINT_SCOPE = "招标投标投诉"
MAX_EVIDENCE = 10


def complainant_of(actor: Actor, day: dt.date) -> tuple[Applicant, Applicant]:
    """The company a website user complains for, and the person acting: only in the
    company's name ("正在代表"), under a mandate that covers complaints on `day`."""
    org, person = actor.applicant, actor.agent
    if org is None or person is None or org.kind != ApplicantKind.ORGANIZATION:
        raise Forbidden(
            "投诉须以投标企业的名义提出：请先在“我的企业”中切换为代表该企业",
            "a complaint is filed in a bidder's name: first switch to acting for the company "
            "under My companies",
        )
    accounts.check_mandate(person, org, [COMPLAINT_SCOPE], day)
    return org, person


def file_complaint_online(
    actor: Actor,
    project: TenderProject,
    *,
    about: str,
    known_on: dt.date,
    grounds: str,
    evidence: list[FileIn],
    today: dt.date | None = None,
) -> Complaint:
    """A bidder's 投诉书 on the website, filed by its 法定代表人 or a 经办人 acting for it
    (portal "正在代表"), with its 证明材料: the same rules as at the department, the mandate
    checked for the day, the files recognized by their bytes; all or nothing."""
    today = today or timezone.localdate()
    org, person = complainant_of(actor, today)
    org, grounds = _check_complaint(
        project, org, about=about, known_on=known_on, grounds=grounds, today=today
    )
    if not evidence:
        raise InvalidInput(
            "请上传投诉的证明材料", "upload the evidence for the complaint", field="files"
        )
    if len(evidence) > MAX_EVIDENCE:
        raise InvalidInput(
            f"证明材料最多{MAX_EVIDENCE}个文件",
            f"at most {MAX_EVIDENCE} evidence files",
            field="files",
        )
    checked = [uploads.check(f, "证明材料") for f in evidence]
    with transaction.atomic():
        complaint = _create_complaint(
            project,
            org,
            about=about,
            known_on=known_on,
            grounds=grounds,
            today=today,
            channel=ComplaintChannel.ONLINE,
            filed_by=person,
        )
        Evidence.objects.bulk_create(
            Evidence(complaint=complaint, name=c.name, upload=store_upload(c)) for c in checked
        )
        record(
            "tender.complaint_filed",
            [complaint.subject, f"tender_project:{project.code}", *actor.for_whom],
            actor.ledger,
            {
                "id": complaint.pk,
                "complainant": org.subject,
                "about": about,
                "channel": ComplaintChannel.ONLINE,
                "evidence": sorted(c.sha256 for c in checked),
                **actor.on_behalf,
            },
        )
    return complaint


def _step(
    user: User_, complaint: Complaint, allowed: tuple[str, ...], name_zh: str, name_en: str
) -> tuple[Staff, Complaint]:
    staff = _complaint_scope(user, complaint.project)
    complaint = Complaint.objects.select_for_update().select_related("project").get(pk=complaint.pk)
    if complaint.status not in allowed:
        raise Conflict(
            f"投诉当前状态下不能{name_zh}",
            f"the complaint cannot be {name_en} in its state",
        )
    return staff, complaint


def act_on_complaint(
    user: User_,
    complaint: Complaint,
    action: str,
    *,
    reason: str = "",
    kind: str = "",
    outcome: str = "",
    today: dt.date | None = None,
) -> Complaint:
    """受理 accept / 不予受理 refuse / 中止 pause (检验、检测、鉴定、专家评审) / resume /
    暂停招标投标活动 suspend / 处理决定 decide: each a state change and a ledger entry."""
    today = today or timezone.localdate()
    S = ComplaintStatus
    with transaction.atomic():
        payload: dict[str, Any] = {"on": today}
        if action == "accept":
            staff, c = _step(user, complaint, (S.FILED,), "受理", "accepted")
            c.status, c.accepted_on = S.ACCEPTED, today
            c.due_date = workdays.add_working_days(today, DECIDE_DAYS)
        elif action == "refuse":
            staff, c = _step(user, complaint, (S.FILED,), "不予受理", "refused")
            c.status, c.refusal_reason = S.REFUSED, _text(reason, "理由", "reason", 500)
            payload["reason"] = c.refusal_reason
        elif action == "pause":
            staff, c = _step(user, complaint, (S.ACCEPTED,), "中止计时", "paused")
            if kind not in PauseKind.values:
                raise InvalidInput(
                    "中止计时仅限检验、检测、鉴定、专家评审",
                    "the clock pauses only for testing, detection, appraisal or expert review",
                    field="kind",
                )
            c.status, c.paused_on, c.pause_kind = S.PAUSED, today, kind
            payload["kind"] = kind
        elif action == "resume":
            staff, c = _step(user, complaint, (S.PAUSED,), "恢复计时", "resumed")
            assert c.paused_on is not None and c.due_date is not None
            days = max(0, workdays.working_days_between(c.paused_on, today))
            c.due_date = workdays.add_working_days(c.due_date, days)
            c.status, c.paused_on, c.pause_kind = S.ACCEPTED, None, ""
            c.paused_days += days
            payload["days"] = days
        elif action == "suspend":
            staff, c = _step(user, complaint, (S.ACCEPTED, S.PAUSED), "暂停招标", "suspended")
            if c.project.suspended_on is not None:
                raise Conflict("招标投标活动已暂停", "the tendering is already suspended")
            TenderProject.objects.filter(pk=c.project_id).update(suspended_on=today)
        elif action == "decide":
            staff, c = _step(user, complaint, (S.ACCEPTED,), "作出处理决定", "decided")
            if outcome not in ComplaintOutcome.values:
                raise InvalidInput("处理结果无效", "unknown outcome", field="outcome")
            c.status, c.outcome, c.decided_on = S.DECIDED, outcome, today
            c.decision = _text(reason, "处理决定", "reason", 2000)
            payload["outcome"] = outcome
        else:
            raise InvalidInput("未知的操作", "unknown action", field="action")
        c.save()
        record(f"tender.complaint_{action}", c.subject, staff.actor, payload)
    return c


# ---- the calendar ---------------------------------------------------------------------------


def move_deadlines(anchor: dt.date, old: WorkdayCalendar, new: WorkdayCalendar) -> int:
    """Open deadlines on or after the anchor keep their number of working days when the
    calendar changes (called in the recompute's transaction, see receivers)."""
    moved = 0
    window = {"due_date__gt": anchor, "due_date__lte": old.last}
    results = DrawnObject.objects.filter(published_on__isnull=True, **window)
    complaints = Complaint.objects.filter(
        status__in=[ComplaintStatus.FILED, ComplaintStatus.ACCEPTED, ComplaintStatus.PAUSED],
        **window,
    )
    for rows in (results, complaints):
        for row in rows.select_for_update():
            assert row.due_date is not None
            due = moved_due(old, new, row.due_date)
            if due != row.due_date:
                type(row).objects.filter(pk=row.pk).update(due_date=due)
                moved += 1
    if moved:
        record("inspection.deadlines_moved", "calendar:inspections", "system", {"moved": moved})
    return moved
