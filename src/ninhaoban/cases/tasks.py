"""Huey's periodic job: the escalation scan every half hour of the working day."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ninhaoban.cases.services.escalation import ScanResult, scan


@db_periodic_task(crontab(minute="*/30", hour="7-19"))
def escalate() -> ScanResult:
    return scan()
