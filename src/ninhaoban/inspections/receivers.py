"""What inspections does when cases tell it something (docs/contracts.md)."""

from typing import Any

from django.dispatch import receiver

from ninhaoban.cases.signals import calendar_recomputed
from ninhaoban.core.workdays import WorkdayCalendar
from ninhaoban.inspections import services


@receiver(calendar_recomputed, dispatch_uid="inspections.move_deadlines")
def move_deadlines(
    sender: Any, *, run: Any, old: WorkdayCalendar, new: WorkdayCalendar, **_: Any
) -> None:
    """Result publication and complaint deadlines keep their working days, in the run's
    transaction."""
    services.move_deadlines(run.anchor, old, new)
