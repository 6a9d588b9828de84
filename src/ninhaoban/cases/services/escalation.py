"""The periodic escalation: 第32条 auto-acceptance, then the day's new yellow and red cases
told to their departments' approvers and chiefs.

A case's colour is a function of its `due_date` and today, never a stored flag, so nothing
per case is written here and nothing can go stale. What is new since the previous run's day
is two due-date ranges (cases whose deadline passed since then; cases that entered the
warning window since then), counted per department on the partial index over open cases'
due dates: a run over a million open cases costs what the day's changes cost. Staff get
one notice per department and day; the run itself is recorded and entered in the ledger.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet

from ninhaoban.accounts import selectors as accounts
from ninhaoban.accounts.models import Role
from ninhaoban.accounts.notify import notify
from ninhaoban.cases import clock
from ninhaoban.cases.models import TIMED_STATUSES, Case, EscalationRun, Status
from ninhaoban.cases.services.transitions import auto_accept
from ninhaoban.ledger.services import record
from ninhaoban.regions import selectors as regions


@dataclass(frozen=True)
class ScanResult:
    auto_accepted: int
    new_warnings: int
    new_overdue: int

    def as_dict(self) -> dict[str, int]:
        return {
            "auto_accepted": self.auto_accepted,
            "new_warnings": self.new_warnings,
            "new_overdue": self.new_overdue,
        }


def auto_accept_due() -> int:
    """第32条 for every case received more than 5 working days ago and still untouched."""
    late = Case.objects.filter(
        status=Status.SUBMITTED, parent__isnull=True, due_date__lt=clock.today()
    )
    return sum(auto_accept(case) is not None for case in late.only("pk").iterator())


def _per_department(rows: QuerySet[Case]) -> Counter:
    found = Counter(dict(rows.values_list("department_id").annotate(n=Count("pk")).order_by()))
    found.pop(None, None)
    return found


def _tell_staff(warnings: Counter, overdue: Counter) -> None:
    departments = regions.departments_by_id(set(warnings) | set(overdue))
    grants = list(accounts.grants_in_departments(departments, (Role.APPROVER, Role.CHIEF)))
    for department in departments.values():
        yellow, red = warnings[department.pk], overdue[department.pk]
        text = (
            f"【您好办】{department.name}：今日新增{yellow}件办件即将到期"
            f"（预警），{red}件办件超期，请登录工作台按到期日办理。"
        )
        for grant in grants:
            if grant.department_id != department.pk:
                continue
            phone, email = grant.staff.phone, grant.staff.user.email
            transaction.on_commit(
                partial(notify, phone=phone, email=email, subject="办件预警", text=text)
            )


def _since(today: dt.date) -> dt.date | None:
    previous = EscalationRun.objects.filter(day__lt=today).order_by("-day").first()
    return previous.day if previous else None


def scan() -> ScanResult:
    """Run every half hour; the first run of a day tells the departments, later ones only
    apply 第32条 to what turned due in between."""
    accepted = auto_accept_due()
    today = clock.today()
    if EscalationRun.objects.filter(day=today).exists():
        if accepted:
            EscalationRun.objects.filter(day=today).update(
                auto_accepted=F("auto_accepted") + accepted
            )
        return ScanResult(accepted, 0, 0)
    since = _since(today)
    timed = Case.objects.filter(status__in=TIMED_STATUSES)
    red_rows = timed.filter(due_date__lt=today)
    yellow_rows = timed.filter(due_date__gte=today, due_date__lt=clock.warning_before(today))
    if since is not None:
        red_rows = red_rows.filter(due_date__gte=since)
        yellow_rows = yellow_rows.filter(due_date__gte=clock.warning_before(since))
    red, yellow = _per_department(red_rows), _per_department(yellow_rows)
    result = ScanResult(accepted, sum(yellow.values()), sum(red.values()))
    try:
        with transaction.atomic():
            EscalationRun.objects.create(
                day=today,
                new_warnings=result.new_warnings,
                new_overdue=result.new_overdue,
                auto_accepted=accepted,
            )
            _tell_staff(yellow, red)
            record("case.escalation", f"cases:{today.isoformat()}", "system", result.as_dict())
    except IntegrityError:  # another worker ran today's escalation at the same moment
        return ScanResult(accepted, 0, 0)
    return result
