"""`ninhaoban evaluation stats [--json] [--month YYYY-MM]`, `ninhaoban evaluation escalate`
and `ninhaoban evaluation rebuild` (recount the tallies from the ratings)."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ninhaoban.core.errors import DomainError
from ninhaoban.evaluation import selectors, services


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.2f}%"


class Command(BaseCommand):
    help = "好差评: figures per region and department, escalation, tally rebuild."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        stats = sub.add_parser("stats", help="好评率 and 差评整改率 per region and department")
        stats.add_argument("--json", action="store_true", help="print JSON")
        stats.add_argument("--month", default="", help="one month (YYYY-MM); default: all")
        sub.add_parser("escalate", help="send overdue rectifications to their chiefs now")
        sub.add_parser("rebuild", help="recount every tally from the ratings")

    def handle(self, *args, **options) -> None:
        try:
            if options["action"] == "escalate":
                self.stdout.write(json.dumps({"escalated": services.escalate()}))
                return
            if options["action"] == "rebuild":
                self.stdout.write(json.dumps({"ratings": services.rebuild_tallies()}))
                return
            month = selectors.month_of(options["month"]) if options["month"] else None
            city = selectors.city_code()
            regions = selectors.by_region(city, month)
            departments = selectors.by_department(city, month)
        except DomainError as exc:
            raise CommandError(f"{exc.message_zh}\n{exc.message_en}") from None
        if options["json"]:
            out = {
                "month": month.isoformat()[:7] if month else None,
                "regions": [
                    {"code": r.key, "name": r.name, **r.figures.as_dict()} for r in regions
                ],
                "departments": [
                    {"id": int(r.key), "name": r.name, **r.figures.as_dict()} for r in departments
                ],
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        self.stdout.write("区划 / region            评价数  好评率   差评整改率")
        for row in regions + departments:
            f = row.figures
            self.stdout.write(
                f"{row.name:20} {f.ratings:6}  {_pct(f.good_rate):8} {_pct(f.rectification_rate)}"
            )
