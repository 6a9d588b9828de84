"""`ninhaoban supervision rebuild`, `ninhaoban supervision drain` and `ninhaoban supervision
stats [--json] [--region CODE] [--department ID] [--from D --to D]`."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ninhaoban.core.errors import DomainError
from ninhaoban.supervision import selectors, services


class Command(BaseCommand):
    help = "一张网考评: rebuild the rollups from the cases' history, or print the indicators."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rebuild", help="recompute every fact and rollup from the history")
        sub.add_parser("drain", help="fold the queued case events into the rollups now")
        stats = sub.add_parser("stats", help="the indicators of a region and period")
        stats.add_argument("--json", action="store_true", help="print JSON")
        stats.add_argument("--region", default="", help="region code (default: the city)")
        stats.add_argument("--department", default="", help="department id")
        stats.add_argument("--from", dest="start", default="", help="YYYY-MM-DD")
        stats.add_argument("--to", dest="end", default="", help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "rebuild":
                self.stdout.write(json.dumps(services.rebuild()))
                return
            if options["action"] == "drain":
                self.stdout.write(json.dumps({"folded": services.drain()}))
                return
            scope = selectors.scope_of(
                options["region"], options["department"], options["start"], options["end"]
            )
            found = selectors.figures(scope)
        except DomainError as exc:
            raise CommandError(f"{exc.message_zh}\n{exc.message_en}") from None
        if options["json"]:
            body = {"scope": scope.as_dict(), "figures": [f.as_dict() for f in found]}
            self.stdout.write(json.dumps(body, ensure_ascii=False))
            return
        for f in found:
            value = "暂无数据" if f.value is None else f"{f.value}{f.unit}"
            self.stdout.write(f"{f.label:14} {value}")
