"""`ninhaoban workdays add DATE N` and `ninhaoban workdays between A B`."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ninhaoban.core import workdays
from ninhaoban.core.errors import DomainError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"日期格式应为YYYY-MM-DD：{text} / expected an ISO date: {text}"
        ) from None


class Command(BaseCommand):
    help = "Working-day arithmetic over the stored calendar. 工作日计算。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="the N-th working day strictly after DATE")
        add.add_argument("date")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help="working days x with A < x <= B")
        between.add_argument("a")
        between.add_argument("b")

    def handle(self, *args, **options) -> None:
        try:
            if options["action"] == "add":
                result = workdays.add_working_days(_date(options["date"]), options["n"])
                self.stdout.write(result.isoformat())
            else:
                count = workdays.working_days_between(_date(options["a"]), _date(options["b"]))
                self.stdout.write(str(count))
        except DomainError as exc:
            raise CommandError(f"{exc.message_zh}\n{exc.message_en}") from None
