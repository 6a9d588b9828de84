"""好差评 API (/api/v1/evaluation): rating a closed case, 追评, the SMS link, staff entry,
the survey import, the 差评 workflow, appeals, and the figures and ranking of a scope."""

import base64
import binascii
import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from ninhaoban.accounts.scoping import require_scope, staff_of
from ninhaoban.accounts.tokens import API_AUTH
from ninhaoban.cases import selectors as cases
from ninhaoban.cases.services import Actor
from ninhaoban.core.errors import InvalidInput
from ninhaoban.core.text import BoundedInt
from ninhaoban.evaluation import selectors, services
from ninhaoban.evaluation.models import Channel, Evaluation, Rectification
from ninhaoban.evaluation.services import SUPERVISOR_ROLES, Rating
from ninhaoban.regions import selectors as regions

router = Router(tags=["evaluation"], auth=API_AUTH)
public_router = Router(tags=["evaluation"])


class RatingIn(Schema):
    level: BoundedInt = Field(description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意")
    reasons: list[str] = Field([], description="attitude, efficiency, materials, process, …")
    comment: str = ""


class RatingOut(Schema):
    id: int
    target: str
    level: int
    reasons: list[str]
    comment: str
    channel: str
    case_no: str | None
    department: str | None
    day: dt.date
    real_name: bool
    rectification: int | None


def _out(ev: Evaluation) -> RatingOut:
    rect = getattr(ev, "rectification", None) if ev.is_bad else None
    return RatingOut(
        id=ev.pk,
        target=ev.target,
        level=ev.level,
        reasons=ev.reasons,
        comment=ev.comment,
        channel=ev.channel,
        case_no=ev.case.case_no if ev.case is not None else None,
        department=ev.department.name if ev.department is not None else None,
        day=ev.day,
        real_name=ev.real_name,
        rectification=rect.pk if rect is not None else None,
    )


def _rating(data: RatingIn) -> Rating:
    return Rating.of(data.level, data.reasons, data.comment)


@router.post(
    "/cases/{case_no}/rating", response={201: RatingOut}, summary="评价已办结的办件（申请人）"
)
def rate_case(request: HttpRequest, case_no: str, data: RatingIn) -> Status:
    applicant = Actor.of(request.user).own
    case = cases.case_for_applicant(applicant, case_no)
    ev = services.rate_case(case, applicant, _rating(data), channel=Channel.WEBSITE)
    return Status(201, _out(ev))


class TextIn(Schema):
    text: str


@router.post("/ratings/{rating_id}/comment", response={201: dict}, summary="追评（评价人）")
def follow_up_comment(request: HttpRequest, rating_id: BoundedInt, data: TextIn) -> Status:
    applicant = Actor.of(request.user).own
    ev = selectors.own_rating(applicant, rating_id)
    services.add_follow_up_comment(ev, applicant, data.text)
    return Status(201, {"rating": ev.pk})


@public_router.post(
    "/invitations/{token}/rating", response={201: RatingOut}, summary="通过短信链接评价"
)
def rate_by_link(request: HttpRequest, token: str, data: RatingIn) -> Status:
    return Status(201, _out(services.rate_by_token(token, _rating(data))))


class EntryIn(RatingIn):
    channel: str = Field(description="hotline, mailbox or guestbook")
    case_no: str = ""
    region: str = Field("", description="the region rated, when no case is named")
    department: BoundedInt | None = None
    id_number: str = Field("", description="the caller's ID number, for a real-name rating")


@router.post("/entries", response={201: RatingOut}, summary="录入热线、意见箱、留言本评价")
def enter(request: HttpRequest, data: EntryIn) -> Status:
    staff_of(request.user)
    case = cases.case_for_staff(request.user, data.case_no) if data.case_no.strip() else None
    region = regions.get_region(data.region) if data.region.strip() and case is None else None
    department = None
    if data.department is not None:
        department = regions.departments_by_id([data.department]).get(data.department)
        if department is None:
            raise InvalidInput("部门不存在", "no such department", field="department")
    ev = services.enter_item(
        request.user,
        channel=data.channel,
        rating=_rating(data),
        case=case,
        region=region,
        department=department,
        id_number=data.id_number,
    )
    return Status(201, _out(ev))


class SurveyIn(Schema):
    content_base64: str = Field(description="the 第三方测评 workbook (XLSX), base64")


@router.post("/surveys", response={201: dict}, summary="导入第三方测评（XLSX）")
def import_survey(request: HttpRequest, data: SurveyIn) -> Status:
    services.require_supervisor(request.user)
    try:
        content = base64.b64decode(data.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("文件内容不是有效的base64", "the file is not valid base64") from None
    return Status(201, {"imported": services.import_survey(request.user, content)})


@router.get("/ratings", response=list[RatingOut], summary="评价列表（本人权限范围）")
def list_ratings(request: HttpRequest, bad_only: bool = False, channel: str = "") -> list:
    staff_of(request.user)
    rows = selectors.ratings_for(request.user, bad_only=bad_only, channel=channel)
    return [_out(ev) for ev in rows[:200]]


class RectificationOut(Schema):
    id: int
    rating: int
    state: str
    department: str | None
    opened_on: dt.date
    due_date: dt.date | None
    alert: str
    verify_note: str
    rectify_note: str
    answer_note: str
    follow_up_note: str
    rater_answer: str


ALERTS = {0: "none", 1: "warning", 2: "overdue"}


def _rect(r: Rectification) -> RectificationOut:
    return RectificationOut(
        id=r.pk,
        rating=r.evaluation_id,
        state=r.state,
        department=r.department.name if r.department is not None else None,
        opened_on=r.opened_on,
        due_date=r.due_date,
        alert=ALERTS[selectors.alert_of(r)],
        verify_note=r.verify_note,
        rectify_note=r.rectify_note,
        answer_note=r.answer_note,
        follow_up_note=r.follow_up_note,
        rater_answer=r.rater_answer,
    )


@router.get("/rectifications", response=list[RectificationOut], summary="差评整改（本人权限范围）")
def list_rectifications(request: HttpRequest, state: str = "") -> list:
    staff_of(request.user)
    return [_rect(r) for r in selectors.rectifications_for(request.user, state=state)[:200]]


class StepIn(Schema):
    note: str
    answer: str = Field("", description="follow_up only: satisfied, dissatisfied, unreachable")


@router.post(
    "/rectifications/{rectification_id}/{step}",
    response=RectificationOut,
    summary="整改步骤：verify 核实、rectify 整改、answer 反馈、follow_up 回访",
)
def rectification_step(
    request: HttpRequest, rectification_id: BoundedInt, step: str, data: StepIn
) -> RectificationOut:
    staff_of(request.user)
    rect = selectors.rectification_for(request.user, rectification_id)
    return _rect(services.advance(request.user, rect, step, note=data.note, answer=data.answer))


class ReasonIn(Schema):
    reason: str


@router.post("/ratings/{rating_id}/appeal", response={201: dict}, summary="对差评提出申诉（部门）")
def appeal(request: HttpRequest, rating_id: BoundedInt, data: ReasonIn) -> Status:
    staff_of(request.user)
    ev = selectors.rating_for(request.user, rating_id)
    filed = services.file_appeal(request.user, ev, data.reason)
    return Status(201, {"appeal": filed.pk, "decision": filed.decision})


class DecisionIn(Schema):
    upheld: bool
    note: str


@router.post("/appeals/{appeal_id}/decision", response=dict, summary="裁定申诉（监察人员）")
def decide(request: HttpRequest, appeal_id: BoundedInt, data: DecisionIn) -> dict:
    staff_of(request.user)
    found = selectors.appeal_for(request.user, appeal_id)
    done = services.decide_appeal(request.user, found, upheld=data.upheld, note=data.note)
    return {"appeal": done.pk, "decision": done.decision}


def _supervised(request: HttpRequest, region: str) -> str:
    code = regions.get_region(region).code
    require_scope(request.user, SUPERVISOR_ROLES, code)
    return code


@router.get("/satisfaction", response=dict, summary="好评率、差评率、整改率、回访率")
def satisfaction(
    request: HttpRequest,
    region: str,
    start: dt.date,
    end: dt.date,
    department: BoundedInt | None = None,
) -> dict:
    code = _supervised(request, region)
    figures = selectors.satisfaction(
        region_code=code, department_id=department, start=start, end=end
    )
    return figures.as_dict()


class RankOut(Schema):
    position: int
    key: str
    name: str
    ratings: int
    good_rate: float | None
    bad_rate: float | None
    rectification_rate: float | None
    flagged: bool = Field(description="in the bottom places this month and the month before")


@router.get("/ranking", response=list[RankOut], summary="月度排名（窗口、部门等）")
def ranking(
    request: HttpRequest, region: str, month: str = "", dimension: str = "by_window"
) -> list[RankOut]:
    code = _supervised(request, region)
    rows = selectors.ranking(region_code=code, month=selectors.month_of(month), dimension=dimension)
    return [
        RankOut(
            position=r.position,
            key=r.key,
            name=r.name,
            ratings=r.figures.ratings,
            good_rate=r.figures.good_rate,
            bad_rate=r.figures.bad_rate,
            rectification_rate=r.figures.rectification_rate,
            flagged=r.flagged,
        )
        for r in rows
    ]


@public_router.get("/public", response=list[dict], summary="评价公开：市及各县（市、区）")
def public_figures(request: HttpRequest, month: str = "") -> list[dict]:
    day = selectors.month_of(month) if month else None
    return [
        {"region": r.key, "name": r.name, **r.figures.as_dict()}
        for r in selectors.by_region(selectors.city_code(), day)
    ]
