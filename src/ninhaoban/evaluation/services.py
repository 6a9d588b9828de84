"""The only writers of the evaluation tables: ratings from every channel, the 差评 workflow,
appeals, the SMS invitation, window duty, and the tallies kept current on every write.

Every change appends its ledger entry in the same transaction; the entries carry ids, the
level and the channel, never a name, a number or the free text. Every figure is a tally
bumped here in the rating's transaction, so no reader ever scans the ratings.
"""

import datetime as dt
import hashlib
import hmac
import io
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ninhaoban.accounts.models import Applicant, Role, Staff
from ninhaoban.accounts.notify import notify
from ninhaoban.accounts.scoping import require_scope, roles_of, staff_of
from ninhaoban.accounts.selectors import grants_in_departments, person_by_number
from ninhaoban.cases import clock
from ninhaoban.cases.models import Case, CaseEvent, Status
from ninhaoban.cases.services.recalendar import moved_due
from ninhaoban.core import workdays
from ninhaoban.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ninhaoban.core.idnumbers import normalized
from ninhaoban.core.text import check_text
from ninhaoban.core.workdays import WorkdayCalendar
from ninhaoban.evaluation.models import (
    BAD_LEVELS,
    COUNT_FIELDS,
    GOOD_LEVELS,
    OPEN_RECTIFICATION,
    REASONS,
    RECTIFICATION_STEPS,
    STAFF_ENTRY_CHANNELS,
    Appeal,
    AppealDecision,
    Channel,
    DailyTally,
    Dimension,
    Evaluation,
    FollowUpComment,
    Level,
    MonthlyTally,
    RaterAnswer,
    RatingInvitation,
    Rectification,
    RectificationState,
    Target,
    WindowDuty,
    WindowPad,
)
from ninhaoban.ledger.services import record
from ninhaoban.regions import selectors as regions
from ninhaoban.regions.models import Department, Region, ServiceHall, Window
from ninhaoban.regions.models import Level as RegionLevel

# who works a department's 差评 (谁办理、谁负责) and who may file its appeal
DEPARTMENT_ROLES = (Role.CHIEF, Role.APPROVER)
APPEAL_ROLES = (Role.CHIEF,)
# who types in hotline, 意见箱 and 留言本 items, and who imports a survey or decides appeals
ENTRY_ROLES = (Role.CLERK, Role.SUPERVISOR)
SUPERVISOR_ROLES = (Role.SUPERVISOR,)
TOKEN_SALT = "ninhaoban.evaluation.invitation"
COMMENT_MAX = 500
NOTE_MAX = 500


def rectification_days() -> int:
    """整改 and 反馈 within this many working days of the rating (configurable)."""
    return settings.NHB_RECTIFY_DAYS


def invitation_days() -> int:
    return settings.NHB_RATING_LINK_DAYS


# --- checking what people typed ----------------------------------------------------------------


def check_level(level: object) -> int:
    try:
        value = int(str(level).strip())
    except (TypeError, ValueError):
        value = 0
    if value not in Level.values:
        raise InvalidInput(
            "评价等级应为1至5（非常不满意至非常满意）",
            "the level must be 1 to 5 (very dissatisfied to very satisfied)",
            field="level",
        )
    return value


def check_reasons(reasons: Iterable[object]) -> list[str]:
    chosen: list[str] = []
    for reason in reasons:
        code = str(reason).strip()
        if code not in REASONS:
            raise InvalidInput(
                "评价原因只能从列表中选择", "choose the reasons from the list", field="reasons"
            )
        if code not in chosen:
            chosen.append(code)
    return chosen


def _text(value: str | None, field: str, max_length: int = COMMENT_MAX) -> str:
    return check_text((value or "").strip(), field=field, max_length=max_length)


@dataclass(frozen=True)
class Rating:
    """What a person says, whatever the channel: the level, the reasons, the free text."""

    level: int
    reasons: list[str]
    comment: str

    @classmethod
    def of(
        cls, level: object, reasons: Iterable[object] = (), comment: str | None = ""
    ) -> "Rating":
        return cls(check_level(level), check_reasons(reasons), _text(comment, "comment"))


# --- the tallies -------------------------------------------------------------------------------


