"""Huey's periodic jobs: the evening's SMS reminders for the next working day's bookings,
and bookings whose half hour passed without a number marked 已过时."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ninhaoban.appointments import services
from ninhaoban.core import workdays


@db_periodic_task(crontab(minute="0", hour="18"))
def remind_tomorrow() -> int:
    return services.send_reminders(workdays.add_working_days(timezone.localdate(), 1))


@db_periodic_task(crontab(minute="*/30", hour="8-19"))
def mark_missed() -> int:
    return services.mark_missed()
