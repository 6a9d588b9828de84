"""`ninhaoban cases stats [--json]` and `ninhaoban cases escalate`."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ninhaoban.cases import selectors
from ninhaoban.cases.models import Status
from ninhaoban.cases.services.escalation import scan
from ninhaoban.core.errors import DomainError


class Command(BaseCommand):
    help = "Cases: statistics and the escalation scan. 办件统计与预警。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        stats = sub.add_parser("stats", help="count per status, warning and overdue counts")
        stats.add_argument("--json", action="store_true", help="print JSON")
        sub.add_parser("escalate", help="run the escalation scan now (第32条, warning, overdue)")

    def handle(self, *args, **options) -> None:
        try:
            if options["action"] == "escalate":
                self.stdout.write(json.dumps(scan().as_dict()))
                return
            stats = selectors.stats()
        except DomainError as exc:
            raise CommandError(f"{exc.message_zh}\n{exc.message_en}") from None
        if options["json"]:
            self.stdout.write(json.dumps(stats, ensure_ascii=False))
            return
        for status, n in stats["by_status"].items():
            self.stdout.write(f"{status:12} {Status(status).label:8} {n}")
        self.stdout.write(f"{'warning':12} {'预警':8} {stats['warning']}")
        self.stdout.write(f"{'overdue':12} {'超期':8} {stats['overdue']}")
