"""The worker's log: Huey's lines come out once (its logger has the project's handler, so
run_huey adds none) and the sequencer's idle runs say nothing at INFO."""

import logging

from ninhaoban.ledger.logfilter import SEQUENCER_ID_PREFIX, QuietSequencer
from ninhaoban.ledger.tasks import sequence_every_few_seconds, sequence_task


def _record(level: int, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("huey", level, __file__, 1, msg, args, None)


def test_huey_logs_through_one_handler_of_ours():
    # (pytest adds its capturing handlers beside it)
    huey = logging.getLogger("huey")
    ours = [h for h in huey.handlers if any(isinstance(f, QuietSequencer) for f in h.filters)]
    assert len(ours) == 1 and not huey.propagate


def test_the_sequencers_routine_lines_are_dropped_and_everything_else_kept():
    quiet = QuietSequencer()
    routine = [
        _record(logging.INFO, "Executing %s", sequence_task.s()),
        _record(logging.INFO, "%s executed in %0.3fs", sequence_task.s(), 0.01),
        _record(logging.INFO, "Enqueueing periodic task %s.", sequence_every_few_seconds.s()),
        _record(logging.INFO, "Added task %s to schedule, eta %s", f"{SEQUENCER_ID_PREFIX}1", 0),
    ]
    assert not any(quiet.filter(r) for r in routine)
    other = _record(logging.INFO, "Executing %s", "ninhaoban.cases.tasks.escalate: 42")
    failed = _record(logging.ERROR, "Unhandled exception in task %s.", sequence_task.s())
    assert quiet.filter(other) and quiet.filter(failed)
