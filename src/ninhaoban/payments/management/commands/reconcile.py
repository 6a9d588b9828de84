"""`ninhaoban reconcile [--day YYYY-MM-DD] [--provider wechat]`: 对账 of a day (yesterday by
default) for each provider; prints every mismatch and exits 1 when there is one."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ninhaoban.core.errors import DomainError
from ninhaoban.payments.models import ProviderCode
from ninhaoban.payments.services import reconcile


class Command(BaseCommand):
    help = "Reconcile a day's payments against the providers' statements. 对账。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", type=dt.date.fromisoformat)
        parser.add_argument("--provider", choices=ProviderCode.values, action="append")

    def handle(self, *args, **options) -> None:
        day = options["day"] or timezone.localdate() - dt.timedelta(days=1)
        found = 0
        for code in options["provider"] or ProviderCode.values:
            try:
                run = reconcile(code, day, actor="system")
            except DomainError as exc:
                raise CommandError(f"{code}: {exc}") from exc
            self.stdout.write(
                f"{code} {day}: {run.matched} matched, {len(run.mismatches)} mismatches"
            )
            for row in run.mismatches:
                self.stdout.write(
                    f"  {row['kind']} {row['order_no']} ours={row['ours']} theirs={row['theirs']}"
                )
            found += len(run.mismatches)
        if found:
            raise SystemExit(1)
