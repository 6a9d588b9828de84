"""What cases tell the apps above them, which cases may not import (docs/contracts.md).

Both are sent inside the transaction of the change, so a receiver's writes (a rollup, a
rectification's moved deadline) commit or roll back with it.
"""

from django.dispatch import Signal

# events: list[CaseEvent], just saved (each with its case, status and due date as they now are)
case_events_logged = Signal()

# run: DueDateRecompute, old and new: WorkdayCalendar; sent once, when the run finishes, so an app
# that stores working-day deadlines of its own moves them with `recalendar.moved_due(old, new, due)`
calendar_recomputed = Signal()
