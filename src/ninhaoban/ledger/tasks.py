"""Huey tasks: the sequencer on demand, and every few seconds.

Huey's periodic tasks fire once a minute, so the minute task schedules the sequencer at
NHB_LEDGER_INTERVAL-second offsets within that minute instead of holding a worker in a loop;
the database lock makes overlapping runs harmless. Huey's own lines about these runs are
filtered out (ledger.logfilter); a run that integrated entries says so here.
"""

import logging
import uuid

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from ninhaoban.ledger import services
from ninhaoban.ledger.logfilter import SEQUENCER_ID_PREFIX

log = logging.getLogger("ninhaoban.ledger")


@db_task()
def sequence_task() -> int:
    added = services.sequence()
    if added:
        log.info("sequencer integrated entries: %d", added)
    return added


@db_periodic_task(crontab())
def sequence_every_few_seconds() -> None:
    for delay in range(0, 60, max(1, settings.NHB_LEDGER_INTERVAL)):
        sequence_task.schedule(delay=delay, id=f"{SEQUENCER_ID_PREFIX}{uuid.uuid4()}")