def _contribution(ev: Evaluation, rect: Rectification | None) -> dict[str, int]:
    """What one counted rating adds to every tally it belongs to."""
    bad = ev.level in BAD_LEVELS
    done = rect is not None and rect.state in (
        RectificationState.RECTIFIED,
        RectificationState.ANSWERED,
        RectificationState.FOLLOWED_UP,
    )
    followed = rect is not None and rect.state == RectificationState.FOLLOWED_UP
    return {
        "ratings": 1,
        "good": int(ev.level in GOOD_LEVELS),
        "bad": int(bad),
        "bad_rectified": int(bad and done),
        "followed_up": int(bad and followed),
        "real_bad": int(bad and ev.rater_id is not None),
        "real_bad_followed_up": int(bad and followed and ev.rater_id is not None),
        "level_sum": ev.level,
    }


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _monthly_keys(ev: Evaluation) -> list[tuple[str, str]]:
    keys = [(Dimension.REGION.value, ev.region_id)]
    for dimension, value in (
        (Dimension.WINDOW, ev.window_id),
        (Dimension.STAFF, ev.staff_id),
        (Dimension.HALL, ev.hall_id),
        (Dimension.DEPARTMENT, ev.department_id),
        (Dimension.ITEM, ev.item.code if ev.item is not None else None),
    ):
        if value is not None:
            keys.append((dimension.value, str(value)))
    return keys


def _bump_one(model: type[DailyTally] | type[MonthlyTally], key: dict, deltas: dict) -> None:
    changes = {f: F(f) + d for f, d in deltas.items() if d}
    if not changes or model.objects.filter(**key).update(**changes):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **deltas)
    except IntegrityError:  # another transaction created the row first
        model.objects.filter(**key).update(**changes)


def _bump(ev: Evaluation, deltas: dict[str, int], sign: int = 1) -> None:
    deltas = {f: sign * d for f, d in deltas.items() if d}
    if not deltas:
        return
    _bump_one(
        DailyTally,
        {"day": ev.day, "region_id": ev.region_id, "department_key": ev.department_id or 0},
        deltas,
    )
    month = _month(ev.day)
    for dimension, key in _monthly_keys(ev):
        _bump_one(
            MonthlyTally,
            {"month": month, "dimension": dimension, "key": key, "region_id": ev.region_id},
            deltas,
        )


def _counted(ev: Evaluation) -> bool:
    """Whether the rating counts: not taken out by an upheld appeal."""
    return not Appeal.objects.filter(evaluation=ev, decision=AppealDecision.UPHELD).exists()


@transaction.atomic
def rebuild_tallies() -> int:
    """Recount every tally from the ratings (after a bulk load, or to check the running
    tallies): one GROUP BY per table. Returns the number of counted ratings."""
    DailyTally.objects.all().delete()
    MonthlyTally.objects.all().delete()
    rated = Evaluation.objects.exclude(appeal__decision=AppealDecision.UPHELD)
    real = Q(rater__isnull=False)
    bad = Q(level__in=BAD_LEVELS)
    done = Q(
        rectification__state__in=[
            RectificationState.RECTIFIED,
            RectificationState.ANSWERED,
            RectificationState.FOLLOWED_UP,
        ]
    )
    followed = Q(rectification__state=RectificationState.FOLLOWED_UP)
    sums = {
        "ratings": Count("pk"),
        "good": Count("pk", filter=Q(level__in=GOOD_LEVELS)),
        "bad": Count("pk", filter=bad),
        "bad_rectified": Count("pk", filter=bad & done),
        "followed_up": Count("pk", filter=bad & followed),
        "real_bad": Count("pk", filter=bad & real),
        "real_bad_followed_up": Count("pk", filter=bad & followed & real),
        "level_sum": Sum("level"),
    }
    found: list[dict[str, Any]] = [
        dict(row) for row in rated.values("day", "region_id", "department_id").annotate(**sums)
    ]
    daily = [
        DailyTally(
            day=row["day"],
            region_id=row["region_id"],
            department_key=row["department_id"] or 0,
            **{f: row[f] for f in COUNT_FIELDS},
        )
        for row in found
    ]
    DailyTally.objects.bulk_create(daily, batch_size=2000)
    monthly = []
    fields = {
        Dimension.REGION: "region_id",
        Dimension.WINDOW: "window_id",
        Dimension.STAFF: "staff_id",
        Dimension.HALL: "hall_id",
        Dimension.DEPARTMENT: "department_id",
        Dimension.ITEM: "item__code",
    }
    for dimension, field in fields.items():
        rows = (
            rated.filter(**{f"{field}__isnull": False})
            .annotate(m=TruncMonth("day"))
            .values("m", field, "region_id")
            .annotate(**sums)
        )
        monthly += [
            MonthlyTally(
                month=row["m"],
                dimension=dimension,
                key=str(row[field]),
                region_id=row["region_id"],
                **{f: row[f] for f in COUNT_FIELDS},
            )
            for row in rows
        ]
    MonthlyTally.objects.bulk_create(monthly, batch_size=2000)
    return sum(d.ratings for d in daily)


