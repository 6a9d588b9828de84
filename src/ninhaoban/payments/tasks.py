"""Huey's periodic jobs: unpaid orders past their time close every few minutes (a paying one
is asked about first), and paid 社保 contributions 人社 has not taken yet are reported
again; 对账 of yesterday runs each morning."""

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ninhaoban.core.errors import DomainError
from ninhaoban.payments.models import ProviderCode
from ninhaoban.payments.services import close_expired, reconcile, report_contributions


@db_periodic_task(crontab(minute="*/5"))
def close_expired_orders() -> int:
    return close_expired()


@db_periodic_task(crontab(minute="*/5"))
def report_contributions_to_hrss() -> int:
    return report_contributions()


@db_periodic_task(crontab(minute="30", hour="6"))
def reconcile_yesterday() -> int:
    day = timezone.localdate() - dt.timedelta(days=1)
    found = 0
    for code in ProviderCode.values:
        try:
            found += len(reconcile(code, day, actor="system").mismatches)
        except DomainError:
            continue  # the platform is down: the next morning's run or a clerk retries it
    return found
