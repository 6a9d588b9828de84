"""Keeps the worker's log about work: the sequencer runs every few seconds, and Huey's own
INFO lines for it (scheduled, executing, executed) would bury everything else while nothing
happens. The sequencer logs what it integrated itself (ledger.tasks).

Imported by the LOGGING setting, before the apps are ready: no models here.
"""

import logging

# Every scheduled sequencer run gets an id that starts with this, since Huey's "added to
# schedule" line names a task by its id alone.
SEQUENCER_ID_PREFIX = "ledger-sequencer-"
# The rollups' outbox (supervision.tasks) is drained as often and is kept as quiet.
SEQUENCER_TASKS = frozenset(
    {"sequence_task", "sequence_every_few_seconds", "drain_task", "drain_every_few_seconds"}
)


def _is_sequencer(arg: object) -> bool:
    if getattr(arg, "name", None) in SEQUENCER_TASKS:
        return True
    return str(getattr(arg, "id", arg)).startswith(SEQUENCER_ID_PREFIX)


class QuietSequencer(logging.Filter):
    """Drops Huey's INFO (and lower) lines about the sequencer's runs; warnings and errors
    about them still pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        return not any(_is_sequencer(arg) for arg in args)