# --- ratings -----------------------------------------------------------------------------------


@dataclass
class Rated:
    """What is rated, resolved to the columns the figures count by."""

    target: str
    region: Region
    case: Case | None = None
    department: Department | None = None
    hall: ServiceHall | None = None
    window: Window | None = None
    staff: Staff | None = None


def _of_case(case: Case) -> Rated:
    return Rated(Target.CASE, case.region, case=case, department=case.department)


def _create(
    rated: Rated,
    rating: Rating,
    *,
    channel: str,
    rater: Applicant | None,
    actor: str,
    entered_by: str = "",
    day: dt.date | None = None,
    reference: str = "",
) -> Evaluation:
    """Insert the rating, its tallies, its ledger entry and, for a 差评, its rectification."""
    now = timezone.now()
    day = day or clock.today()
    case = rated.case
    if case is not None and Evaluation.objects.filter(case=case, rater=rater).exists():
        raise Conflict("该办件已评价，不能重复评价，可追加评价", "this case is already rated")
    ev = Evaluation(
        target=rated.target,
        level=rating.level,
        reasons=rating.reasons,
        comment=rating.comment,
        channel=channel,
        rater=rater,
        case=case,
        region=rated.region,
        department=rated.department,
        hall=rated.hall,
        window=rated.window,
        staff=rated.staff,
        item=case.item if case is not None else None,
        entered_by=entered_by,
        reference=reference,
        created_at=now,
        day=day,
    )
    try:
        with transaction.atomic():
            ev.save()
    except IntegrityError:  # the same case rated at the same moment through two channels
        raise Conflict("该办件已评价，不能重复评价", "this case is already rated") from None
    _bump(ev, _contribution(ev, None))
    subjects = [ev.subject] + ([case.subject] if case is not None else [])
    record(
        "evaluation.rated",
        subjects,
        actor,
        {
            "evaluation": ev.pk,
            "level": ev.level,
            "channel": channel,
            "target": rated.target,
            "window": ev.window_id,
            "staff": ev.staff_id,
            "department": ev.department_id,
            "real_name": rater is not None,
        },
    )
    if ev.level in BAD_LEVELS:
        _open_rectification(ev, actor)
    return ev


def _open_rectification(ev: Evaluation, actor: str) -> Rectification:
    rect = Rectification.objects.create(
        evaluation=ev,
        region=ev.region,
        department=ev.department,
        opened_on=ev.day,
        due_date=workdays.add_working_days(ev.day, rectification_days()),
    )
    record(
        "evaluation.rectification_opened",
        [ev.subject, f"rectification:{rect.pk}"],
        actor,
        {"rectification": rect.pk, "due": rect.due_date.isoformat() if rect.due_date else None},
    )
    return rect


def _closed_case_of(applicant: Applicant, case: Case) -> Case:
    if case.applicant_id != applicant.pk:
        raise NotFound(f"办件{case.case_no}不存在", f"no case {case.case_no}")
    if case.status != Status.CLOSED:
        raise Conflict("办件办结后才能评价", "a case can be rated once it is closed (办结)")
    return case


@transaction.atomic
def rate_case(case: Case, applicant: Applicant, rating: Rating, *, channel: str) -> Evaluation:
    """一事一评 by the case's own applicant, on the website, at a kiosk or by the SMS link."""
    if channel not in (Channel.WEBSITE, Channel.KIOSK, Channel.SMS):
        raise InvalidInput("评价渠道不正确", "wrong channel for a case's rating", field="channel")
    _closed_case_of(applicant, case)
    return _create(
        _of_case(case), rating, channel=channel, rater=applicant, actor=applicant.subject
    )


