"""Huey tasks: the rollups' outbox folded every few seconds.

As the ledger's sequencer, the minute's periodic task schedules a drain at
NHB_LEDGER_INTERVAL-second offsets within the minute; drains take a lock, so overlapping
runs wait for each other and fold nothing twice.
"""

import uuid

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from ninhaoban.ledger.logfilter import SEQUENCER_ID_PREFIX
from ninhaoban.supervision.services import drain


@db_task()
def drain_task() -> int:
    return drain()


@db_periodic_task(crontab())
def drain_every_few_seconds() -> None:
    for delay in range(0, 60, max(1, settings.NHB_LEDGER_INTERVAL)):
        drain_task.schedule(delay=delay, id=f"{SEQUENCER_ID_PREFIX}{uuid.uuid4()}")
