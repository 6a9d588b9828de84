from typing import Any

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "ninhaoban.supervision"
    verbose_name = "一张网考评 Oversight"

    def ready(self) -> None:
        from ninhaoban.cases.signals import case_events_logged

        case_events_logged.connect(_events_logged, dispatch_uid="supervision.rollups")


def _events_logged(sender: Any, events: list, **kwargs: Any) -> None:
    """Inside the transition's transaction: the rollups, or the events queued for them,
    commit or roll back with it."""
    from django.conf import settings

    from ninhaoban.supervision.services import on_events, queue_events

    if settings.NHB_ROLLUPS_INLINE:
        on_events(events)
    else:
        queue_events(events)