@transaction.atomic
def add_follow_up_comment(
    evaluation: Evaluation, applicant: Applicant, text: str
) -> FollowUpComment:
    """追评: once, by whoever rated, later; the rating itself stays as it was."""
    if evaluation.rater_id is None or evaluation.rater_id != applicant.pk:
        raise NotFound("评价不存在", "no such rating")
    text = _text(text, "text")
    if not text:
        raise InvalidInput("追评内容不能为空", "write the follow-up comment", field="text")
    if FollowUpComment.objects.filter(evaluation=evaluation).exists():
        raise Conflict("每条评价只能追评一次", "a rating takes one follow-up comment")
    try:
        with transaction.atomic():
            comment = FollowUpComment.objects.create(evaluation=evaluation, text=text)
    except IntegrityError:
        raise Conflict("每条评价只能追评一次", "a rating takes one follow-up comment") from None
    record(
        "evaluation.follow_up_comment",
        evaluation.subject,
        applicant.subject,
        {"evaluation": evaluation.pk},
    )
    return comment


@transaction.atomic
def rate_service(
    *,
    channel: str,
    hall: ServiceHall | None,
    rater: Applicant | None,
    rating: Rating,
    actor: str,
    reference: str = "",
) -> Evaluation:
    """A rating of a channel itself (the kiosk after a transaction, the website), at a hall
    or, without one, the city's. `reference` names the transaction (a kiosk session) that
    may be rated once."""
    if channel not in (Channel.KIOSK, Channel.WEBSITE):
        raise InvalidInput("评价渠道不正确", "wrong channel for a service rating", field="channel")
    reference = _text(reference, "reference", 64)
    if reference and Evaluation.objects.filter(reference=reference).exists():
        raise Conflict("本次服务已评价", "this service has been rated already")
    region = hall.region if hall is not None else _city()
    return _create(
        Rated(Target.SERVICE, region, hall=hall),
        rating,
        channel=channel,
        rater=rater,
        actor=actor,
        reference=reference,
    )


def _city() -> Region:
    city = regions.regions_at([RegionLevel.CITY]).first()
    if city is None:
        raise NotFound("尚未设置市级区划", "no city region is set up")
    return city


# --- the SMS link ------------------------------------------------------------------------------


def _nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest()


def invite(case: Case) -> str | None:
    """The rating link's token for a case that has just closed, sent by SMS after commit;
    None if the case already has one."""
    if RatingInvitation.objects.filter(case=case).exists():
        return None
    nonce = secrets.token_urlsafe(16)
    invitation = RatingInvitation.objects.create(
        case=case,
        nonce_hash=_nonce_hash(nonce),
        expires_at=timezone.now() + dt.timedelta(days=invitation_days()),
    )
    token = signing.dumps([invitation.pk, nonce], salt=TOKEN_SALT, compress=True)
    record(
        "evaluation.invited",
        case.subject,
        "system",
        {"invitation": invitation.pk, "expires": invitation.expires_at.isoformat()},
    )
    link = f"{settings.NHB_BASE_URL}/rate/{token}/"
    text = f"【您好办】您的办件{case.case_no}已办结，请对本次服务作出评价：{link}"
    phone, email = case.applicant.phone, case.applicant.email
    transaction.on_commit(
        lambda: notify(phone=phone, email=email, subject="服务评价", text=text, secret=token)
    )
    return token


def _bad_link() -> Conflict:
    return Conflict("评价链接无效、已使用或已过期", "the rating link is invalid, used or expired")


def invitation_of(token: str) -> RatingInvitation:
    """The live invitation a token names; a forged, reused or expired one is refused."""
    try:
        pk, nonce = signing.loads(
            token or "", salt=TOKEN_SALT, max_age=dt.timedelta(days=invitation_days())
        )
    except (signing.BadSignature, ValueError, TypeError):
        raise _bad_link() from None
    invitation = (
        RatingInvitation.objects.select_related("case", "case__applicant", "case__region")
        .filter(pk=pk)
        .first()
    )
    if (
        invitation is None
        or not isinstance(nonce, str)
        or not hmac.compare_digest(invitation.nonce_hash, _nonce_hash(nonce))
        or invitation.used_at is not None
        or invitation.expires_at <= timezone.now()
    ):
        raise _bad_link()
    return invitation


@transaction.atomic
def rate_by_token(token: str, rating: Rating) -> Evaluation:
    invitation = invitation_of(token)
    used = RatingInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not used:
        raise _bad_link()
    case = invitation.case
    return rate_case(case, case.applicant, rating, channel=Channel.SMS)


def on_case_events(events: Sequence[CaseEvent], **_: Any) -> None:
    """cases.signals.case_events_logged: a top-level case reaching 办结 gets its SMS link."""
    for event in events:
        closing = event.to_status == Status.CLOSED and event.from_status != Status.CLOSED
        if closing and event.case.parent_id is None:
            invite(event.case)


