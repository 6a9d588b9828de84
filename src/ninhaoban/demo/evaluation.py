"""Demo 好差评: ratings of the demo's closed cases from every channel (mostly good), window
评价器 ratings over two months (so the ranking has a window at the bottom twice), hotline,
意见箱 and 留言本 entries, a small 第三方测评 survey, and six 差评 whose rectifications
stand in every state, one of them taken out by an upheld appeal.

All through the services, on past days (`clock.frozen`), so tallies, ledger and clocks are
genuine. Safe to run again: nothing is added once demo ratings exist.
"""

import datetime as dt
import io

from django.contrib.auth.models import User
from openpyxl import Workbook

from ninhaoban.cases import clock
from ninhaoban.cases.models import Case, Status
from ninhaoban.core import workdays
from ninhaoban.evaluation import services
from ninhaoban.evaluation.models import Channel, Evaluation, Rectification, WindowPad
from ninhaoban.evaluation.services import Rating
from ninhaoban.kiosk.models import Kiosk
from ninhaoban.kiosk.services import issue_enrolment_code, register_kiosk
from ninhaoban.regions.models import Department, Region, Window

CHONGYANG = "421223000000"
PAD = "CY-PJQ-01"
# the bad ratings and how far each rectification gets (the last one is appealed)
BAD = [
    ("unverified", 2, ["efficiency"], "等了一个多小时才叫到号"),
    ("verified", 1, ["attitude"], "窗口人员态度生硬，不愿解释"),
    ("rectified", 2, ["materials"], "要求重复提交营业执照复印件"),
    ("answered", 2, ["process"], "需要跑两个窗口才办完"),
    ("followed_up", 1, ["efficiency"], "承诺时限内没有办结"),
    ("voided", 1, ["attitude"], "（与录像不符）"),
]
STEPS = [
    ("verify", "调取窗口录像，情况属实", ""),
    ("rectify", "对窗口人员批评教育，增设导办员，材料改为共享获取", ""),
    ("answer", "已电话告知评价人整改情况", ""),
    ("follow_up", "回访评价人，对整改表示满意", "satisfied"),
]
REACHED = {"unverified": 0, "verified": 1, "rectified": 2, "answered": 3, "followed_up": 4}


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _pad() -> Window | None:
    """The first window of 崇阳县's hall, with a terminal enrolled as its 评价器."""
    window = Window.objects.filter(hall__region_id=CHONGYANG).order_by("pk").first()
    if window is None:
        return None
    if not Kiosk.objects.filter(code=PAD).exists():
        register_kiosk(
            code=PAD, hall=window.hall, name=f"{window.number}号窗口评价器", actor="demo"
        )
    services.bind_pad(_user("admin"), PAD, window)
    return window


def _windows(today: dt.date) -> int:
    """评价器 ratings at four 崇阳县 windows last month and this month: the fourth is the
    worst both months, so the ranking flags it."""
    windows = list(Window.objects.filter(hall__region_id=CHONGYANG).order_by("pk")[:4])
    clerk = _user("clerk.chongyang")
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=10)
    made = 0
    for number, window in enumerate(windows):
        code = PAD if number == 0 else f"{PAD}-{number}"
        if number and not WindowPad.objects.filter(terminal=code).exists():
            services.bind_pad(_user("admin"), code, window)
        services.take_window(clerk, window)
        for day, levels in (
            (last_month, [5, 5, 4, 3]),
            (today.replace(day=1), [5, 4, 5, 3]),
            (today, [5, 5, 4, 2]),
        ):
            with clock.frozen(day):
                services.rate_at_window(code, Rating.of(levels[number], ["attitude"]))
                made += 1
    return made


