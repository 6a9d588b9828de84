"""The periodic escalation: 第32条 auto-acceptance, then yellow and red marks and the notices
to the departments' approvers and chiefs.

The marks are found by range scans on the partial index over open cases' due dates and set
with one UPDATE per colour; only cases whose colour changes are touched, so a run over a
million open cases costs what the day's new warnings cost. Staff get one notice per
department and run, not one per case.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from ninhaoban.accounts.models import Role, StaffRole
from ninhaoban.accounts.notify import notify
from ninhaoban.cases import clock
from ninhaoban.cases.clock import Alert
from ninhaoban.cases.models import TIMED_STATUSES, Case, Status
from ninhaoban.cases.services.transitions import auto_accept
from ninhaoban.ledger.services import record
from ninhaoban.regions.models import Department


@dataclass(frozen=True)
class ScanResult:
    auto_accepted: int
    warnings: int
    overdue: int

    def as_dict(self) -> dict[str, int]:
        return {
            "auto_accepted": self.auto_accepted,
            "warnings": self.warnings,
            "overdue": self.overdue,
        }


def auto_accept_due() -> int:
    """第32条 for every case received more than 5 working days ago and still untouched."""
    late = Case.objects.filter(
        status=Status.SUBMITTED, parent__isnull=True, due_date__lt=clock.today()
    )
    return sum(auto_accept(case) is not None for case in late.only("pk").iterator())


def _mark(rows, alert: Alert) -> Counter:
    """Count the newly coloured cases per department, then colour them: two range scans of
    the partial index, no list of ids carried through Python."""
    per_department = Counter(
        dict(rows.values_list("department_id").annotate(n=Count("pk")).order_by())
    )
    rows.update(alert=alert)
    per_department.pop(None, None)
    return per_department


def _tell_staff(warnings: Counter, overdue: Counter) -> None:
    departments = Department.objects.in_bulk(set(warnings) | set(overdue))
    grants = StaffRole.objects.filter(
        role__in=(Role.APPROVER, Role.CHIEF), department_id__in=list(departments)
    ).select_related("staff")
    for grant in grants:
        yellow, red = warnings[grant.department_id], overdue[grant.department_id]
        text = (
            f"【您好办】{departments[grant.department_id].name}："
            f"{yellow}件办件即将到期（预警），{red}件办件已超期，请及时办理。"
        )
        phone = grant.staff.phone
        transaction.on_commit(
            lambda phone=phone, text=text: notify(phone=phone, subject="办件预警", text=text)
        )


def scan() -> ScanResult:
    accepted = auto_accept_due()
    today = clock.today()
    with transaction.atomic():
        timed = Case.objects.filter(status__in=TIMED_STATUSES)
        red = _mark(timed.filter(due_date__lt=today).exclude(alert=Alert.OVERDUE), Alert.OVERDUE)
        yellow = _mark(
            timed.filter(
                due_date__gte=today, due_date__lt=clock.warning_before(today), alert=Alert.NONE
            ),
            Alert.WARNING,
        )
        result = ScanResult(accepted, sum(yellow.values()), sum(red.values()))
        _tell_staff(yellow, red)
        record("case.escalation", f"cases:{today.isoformat()}", "system", result.as_dict())
    return result