# --- windows: who is on duty, the 评价器 facing the applicant -------------------------------------


def _staff_at(user: User | AnonymousUser, window: Window) -> Staff:
    staff = staff_of(user)
    require_scope(
        user,
        [Role.CLERK, Role.APPROVER, Role.CHIEF],
        window.hall.region_id,
        window.department_id,
    )
    return staff


@transaction.atomic
def take_window(user: User | AnonymousUser, window: Window) -> WindowDuty:
    """上岗: this staff member serves at this window from now on (the 评价器 shows them)."""
    staff = _staff_at(user, window)
    duty, _ = WindowDuty.objects.update_or_create(
        window=window, defaults={"staff": staff, "case": None, "since": timezone.now()}
    )
    record("evaluation.window_taken", f"window:{window.pk}", staff.actor, {"window": window.pk})
    return duty


@transaction.atomic
def present_case(user: User | AnonymousUser, window: Window, case: Case | None) -> WindowDuty:
    """请评价: the case just handled at this window is put before the applicant's 评价器."""
    staff = _staff_at(user, window)
    duty = WindowDuty.objects.select_for_update().filter(window=window, staff=staff).first()
    if duty is None:
        raise Conflict("请先在该窗口上岗", "take the window first")
    duty.case = case
    duty.save(update_fields=["case"])
    record(
        "evaluation.case_presented",
        [f"window:{window.pk}"] + ([case.subject] if case is not None else []),
        staff.actor,
        {"window": window.pk},
    )
    return duty


@transaction.atomic
def bind_pad(user: User | AnonymousUser, terminal: str, window: Window) -> WindowPad:
    """Make an enrolled terminal the 评价器 of a window (an administrator of its region)."""
    require_scope(user, [Role.ADMIN], window.hall.region_id)
    terminal = (terminal or "").strip()
    if (
        not terminal
        or len(terminal) > 32
        or not all(c.isascii() and (c.isalnum() or c == "-") for c in terminal)
    ):
        raise InvalidInput(
            "终端编号应为1至32位字母、数字或连字符",
            "a terminal code has 1 to 32 letters, digits or hyphens",
            field="terminal",
        )
    WindowPad.objects.filter(window=window).exclude(terminal=terminal).delete()
    pad, _ = WindowPad.objects.update_or_create(terminal=terminal, defaults={"window": window})
    record(
        "evaluation.pad_bound",
        f"window:{window.pk}",
        staff_of(user).actor if hasattr(user, "staff") else "system",
        {"terminal": terminal, "window": window.pk},
    )
    return pad


@transaction.atomic
def rate_at_window(terminal: str, rating: Rating, *, case_no: str = "") -> Evaluation:
    """一次一评 at the window's 评价器: the clerk on duty and, when the clerk put one
    forward, the case just handled (rated for its applicant, then taken off the pad)."""
    pad = (
        WindowPad.objects.select_related("window", "window__hall").filter(terminal=terminal).first()
    )
    if pad is None:
        raise NotFound("该终端不是窗口评价器", "this terminal is no window's rating pad")
    duty = (
        WindowDuty.objects.select_for_update(of=("self",))
        .select_related("staff", "case", "case__applicant", "case__region")
        .filter(window=pad.window)
        .first()
    )
    if duty is None:
        raise Conflict("该窗口暂无工作人员上岗", "nobody is on duty at this window")
    window = pad.window
    rated = Rated(
        Target.WINDOW,
        window.hall.region,
        department=window.department,
        hall=window.hall,
        window=window,
        staff=duty.staff,
    )
    rater = None
    if case_no:
        case = duty.case
        if case is None or case.case_no != case_no:
            raise Conflict("该办件已不在评价器上", "that case is no longer on the pad")
        rated.case, rated.target = case, Target.CASE
        rated.department = case.department or window.department
        rater = case.applicant
        duty.case = None
        duty.save(update_fields=["case"])
    actor = rater.subject if rater is not None else f"kiosk:{terminal}"
    return _create(rated, rating, channel=Channel.WINDOW_PAD, rater=rater, actor=actor)


# --- staff entry and the survey import ---------------------------------------------------------