def _bad(cases: list[Case], today: dt.date) -> int:
    approver = _user("approver.chongyang.market")
    made = 0
    for (state, level, reasons, comment), case in zip(BAD, cases, strict=False):
        day = case.closed_on or today
        with clock.frozen(day):
            ev = services.rate_case(
                case, case.applicant, Rating.of(level, reasons, comment), channel=Channel.WEBSITE
            )
        made += 1
        rect = Rectification.objects.get(evaluation=ev)
        for step, note, answer in STEPS[: REACHED.get(state, 0)]:
            user = _staff_of(case, approver)
            with clock.frozen(min(today, workdays.add_working_days(day, 1))):
                services.advance(user, rect, step, note=note, answer=answer)
        if state == "voided":
            appeal = services.file_appeal(_chief_of(case), ev, "评价所述与窗口录像不符，系误评")
            services.decide_appeal(
                _user("supervisor"), appeal, upheld=True, note="经调取录像核实，评价与事实不符"
            )
    return made


def _staff_of(case: Case, fallback: User) -> User:
    """An approver of the case's department (谁办理、谁负责)."""
    grant = (
        case.department.staffrole_set.filter(role="approver").select_related("staff__user").first()
        if case.department
        else None
    )
    return grant.staff.user if grant else fallback


def _chief_of(case: Case) -> User:
    grant = (
        case.department.staffrole_set.filter(role="chief").select_related("staff__user").first()
        if case.department
        else None
    )
    return grant.staff.user if grant else _user("chief.chongyang.market")


def _survey(today: dt.date) -> int:
    market = Department.objects.filter(region_id=CHONGYANG, dept_type="market").first()
    book = Workbook()
    sheet = book.active
    sheet.append(services.SURVEY_HEADER)
    for n, level in enumerate([5, 5, 4, 5, 3, 4, 5, 2, 5, 4]):
        day = today - dt.timedelta(days=n)
        sheet.append([day.isoformat(), CHONGYANG, market.uscc if market else "", level, "", ""])
    data = io.BytesIO()
    book.save(data)
    return services.import_survey(_user("supervisor"), data.getvalue())


def seed() -> str:
    if Evaluation.objects.exists():
        return "evaluation: demo ratings already present"
    today = clock.today()
    # the form is sealed: its "demo" mark is read in Python, not matched in SQL
    closed = [
        case
        for case in Case.objects.filter(status=Status.CLOSED, parent__isnull=True)
        .select_related("applicant", "department", "region")
        .order_by("pk")
        if case.form.get("demo")
    ]
    # the 差评 fall on cases of departments that have staff to work them
    staffed = [c for c in closed if c.department and c.department.staffrole_set.exists()]
    bad = _bad(staffed[: len(BAD)], today)
    good = 0
    channels = [Channel.WEBSITE, Channel.SMS, Channel.KIOSK]
    for n, case in enumerate(c for c in closed if c not in staffed[: len(BAD)]):
        with clock.frozen(case.closed_on or today):
            services.rate_case(
                case,
                case.applicant,
                Rating.of([5, 5, 4, 5, 3][n % 5], [["attitude", "efficiency"], ["process"]][n % 2]),
                channel=channels[n % 3],
            )
        good += 1
    window = _pad()
    pads = _windows(today) if window is not None else 0
    clerk = _user("clerk.chongyang")
    county = Region.objects.get(code=CHONGYANG)
    entries = [
        (Channel.HOTLINE, 4, "12345来电：对不动产登记办理速度表示满意"),
        (Channel.MAILBOX, 5, "意见箱：大厅引导员很热情"),
        (Channel.GUESTBOOK, 3, "留言本：希望增加停车位"),
    ]
    for channel, level, text in entries:
        services.enter_item(
            clerk, channel=channel, rating=Rating.of(level, [], text), region=county
        )
    surveyed = _survey(today)
    kiosk = Kiosk.objects.filter(hall__region_id=CHONGYANG, active=True).exclude(code=PAD).first()
    lines = [
        f"evaluation: {bad} 差评 with rectifications in every state, {good} case ratings, "
        f"{pads} window-pad ratings, {len(entries)} staff entries, {surveyed} survey rows"
        + (f", kiosk {kiosk.code}" if kiosk else "")
    ]
    pad = Kiosk.objects.filter(code=PAD, device_hash="").first()
    if pad is not None:
        code, _ = issue_enrolment_code(pad, actor="demo", minutes=24 * 60)
        lines.append(f"  /kiosk/{PAD}/enrol/ 评价器安装码 enrolment code {code} (24 h)")
    return "\n".join(lines)
