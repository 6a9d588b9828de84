"""One intake for every channel (portal, window, kiosk, API): one applicant, an item or a
bundle with its published version pinned, one set of materials, each resolved by its source.

Everything a person can get wrong (the item, the version, the files, a missing document)
is checked before anything is written. Only then is a case number taken and the case
stored, with the applicant's consent when they gave it (their own ticked box, or the
clerk's confirmation that they are present with their ID card read); licences and other
departments' data are looked up once the case exists, so every trace names a real case, and
a document they do not cover is asked for in one 一次性告知书 like any other.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection, transaction

from ninhaoban.accounts.models import Applicant, AssuranceLevel, Role
from ninhaoban.accounts.scoping import roles_of
from ninhaoban.cases import clock, materials, uploads
from ninhaoban.cases.machine import TRANSITIONS
from ninhaoban.cases.models import (
    Case,
    CaseCounter,
    CaseMaterial,
    Channel,
    MaterialState,
    Status,
    Upload,
)
from ninhaoban.cases.services import oneform
from ninhaoban.cases.services.base import (
    SYSTEM_ACTOR,
    Actor,
    check_agent,
    event_of,
    holding,
    log_events,
    tell_after_commit,
)
from ninhaoban.cases.services.steps import open_steps
from ninhaoban.cases.services.transitions import (
    Incomplete,
    accept,
    accept_on_receipt,
    missing_materials,
    request_correction,
)
from ninhaoban.catalog import selectors as catalog
from ninhaoban.catalog.models import (
    Bundle,
    CaseKind,
    DeliveryMethod,
    MaterialSource,
    ServiceItem,
    ServiceItemVersion,
)
from ninhaoban.core.errors import Forbidden, InvalidInput, NotFound
from ninhaoban.i18n import english
from ninhaoban.regions import selectors as regions
from ninhaoban.regions.models import Region, code_prefix

MAX_FORM_FIELDS = 100
MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")
POSTAL_FIELDS = ("post_recipient", "post_phone", "post_address")


@dataclass(frozen=True)
class Plan:
    """What is being applied for, checked and ready to be written."""

    region: Region
    title: str
    versions: list[ServiceItemVersion]
    bundle: Bundle | None
    stages: list[int]
    limit_days: int
    needs: list[materials.Need]


def _published(item: ServiceItem, number: int | None, day: dt.date) -> ServiceItemVersion:
    return _in_force(item, number, item.versions.filter(catalog.valid_on_q(day)).first())


def _in_force(
    item: ServiceItem, number: int | None, current: ServiceItemVersion | None
) -> ServiceItemVersion:
    """`current`, the version of `item` in force, unless there is none or it is not the
    pinned `number` (422 naming which)."""
    if number is not None and (current is None or current.number != number):
        raise InvalidInput(
            f"事项{item.code}的第{number}版不是现行有效的已发布版本",
            f"version {number} of item {item.code} is not the published version in force",
            field="version",
        )
    if current is None:
        raise InvalidInput(
            f"事项{item.code}没有现行有效的已发布版本，暂不能申报",
            f"item {item.code} has no published version in force",
            field="item",
        )
    return current


def _limit(version: ServiceItemVersion) -> int:
    return 0 if version.case_kind == CaseKind.IMMEDIATE else version.promised_days


def plan_for(*, item_code: str = "", version: int | None = None, bundle_code: str = "") -> Plan:
    """The item (or the bundle's items) and the versions in force today; 404/422 when the
    item is unknown or has no published version."""
    today = clock.today()
    if bool(item_code) == bool(bundle_code):
        raise InvalidInput(
            "请选择一个事项或一件事", "choose exactly one item or one bundle", field="item"
        )
    if item_code:
        current = catalog.version_in_force(item_code, today)
        item = current.item if current is not None else catalog.get_item(item_code)
        pinned = _in_force(item, version, current)
        return Plan(
            item.region,
            pinned.name,
            [pinned],
            None,
            [0],
            _limit(pinned),
            materials.needs_for([pinned]),
        )
    bundle = catalog.get_bundle(bundle_code)
    members = bundle.members.select_related("item", "item__region", "item__department")
    ordered = list(members.order_by("position"))
    versions = [_published(m.item, None, today) for m in ordered]
    if not versions:
        raise InvalidInput(f"一件事{bundle.name}不含事项", f"bundle {bundle_code} is empty")
    stages = [m.stage for m in ordered]
    return Plan(
        bundle.region,
        bundle.name,
        versions,
        bundle,
        stages,
        min(bundle.promised_days, clock.JOINT_LIMIT_DAYS),
        materials.issued_within(materials.needs_for(versions), versions, stages),
    )


def _check_form(form: Any) -> dict[str, Any]:
    if form is None:
        return {}
    if not isinstance(form, dict) or len(form) > MAX_FORM_FIELDS:
        raise InvalidInput("申请表格式不正确", "the form must be an object of fields", field="form")
    return {str(k)[:64]: v for k, v in form.items()}


def _intake_region(
    actor: Actor, applicant: Applicant, plan: Plan, received_at: str
) -> tuple[str, str]:
    """Where the application is received, and the role the actor acts in: a clerk's hall,
    the terminal's hall for a kiosk, else (online) the competent region itself."""
    if actor.kind == "applicant":
        if actor.applicant is None or actor.applicant.pk != applicant.pk:
            raise Forbidden("只能为本人申报", "you may only apply for yourself")
        return received_at or plan.region.code, materials_role(actor.kind)
    if actor.commission is not None and actor.commission.station_id:
        return actor.commission.station_id, Role.CLERK
    user = actor.user
    grants = [] if user is None else roles_of(user, [Role.CLERK])
    grants = [g for g in grants if g.role in (Role.CLERK, Role.ADMIN)]
    if not grants and not (user is not None and user.is_superuser):
        raise Forbidden("只有窗口人员可以代为申报", "only a clerk may take an application")
    return (grants[0].region_id if grants else plan.region.code), Role.CLERK


@dataclass(frozen=True)
class Place:
    """The hall and window that take an application in (none online or by API)."""

    hall_id: int | None = None
    window_id: int | None = None
    region: str = ""


def intake_place(actor: Actor, channel: str, hall_id: int | None, window_id: int | None) -> Place:
    """Where a clerk or a kiosk takes an application in: the clerk's window (in a hall of
    a region their clerk grant covers) or the terminal's hall. Checked before anything is
    written: an unknown window is a 404, one outside the clerk's region a 403."""
    if window_id is not None:
        if channel != Channel.WINDOW or not actor.is_staff or actor.user is None:
            raise InvalidInput(
                "只有窗口受理可指定受理窗口",
                "only a clerk's window intake names a window",
                field="window",
            )
        window = regions.windows_by_id([window_id]).get(window_id)
        if window is None:
            raise NotFound(f"窗口{window_id}不存在", f"no window {window_id}", field="window")
        user, region = actor.user, window.hall.region_id
        grants = roles_of(user, [Role.CLERK])
        if not user.is_superuser and not any(
            region.startswith(code_prefix(g.region_id)) for g in grants
        ):
            raise Forbidden(
                "该窗口不在您受理的区划内",
                "this window is not in a region where you take applications",
                field="window",
            )
        return Place(window.hall_id, window.pk, region)
    if hall_id is not None:
        if channel != Channel.KIOSK:
            raise InvalidInput(
                "只有自助终端申报可指定收件大厅",
                "only a kiosk names the hall that received an application",
                field="hall",
            )
        hall = regions.hall_by_id(hall_id)
        return Place(hall.pk, None, hall.region_id)
    return Place()


RAISE_BASIC = (
    "请先在网站或自助终端“实名注册”，核验姓名与身份证号码",
    "register first on the website or at a kiosk, with your name and ID number checked",
)
RAISE_IN_PERSON = (
    "请持本人身份证到任一政务服务大厅窗口办理“窗口现场核验”，核验后即可网上申报",
    "bring your ID card to any service hall window for an in-person check; "
    "then you may apply online",
)


def require_assurance(actor: Actor, versions: Iterable[ServiceItemVersion]) -> None:
    """An item may ask that whoever applies for themself proved who they are to a given
    level (实名认证等级); below it the application is refused with how to reach it. The
    level is the signed-in person's (an agent's own, not the company's). A clerk's intake
    is not asked: the clerk has read the ID card of the person at the counter."""
    if actor.kind != "applicant":
        return
    needed = max((v.min_assurance for v in versions), default=AssuranceLevel.NONE)
    person = actor.agent or actor.applicant
    if person is None or person.assurance >= needed:
        return
    want, have = AssuranceLevel(needed), AssuranceLevel(person.assurance)
    zh, en = RAISE_BASIC if needed <= AssuranceLevel.BASIC else RAISE_IN_PERSON
    raise Forbidden(
        f"本事项要求实名认证等级达到“{want.label}”，您的账号为“{have.label}”。{zh}",
        f"this item needs the assurance level '{english(want.label)}'; your account has "
        f"'{english(have.label)}'. To raise it: {en}",
        field="assurance",
    )


def materials_role(kind: str) -> str:
    """The role other departments' data is asked in: the window clerk, or the platform
    itself for an applicant's own online application."""
    return "system" if kind == "applicant" else Role.CLERK


def postal_address(method: str, given: Mapping[str, str] | None) -> dict[str, str]:
    """邮政快递送达 needs somewhere to go: a recipient, a phone the courier can call (a
    mobile or a landline number) and an address; other methods keep none."""
    if method != DeliveryMethod.POST:
        return dict.fromkeys(POSTAL_FIELDS, "")
    given = given or {}
    recipient, phone, address = (str(given.get(f) or "").strip() for f in POSTAL_FIELDS)
    if not recipient or len(recipient) > 32:
        raise InvalidInput(
            "邮寄送达请填写收件人姓名（32字以内）",
            "post needs the recipient's name (at most 32 characters)",
            field="post_recipient",
        )
    phone = phone.replace(" ", "")
    if not (MOBILE.fullmatch(phone) or LANDLINE.fullmatch(phone)):
        raise InvalidInput(
            "邮寄送达请填写正确的收件人电话（11位手机号或带区号的固定电话）",
            "post needs the recipient's phone: an 11-digit mobile or a landline with area code",
            field="post_phone",
        )
    if not 5 <= len(address) <= 200:
        raise InvalidInput(
            "邮寄送达请填写详细地址（5至200字）",
            "post needs the full address (5 to 200 characters)",
            field="post_address",
        )
    return {"post_recipient": recipient, "post_phone": phone, "post_address": address}


def _checked_files(plan: Plan, files: Mapping[str, uploads.FileIn]) -> dict[str, uploads.Checked]:
    by_key = {n.key: n for n in plan.needs}
    checked = {}
    for key, upload in files.items():
        need = by_key.get(key)
        if need is None:
            raise InvalidInput(
                f"本申请不需要材料“{key}”", f"no material {key} in this application", field="files"
            )
        checked[key] = uploads.check(upload, need.name)
    return checked


def _commit_without_waiting_for_disk() -> None:
    """The counter's commit need not wait for its WAL flush, so its row lock is held for
    microseconds, not a disk write. Safe: a case is only ever written by a later, durable
    commit, whose flush also flushes this one (WAL is one sequence); a crash can lose
    only numbers that no stored case carries, never hand one out twice."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


def next_case_no(region: Region, day: dt.date) -> str:
    """Region code + date + a 5-digit sequence from a per-region-per-day counter row: the
    row lock makes concurrent intakes wait their turn for a number, never share one. Taken
    in its own short transaction so the lock is not held while departments answer."""
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and own_transaction:
            _commit_without_waiting_for_disk()
        last = _bump(region, day)
        if last is None:
            CaseCounter.objects.bulk_create(
                [CaseCounter(region=region, day=day, last=0)], ignore_conflicts=True
            )
            last = _bump(region, day)
    return f"{region.code}{day:%Y%m%d}{last:05d}"


def _bump(region: Region, day: dt.date) -> int | None:
    """The counter moved on by one and read back in one statement (UPDATE … RETURNING, on
    PostgreSQL and SQLite ≥ 3.35): one round trip under the row lock instead of two."""
    table, last = (connection.ops.quote_name(n) for n in (CaseCounter._meta.db_table, "last"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 WHERE region_id = %s AND day = %s "
            f"RETURNING {last}",
            [region.code, day],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def store(checked: uploads.Checked, known: dict[str, Upload] | None = None) -> Upload:
    """Content-addressed: the same bytes handed in twice are stored once, also when two
    intakes hand them in at the same moment (the insert yields to the other's row)."""
    found = (known or {}).get(checked.sha256)
    if found is None:
        found = Upload.objects.filter(sha256=checked.sha256).first()
    if found is not None:
        return found
    name = f"cases/uploads/{checked.sha256[:2]}/{checked.sha256}"
    name += f".{uploads.EXTENSIONS[checked.content_type]}"
    Upload.objects.bulk_create(
        [
            Upload(
                sha256=checked.sha256,
                content_type=checked.content_type,
                size=checked.size,
                file=name,
            )
        ],
        ignore_conflicts=True,
    )
    transaction.on_commit(partial(_put, name, checked.source))
    return Upload.objects.get(sha256=checked.sha256)


def _put(name: str, source: File) -> None:
    """The file moves into place only once the rows naming it are committed: a refused or
    failed intake leaves no file behind. Two intakes of the same bytes write it once."""
    with source:
        if default_storage.exists(name):
            return
        saved = default_storage.save(name, source)
    if saved != name:  # the other intake's copy landed first under the same name
        default_storage.delete(saved)


def attach_uploads(holder: Case, files: Mapping[str, uploads.FileIn], actor: Actor) -> None:
    """Files handed in later (a correction) replace what the material had."""
    rows = {m.key: m for m in CaseMaterial.objects.select_for_update().filter(case=holder)}
    for key, upload in files.items():
        row = rows.get(key)
        if row is None:
            raise InvalidInput(
                f"本办件没有材料“{key}”", f"no material {key} on this case", field="files"
            )
        checked = uploads.check(upload, row.name)
        row.upload = store(checked)
        row.file_name = checked.name
        row.state = MaterialState.UPLOADED
        row.note = ""
        row.save(update_fields=["upload", "file_name", "state", "note"])


def preview(applicant: Applicant, plan: Plan, *, actor: Actor) -> list[tuple[materials.Need, str]]:
    """For the applicant: which documents are already covered by a licence they hold or by
    the office itself; for the window, only the office's own (a clerk reads a person's
    licences once the application is made with their consent, shared data likewise). The
    forms the platform writes show as written from the form."""
    role = materials_role(actor.kind)
    own = actor.kind == "applicant"
    shown = []
    for need in plan.needs:
        if need.source in (MaterialSource.GOVERNMENT, MaterialSource.GENERATED) or (
            own and need.source == MaterialSource.LICENCE
        ):
            state = materials.resolve(need, applicant, actor.ledger, role, "").state
        else:
            state = MaterialState.MISSING
        shown.append((need, state))
    return shown


def submit(
    *,
    actor: Actor,
    applicant: Applicant,
    channel: str,
    item_code: str = "",
    version: int | None = None,
    bundle_code: str = "",
    form: Any = None,
    files: Mapping[str, uploads.FileIn] | None = None,
    consent: bool = False,
    delivery_method: str = "",
    post_address: Mapping[str, str] | None = None,
    allow_incomplete: bool = False,
    accept_at_once: bool = False,
    received_at: str = "",
    templates: Iterable[str] = (),
    hall_id: int | None = None,
    window_id: int | None = None,
) -> Case:
    """申报. With `allow_incomplete` (a clerk at the window) an application missing what the
    applicant hands in is received and answered with the 一次性告知书; otherwise it is
    refused with a 422 naming every missing document and nothing is stored or looked up.
    `consent` is the applicant's own (signed in, or identified at a kiosk) or, from a
    clerk, the confirmation that the applicant is present with their ID card read.
    Documents that licences or shared data may cover are looked up once the case is stored;
    what they leave missing is asked for in one 一次性告知书. `accept_at_once` (a clerk
    with a complete application) accepts: with nothing to look up, in the same transaction
    as the receipt. The 一表申请 fields in `form` are checked against the 字段库 (every wrong
    one named); a generated 申请书, and a material met by the model text named in
    `templates`, is written from them when its fields are filled, else asked for like any
    other document. `window_id` (a clerk's window) or `hall_id` (a kiosk's hall) records
    where it was taken in, and that hall's region is where it was received."""
    if channel not in Channel.values:
        raise InvalidInput(f"未知的申报渠道：{channel}", f"unknown channel: {channel}")
    if channel == Channel.WINDOW and actor.kind == "applicant":
        raise Forbidden(
            "只有窗口人员受理的申请才是窗口渠道",
            "only a window clerk's intake is the window channel",
            field="channel",
        )
    if delivery_method and delivery_method not in DeliveryMethod.values:
        raise InvalidInput(
            f"未知的送达方式：{delivery_method}",
            f"unknown delivery method: {delivery_method}",
            field="delivery_method",
        )
    address = postal_address(delivery_method, post_address)
    plan = plan_for(item_code=item_code, version=version, bundle_code=bundle_code)
    if received_at and channel != Channel.KIOSK:
        raise InvalidInput(
            "只有自助终端申报可指定收件地", "only a kiosk names where it received an application"
        )
    place = intake_place(actor, channel, hall_id, window_id)
    intake_region, role = _intake_region(actor, applicant, plan, received_at or place.region)
    if place.region and actor.kind != "applicant":
        intake_region = place.region
    if actor.agent is not None and (actor.applicant is None or actor.applicant.pk != applicant.pk):
        raise Forbidden("经办人只能为授权的企业申报", "an agent applies only for their company")
    if actor.commission is not None and actor.commission.organization_id != applicant.pk:
        raise Forbidden(
            "代办人只能为签署委托书的居民申报", "a helper applies only for the resident who signed"
        )
    check_agent(actor, [v.item.code for v in plan.versions])
    require_assurance(actor, plan.versions)
    fields = oneform.stripped(_check_form(form))
    asked = oneform.fields_of(plan.versions)
    known = {}
    if actor.kind == "applicant" and asked:
        known = oneform.known_values(applicant, asked, actor=actor.ledger, role=role)
        fields = oneform.with_known(asked, known, fields)
    fields.update(oneform.checked(asked, fields))
    if known:
        fields.update(oneform.provenance(known, fields))
    chosen = oneform.chosen_templates(plan.needs, templates)
    if chosen:
        fields[oneform.TEMPLATES] = sorted(chosen)
    checked = _checked_files(plan, files or {})
    gaps = {
        n.key: oneform.unfilled(n, asked, fields)
        for n in plan.needs
        if n.key not in checked and oneform.written(n, chosen)
    }

    def unresolved(need: materials.Need) -> bool:
        if need.key in checked or need.requirement != "required":
            return False
        return need.key not in gaps or bool(gaps[need.key])

    own = [
        n
        for n in plan.needs
        if n.source in (MaterialSource.APPLICANT, MaterialSource.GENERATED) and unresolved(n)
    ]
    # the applicant's own application without consent (ticked, then withdrawn): other
    # departments' data cannot be asked for, so what it would cover is missing now, not later
    unasked = [
        n
        for n in plan.needs
        if actor.kind == "applicant"
        and not consent
        and n.source == MaterialSource.SHARED_DATA
        and unresolved(n)
    ]
    if (own or unasked) and not allow_incomplete:
        # a refusal names everything at once: a licence the applicant does not hold, too,
        # so the next submit is not refused for what the first could have said
        unlicensed = [
            n
            for n in plan.needs
            if n.source == MaterialSource.LICENCE
            and unresolved(n)
            and not materials.holds_licence(n, applicant)
        ]
        raise Incomplete(
            [{"material": n.name, "problem": gaps.get(n.key) or "未提交"} for n in own]
            + [{"material": n.name, "problem": materials.UNASKED_NOTE} for n in unasked]
            + [{"material": n.name, "problem": materials.NOT_FOUND_NOTE} for n in unlicensed]
        )

    lookups = [
        n for n in plan.needs if n.key not in checked and n.source in materials.LOOKUP_SOURCES
    ]
    resolved = {
        n.key: _written(n, gaps)
        if n.key in gaps
        else materials.resolve(n, applicant, actor.ledger, role, "")
        if n.source == MaterialSource.GOVERNMENT
        else materials.Resolution(MaterialState.MISSING)
        for n in plan.needs
        if n.key not in checked
    }
    case_no = next_case_no(plan.region, clock.today())
    case = _write(
        actor,
        applicant,
        plan,
        case_no,
        channel,
        intake_region,
        place,
        fields,
        checked,
        resolved,
        {"delivery_method": delivery_method, **address},
        incomplete=bool(own) and not lookups,
        accept_at_once=accept_at_once and not lookups,
        consent=materials.consent_basis(actor.kind, actor.ledger, channel) if consent else None,
    )
    if not lookups:
        return case
    found = {}
    for need in lookups:
        if materials.may_look_up(need, consent, own=actor.kind == "applicant"):
            found[need.key] = materials.resolve(
                need, applicant, actor.ledger, role, case_no, fields
            )
        else:
            found[need.key] = materials.Resolution(
                MaterialState.MISSING, note=materials.NO_CONSENT_NOTE
            )
    return _settle(case, found, actor, accept_at_once=accept_at_once)


def _written(need: materials.Need, gaps: Mapping[str, str]) -> materials.Resolution:
    """A document the platform writes from the form, or why it cannot (a clerk took the
    application with fields missing: the 一次性告知书 names them)."""
    if gaps[need.key]:
        return materials.Resolution(MaterialState.MISSING, note=gaps[need.key])
    if need.source == MaterialSource.GENERATED:
        return materials.Resolution(MaterialState.GENERATED, note=materials.GENERATED_NOTE)
    return materials.Resolution(MaterialState.TEMPLATE, note=materials.TEMPLATE_NOTE)


@transaction.atomic
def _settle(
    case: Case, found: dict[str, materials.Resolution], actor: Actor, *, accept_at_once: bool
) -> Case:
    """The lookups' results onto the stored materials, then the answer: the 一次性告知书 of
    everything still missing (from the clerk, or the platform for an applicant's own
    application), else acceptance when the clerk asked for it."""
    rows = list(CaseMaterial.objects.select_for_update().filter(case=case, key__in=found))
    for row in rows:
        result = found[row.key]
        row.state, row.reference, row.note = result.state, result.reference, result.note[:256]
    CaseMaterial.objects.bulk_update(rows, ["state", "reference", "note"])
    fresh = Case.objects.get(pk=case.pk)
    if fresh.status == Status.SUBMITTED and missing_materials(fresh):
        request_correction(fresh, actor if actor.is_staff else SYSTEM_ACTOR)
    elif fresh.status == Status.SUBMITTED and accept_at_once:
        accept(fresh, actor)
    return Case.objects.get(pk=case.pk)


@transaction.atomic
def _write(
    actor: Actor,
    applicant: Applicant,
    plan: Plan,
    case_no: str,
    channel: str,
    intake_region: str,
    place: Place,
    fields: dict[str, Any],
    checked: dict[str, uploads.Checked],
    resolved: dict[str, materials.Resolution],
    delivery: dict[str, str],
    *,
    incomplete: bool,
    accept_at_once: bool,
    consent: tuple[str, str] | None,
) -> Case:
    """The case (and a bundle's children), its materials, its history and ledger entries.
    Accepted at once, the rows are checked and set to accepted before they are stored, so
    receipt and acceptance are one insert of each kind, and the case comes back holding
    what was written (its materials, steps and history) for the answer to show."""
    today = clock.today()
    common = {
        "applicant": applicant,
        "intake_region_id": intake_region,
        "intake_hall_id": place.hall_id,
        "intake_window_id": place.window_id,
        "channel": channel,
        "status": Status.SUBMITTED,
        "form": fields,
        "received_on": today,
        "due_date": clock.acceptance_due(today),
        "commission": actor.commission,
        **delivery,
    }
    if plan.bundle is None:
        version = plan.versions[0]
        case = Case(
            case_no=case_no,
            item=version.item,
            item_version=version,
            title=version.name,
            region=version.item.region,
            department=version.item.department,
            kind=version.case_kind,
            limit_days=plan.limit_days,
            joint=any(step.parallel_group for step in catalog.steps_of(version)),
            **common,
        )
        children = []
    else:
        case = Case(
            case_no=case_no,
            bundle=plan.bundle,
            title=plan.title,
            region=plan.region,
            kind=CaseKind.PROMISED,
            limit_days=plan.limit_days,
            joint=True,
            **common,
        )
        children = [
            Case(
                case_no=f"{case_no}-{i:02d}",
                parent=case,
                bundle=plan.bundle,
                item=version.item,
                item_version=version,
                title=version.name,
                region=version.item.region,
                department=version.item.department,
                kind=version.case_kind,
                limit_days=_limit(version),
                joint=True,
                bundle_stage=stage,
                **common,
            )
            for i, (version, stage) in enumerate(
                zip(plan.versions, plan.stages, strict=True), start=1
            )
        ]
    rows = _materials(case, plan, checked, resolved)
    submit = TRANSITIONS["submit"]
    events = [
        (
            event_of(target, submit.name, actor, from_status=""),
            {
                "channel": channel,
                "intake_region": intake_region,
                "version": target.item_version_id,
                "materials": len(rows),
            },
        )
        for target in (case, *children)
    ]
    accepting = accept_at_once and not incomplete
    if accepting:
        events += accept_on_receipt(case, children, rows, actor)
    case.save(force_insert=True)
    if consent is not None:
        basis, attested_by = consent
        materials.grant_consent(
            applicant, plan.needs, channel, case_no, basis=basis, attested_by=attested_by
        )
    for child in children:
        child.parent = case
    Case.objects.bulk_create(children)
    CaseMaterial.objects.bulk_create(rows)
    holding(case, materials=rows)  # what the receivers of the history rows read (supervision)
    history = log_events(events, actor)
    steps = [
        step
        for target in (case, *children)
        if accepting and target.item_version_id
        for step in open_steps(target, actor)
    ]
    tell_after_commit(case, events[-1][0].action if accepting else submit.name, "")
    if incomplete:
        request_correction(case, actor)
        case.refresh_from_db()
        return case
    holding(case, materials=rows, steps=steps, events=history, notices=[])
    return case


def _materials(
    case: Case,
    plan: Plan,
    checked: dict[str, uploads.Checked],
    resolved: dict[str, materials.Resolution],
) -> list[CaseMaterial]:
    """One row per document asked, each as intake resolved it; uploads stored by content."""
    known = Upload.objects.in_bulk([c.sha256 for c in checked.values()], field_name="sha256")
    rows = []
    for need in plan.needs:
        row = CaseMaterial(
            case=case,
            key=need.key,
            name=need.name,
            source=need.source,
            requirement=need.requirement,
            items=need.items,
        )
        if need.key in checked:
            row.upload = store(checked[need.key], known)
            known[row.upload.sha256] = row.upload
            row.file_name = checked[need.key].name
            row.state = MaterialState.UPLOADED
        else:
            found = resolved[need.key]
            row.state, row.reference, row.note = found.state, found.reference, found.note[:256]
        rows.append(row)
    return rows