@transaction.atomic
def enter_item(
    user: User | AnonymousUser,
    *,
    channel: str,
    rating: Rating,
    case: Case | None = None,
    region: Region | None = None,
    department: Department | None = None,
    id_number: str = "",
) -> Evaluation:
    """A rating received by 12345 hotline, 意见箱 or 留言本, typed in by staff of its region;
    with the caller's ID number it is real-name (and so counts for 实名差评回访)."""
    staff = staff_of(user)
    if channel not in STAFF_ENTRY_CHANNELS:
        raise InvalidInput(
            "来源应为12345热线、意见箱或留言本",
            "the source is the hotline, the comment box or the guest book",
            field="channel",
        )
    rater = None
    if id_number.strip():
        rater = person_by_number(normalized(id_number))
        if rater is None:
            raise InvalidInput(
                "未找到该证件号码的申请人", "no applicant with that ID number", field="id_number"
            )
    if case is not None:
        rated = _of_case(case)
        if rater is not None and rater.pk != case.applicant_id:
            raise InvalidInput(
                "评价人不是该办件的申请人",
                "the caller is not the case's applicant",
                field="id_number",
            )
    elif region is not None:
        if department is not None and not department.region_id.startswith(region.pk[:2]):
            raise InvalidInput(
                "部门不属于该区划", "the department is outside the region", field="department"
            )
        rated = Rated(
            Target.SERVICE, department.region if department else region, department=department
        )
    else:
        raise InvalidInput("请填写办件编号或区划", "give a case number or a region", field="region")
    require_scope(user, ENTRY_ROLES, rated.region.pk, None)
    return _create(
        rated, rating, channel=channel, rater=rater, actor=staff.actor, entered_by=staff.actor
    )


SURVEY_HEADER = ["测评日期", "区划代码", "部门统一社会信用代码", "评价等级", "评价原因", "意见"]
SURVEY_MAX_ROWS = 20_000


@dataclass(frozen=True)
class SurveyRow:
    day: dt.date
    region: Region
    department: Department | None
    rating: Rating


def _region(code: str) -> Region:
    try:
        return regions.get_region(code)
    except NotFound:
        raise InvalidInput("区划代码不存在", "unknown region code") from None


def _survey_rows(data: bytes) -> list[SurveyRow]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True, max_row=SURVEY_MAX_ROWS + 2))
    except (InvalidFileException, OSError, KeyError, ValueError, IndexError, TypeError):
        raise InvalidInput(
            "文件不是有效的XLSX表格", "the file is not a valid XLSX workbook", field="file"
        ) from None
    except Exception:  # a damaged zip or XML inside the workbook
        raise InvalidInput(
            "文件不是有效的XLSX表格", "the file is not a valid XLSX workbook", field="file"
        ) from None
    if not rows or [str(c or "").strip() for c in rows[0][: len(SURVEY_HEADER)]] != SURVEY_HEADER:
        raise InvalidInput(
            "表头应为：" + "、".join(SURVEY_HEADER),
            "the header row must be: " + ", ".join(SURVEY_HEADER),
            field="file",
        )
    body = [r for r in rows[1:] if any(c not in (None, "") for c in r)]
    if len(body) > SURVEY_MAX_ROWS:
        raise InvalidInput(
            f"一次最多导入{SURVEY_MAX_ROWS}行", f"at most {SURVEY_MAX_ROWS} rows", field="file"
        )
    texts = [[str(c or "").strip() for c in row[: len(SURVEY_HEADER)]] for row in body]
    uscc_ids = regions.department_ids_by_uscc(t[2] for t in texts if len(t) > 2)
    by_id = regions.departments_by_id(uscc_ids.values())
    departments = {uscc: by_id[pk] for uscc, pk in uscc_ids.items()}
    labels = {str(label): value for value, label in Level.choices}
    parsed = []
    for n, row in enumerate(body, start=2):
        cells = list(row) + [None] * (len(SURVEY_HEADER) - len(row))
        when, code, uscc, level, reasons, comment = cells[: len(SURVEY_HEADER)]
        try:
            if isinstance(when, dt.datetime):
                day = when.date()
            elif isinstance(when, dt.date):
                day = when
            else:
                day = dt.date.fromisoformat(str(when or "").strip())
            region = _region(str(code or "").strip())
            department = None
            if str(uscc or "").strip():
                department = departments.get(str(uscc).strip())
                if department is None:
                    raise InvalidInput("部门统一社会信用代码不存在", "unknown department")
            level_text = str(level or "").strip()
            rating = Rating.of(
                labels.get(level_text, level_text),
                [r for r in str(reasons or "").replace("，", ",").split(",") if r.strip()],
                str(comment or ""),
            )
        except (InvalidInput, ValueError) as exc:
            zh = exc.message_zh if isinstance(exc, InvalidInput) else "日期应为YYYY-MM-DD"
            en = exc.message_en if isinstance(exc, InvalidInput) else "dates are YYYY-MM-DD"
            raise InvalidInput(f"第{n}行：{zh}", f"row {n}: {en}", field="file") from None
        parsed.append(SurveyRow(day, region, department, rating))
    return parsed


