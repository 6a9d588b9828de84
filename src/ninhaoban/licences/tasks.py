"""Huey's periodic job: licences whose validity ended yesterday become 失效 each night."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ninhaoban.licences.services import expire_due_licences


@db_periodic_task(crontab(minute="10", hour="1"))
def expire_licences() -> int:
    return expire_due_licences()
