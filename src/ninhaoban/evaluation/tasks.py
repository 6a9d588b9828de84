"""Huey's periodic job: overdue rectifications go to their chiefs once a morning."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ninhaoban.evaluation.services import escalate


@db_periodic_task(crontab(minute="40", hour="7"))
def escalate_rectifications() -> int:
    return escalate()
