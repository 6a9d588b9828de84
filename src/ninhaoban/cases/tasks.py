"""Huey's periodic jobs: the escalation scan every half hour of the working day, and
forgetting held files past their time every hour."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ninhaoban.cases.services import held
from ninhaoban.cases.services.escalation import ScanResult, scan


@db_periodic_task(crontab(minute="*/30", hour="7-19"))
def escalate() -> ScanResult:
    return scan()


@db_periodic_task(crontab(minute="15"))
def purge_held_uploads() -> int:
    return held.purge_expired()
