"""`ninhaoban workdays add|between|status|import-notice|set-day|recompute`."""

import datetime as dt
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ninhaoban.cases import notes
from ninhaoban.core import workdays
from ninhaoban.core.errors import DomainError
from ninhaoban.core.holiday_notice import parse_notice
from ninhaoban.regions import services
from ninhaoban.regions.selectors import YEAR_STATE_LABELS, calendar_warning, year_states

CLI_ACTOR = "cli"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"日期格式应为YYYY-MM-DD：{text} / expected an ISO date: {text}"
        ) from None


def _shown(day: dt.date) -> str:
    return (
        f"{day.isoformat()} 预计/provisional" if workdays.is_provisional(day) else day.isoformat()
    )


class Command(BaseCommand):
    help = "Working-day arithmetic and the holiday schedule. 工作日计算与节假日安排。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="the N-th working day strictly after DATE")
        add.add_argument("date")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help="working days x with A < x <= B")
        between.add_argument("a")
        between.add_argument("b")
        sub.add_parser("status", help="which years are official, provisional or missing")
        notice = sub.add_parser(
            "import-notice",
            help="import the State Council's holiday notice (its text, as published)",
        )
        notice.add_argument("file", help="the notice's text, UTF-8; - for standard input")
        notice.add_argument("--year", type=int, help="when the title does not name it")
        notice.add_argument("--dry-run", action="store_true", help="show the difference only")
        notice.add_argument("--json", action="store_true", help="print the parsed schedule")
        notice.add_argument("--replace", action="store_true", help="replace an official year")
        day = sub.add_parser("set-day", help="make one date a working day or a day off")
        day.add_argument("date")
        group = day.add_mutually_exclusive_group(required=True)
        group.add_argument("--working", action="store_true")
        group.add_argument("--off", action="store_true")
        day.add_argument("--reason", required=True)
        sub.add_parser("recompute", help="finish moving due dates after a calendar change")

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as exc:
            raise CommandError(f"{exc.message_zh}\n{exc.message_en}") from None

    def _add(self, options: dict) -> None:
        self.stdout.write(_shown(workdays.add_working_days(_date(options["date"]), options["n"])))

    def _between(self, options: dict) -> None:
        count = workdays.working_days_between(_date(options["a"]), _date(options["b"]))
        self.stdout.write(str(count))

    def _status(self, options: dict) -> None:
        today = timezone.localdate()
        states = year_states(range(today.year - 1, today.year + 4))
        for year, state in states.items():
            zh, en = YEAR_STATE_LABELS[state]
            self.stdout.write(f"{year}  {state:<11}  {zh} / {en}")
        warn = calendar_warning(today)
        if warn is not None:
            self.stdout.write(
                f"请尽快导入{warn}年的节假日安排通知 / import the {warn} holiday notice soon"
            )

    def _import_notice(self, options: dict) -> None:
        from ninhaoban.cases.services.recalendar import change_calendar, run_recompute

        source = options["file"]
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取{source} / cannot read {source}: {exc}") from None
        notice = parse_notice(text, options["year"])
        if options["json"]:
            self.stdout.write(json.dumps(notice.as_json(), ensure_ascii=False))
        kwargs = {"actor": CLI_ACTOR, "text": text, "replace": options["replace"]}
        if options["dry_run"]:
            change = services.import_notice(notice, dry_run=True, **kwargs)
            self._changes(change)
            return
        change, run = change_calendar(
            lambda: services.import_notice(notice, **kwargs),
            reason=notes.write(notes.CALENDAR_NOTICE, year=notice.year),
            actor=CLI_ACTOR,
        )
        self._changes(change)
        if run is not None:
            self._report(run_recompute(run))

    def _set_day(self, options: dict) -> None:
        from ninhaoban.cases.services.recalendar import change_calendar, run_recompute

        day, reason = _date(options["date"]), options["reason"]
        change, run = change_calendar(
            lambda: services.set_day(
                day, working=options["working"], reason=reason, actor=CLI_ACTOR
            ),
            reason=notes.write(
                notes.CALENDAR_WORKDAY if options["working"] else notes.CALENDAR_RESTDAY,
                day=day,
                reason=reason,
            ),
            actor=CLI_ACTOR,
        )
        self._changes(change)
        if run is not None:
            self._report(run_recompute(run))

    def _recompute(self, options: dict) -> None:
        from ninhaoban.cases.services.recalendar import run_recompute, unfinished

        runs = unfinished()
        if not runs:
            self.stdout.write("没有未完成的重算 / nothing to resume")
        for run in runs:
            self._report(run_recompute(run))

    def _changes(self, change: services.CalendarChange) -> None:
        verb = "已变更" if change.stored else "将变更"
        verb_en = "changed" if change.stored else "would change"
        moving = [c for c in change.changes if c.moves_deadlines]
        self.stdout.write(
            f"{verb}{len(change.changes)}天，其中{len(moving)}天的工作日属性不同 / "
            f"{verb_en} {len(change.changes)} days, {len(moving)} of them working ↔ off"
        )
        for c in moving:
            was = "工作日" if c.before.is_working else "休息日"
            now = "工作日" if c.after.is_working else "休息日"
            self.stdout.write(f"  {c.after.date}  {was} → {now}  {c.after.note}")

    def _report(self, run) -> None:
        self.stdout.write(
            f"办理期限已重算：{len(run.items)}件受影响，{len(run.moved)}件期限变动 / "
            f"due dates recomputed: {len(run.items)} affected, {len(run.moved)} moved"
        )
        for case_no, old, new in run.moved:
            self.stdout.write(f"  {case_no}  {old} → {new}")