def require_supervisor(user: User | AnonymousUser) -> Staff:
    """A supervisor somewhere (each row's region is checked later), before a file is read."""
    staff = staff_of(user)
    if not (user.is_authenticated and user.is_superuser) and not roles_of(user, SUPERVISOR_ROLES):
        raise Forbidden("仅限监察人员使用", "for supervisors only")
    return staff


@transaction.atomic
def import_survey(user: User | AnonymousUser, data: bytes) -> int:
    """第三方测评: every row of the survey's workbook, or none (a bad row names itself)."""
    staff = require_supervisor(user)
    rows = _survey_rows(data)
    for row in rows:
        require_scope(user, SUPERVISOR_ROLES, row.region.pk, None)
    for row in rows:
        _create(
            Rated(Target.SERVICE, row.region, department=row.department),
            row.rating,
            channel=Channel.SURVEY,
            rater=None,
            actor=staff.actor,
            entered_by=staff.actor,
            day=row.day,
        )
    record("evaluation.survey_imported", f"staff:{staff.pk}", staff.actor, {"rows": len(rows)})
    return len(rows)


# --- the 差评 workflow ---------------------------------------------------------------------------


def _require_department(
    user: User | AnonymousUser, rect: Rectification, roles: Sequence[str]
) -> Staff:
    staff = staff_of(user)
    require_scope(user, roles, rect.region_id, rect.department_id)
    return staff


@transaction.atomic
def advance(
    user: User | AnonymousUser,
    rect: Rectification,
    step: str,
    *,
    note: str,
    answer: str = "",
) -> Rectification:
    """核实 → 整改 → 反馈 → 回访, each once and in that order, by the department's staff."""
    if step not in RECTIFICATION_STEPS:
        raise InvalidInput("整改步骤不正确", "unknown rectification step", field="step")
    rect = Rectification.objects.select_for_update().select_related("evaluation").get(pk=rect.pk)
    staff = _require_department(user, rect, DEPARTMENT_ROLES)
    before, after = RECTIFICATION_STEPS[step]
    if rect.state != before:
        raise Conflict(
            "整改须按核实、整改、反馈、回访的顺序进行，当前步骤不能办理",
            "the steps go verify, rectify, answer, follow up: this one is not next",
        )
    note = _text(note, "note", NOTE_MAX)
    if not note:
        raise InvalidInput("请填写办理情况", "write what was done", field="note")
    today = clock.today()
    ev = rect.evaluation
    counted = _counted(ev)
    old = _contribution(ev, rect)
    if step == "verify":
        rect.verify_note, rect.verified_on = note, today
    elif step == "rectify":
        rect.rectify_note, rect.rectified_on = note, today
    elif step == "answer":
        rect.answer_note, rect.answered_on = note, today
    else:
        if answer not in RaterAnswer.values:
            raise InvalidInput(
                "请选择评价人的回访意见", "choose the rater's answer", field="answer"
            )
        rect.follow_up_note, rect.rater_answer, rect.followed_up_on = note, answer, today
    rect.state = after
    rect.save()
    if counted:
        new = _contribution(ev, rect)
        _bump(ev, {f: new[f] - old[f] for f in COUNT_FIELDS})
    record(
        f"evaluation.{step}",
        [ev.subject, f"rectification:{rect.pk}"],
        staff.actor,
        {"rectification": rect.pk, "state": after, "answer": answer or None},
    )
    return rect


def on_calendar_recomputed(run: Any, old: WorkdayCalendar, new: WorkdayCalendar, **_: Any) -> None:
    """cases.signals.calendar_recomputed: open rectifications keep their working days."""
    rows = Rectification.objects.select_for_update().filter(
        state__in=OPEN_RECTIFICATION, due_date__gt=run.anchor, due_date__lte=run.last_day
    )
    for rect in rows:
        assert rect.due_date is not None
        due = moved_due(old, new, rect.due_date)
        if due != rect.due_date:
            before = rect.due_date
            rect.due_date = due
            rect.save(update_fields=["due_date", "updated_at"])
            record(
                "evaluation.recalendar",
                f"rectification:{rect.pk}",
                "system",
                {"from": before.isoformat(), "to": due.isoformat(), "run": run.pk},
            )


@transaction.atomic
def escalate(today: dt.date | None = None) -> int:
    """超期: open rectifications past their date go to the department's chief, once."""
    today = today or clock.today()
    late = list(
        Rectification.objects.select_for_update()
        .filter(state__in=OPEN_RECTIFICATION, due_date__lt=today, escalated_on__isnull=True)
        .order_by("pk")
    )
    if not late:
        return 0
    Rectification.objects.filter(pk__in=[r.pk for r in late]).update(escalated_on=today)
    chiefs = grants_in_departments({r.department_id for r in late if r.department_id}, [Role.CHIEF])
    by_department: dict[int, list[Staff]] = {}
    for grant in chiefs:
        by_department.setdefault(grant.department_id or 0, []).append(grant.staff)
    for rect in late:
        record(
            "evaluation.escalated",
            f"rectification:{rect.pk}",
            "system",
            {"due": str(rect.due_date)},
        )
        for chief in by_department.get(rect.department_id or 0, []):
            text = (
                f"【您好办】差评整改{rect.pk}已超过整改反馈期限"
                f"（{rect.due_date:%Y年%m月%d日}），请督办。"
            )
            transaction.on_commit(
                partial(notify, phone=chief.phone, subject="差评整改超期", text=text)
            )
    return len(late)


# --- appeals -----------------------------------------------------------------------------------


@transaction.atomic
def file_appeal(user: User | AnonymousUser, evaluation: Evaluation, reason: str) -> Appeal:
    """申诉 by the department the rating concerns, once per rating."""
    staff = staff_of(user)
    require_scope(user, APPEAL_ROLES, evaluation.region_id, evaluation.department_id)
    reason = _text(reason, "reason", NOTE_MAX)
    if not reason:
        raise InvalidInput("请写明申诉理由", "give the reason for the appeal", field="reason")
    if evaluation.level not in BAD_LEVELS:
        raise Conflict("只能对差评提出申诉", "only a bad rating can be appealed")
    if Appeal.objects.filter(evaluation=evaluation).exists():
        raise Conflict("该评价已提出过申诉", "this rating has been appealed already")
    appeal = Appeal.objects.create(
        evaluation=evaluation,
        region_id=evaluation.region_id,
        department_id=evaluation.department_id,
        reason=reason,
        filed_by=staff.actor,
        filed_on=clock.today(),
    )
    record(
        "evaluation.appealed",
        [evaluation.subject, f"appeal:{appeal.pk}"],
        staff.actor,
        {"appeal": appeal.pk},
    )
    return appeal


@transaction.atomic
def decide_appeal(user: User | AnonymousUser, appeal: Appeal, *, upheld: bool, note: str) -> Appeal:
    """A supervisor of the region decides; upheld takes the rating out of every figure
    (and ends its rectification), the rating stays visible with the decision."""
    staff = staff_of(user)
    appeal = Appeal.objects.select_for_update().select_related("evaluation").get(pk=appeal.pk)
    require_scope(user, SUPERVISOR_ROLES, appeal.region_id, None)
    if appeal.decision != AppealDecision.PENDING:
        raise Conflict("该申诉已裁定", "this appeal is decided already")
    note = _text(note, "note", NOTE_MAX)
    if not note:
        raise InvalidInput("请写明裁定理由", "give the reason for the decision", field="note")
    ev = appeal.evaluation
    if upheld:
        rect = Rectification.objects.select_for_update().filter(evaluation=ev).first()
        _bump(ev, _contribution(ev, rect), sign=-1)
        if rect is not None and rect.state != RectificationState.VOIDED:
            rect.state = RectificationState.VOIDED
            rect.save(update_fields=["state", "updated_at"])
    appeal.decision = AppealDecision.UPHELD if upheld else AppealDecision.REJECTED
    appeal.decision_note, appeal.decided_by, appeal.decided_on = note, staff.actor, clock.today()
    appeal.save()
    record(
        "evaluation.appeal_decided",
        [ev.subject, f"appeal:{appeal.pk}"],
        staff.actor,
        {"appeal": appeal.pk, "decision": appeal.decision},
    )
    return appeal
