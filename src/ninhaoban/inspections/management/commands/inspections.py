"""`ninhaoban inspections verify PLAN|--all`: recompute published draws from public data;
`ninhaoban inspections bundle PLAN`: print a plan's public bundle (for the offline verifier);
`ninhaoban inspections import-objects FILE.xlsx`: 检查对象名录 from a workbook."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ninhaoban.core.errors import DomainError
from ninhaoban.inspections import selectors, services


class Command(BaseCommand):
    help = "双随机一公开: verify draws, print a draw's public bundle, import objects."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ver = sub.add_parser("verify", help="recompute a plan's draw (or every drawn plan's)")
        ver.add_argument("plan", nargs="?", help="the plan's code")
        ver.add_argument("--all", action="store_true", help="every drawn plan")
        bun = sub.add_parser("bundle", help="print the public bundle of a drawn plan (JSON)")
        bun.add_argument("plan")
        imp = sub.add_parser("import-objects", help="columns 统一社会信用代码, 行业 (header row)")
        imp.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as exc:
            raise CommandError(str(exc)) from None

    def _verify(self, options: dict[str, Any]) -> None:
        if options["all"] == bool(options["plan"]):
            raise CommandError("give a plan's code or --all 请指定计划编号或 --all")
        plans = (
            list(selectors.drawn_plans())
            if options["all"]
            else [selectors.public_plan(options["plan"])]
        )
        failed = []
        for plan in plans:
            result = selectors.verify_plan(plan)
            if result.matches:
                self.stdout.write(f"{plan.code} MATCH 抽取结果一致")
                for line in result.checks:
                    self.stdout.write(f"  OK {line}")
            else:
                failed.append(plan.code)
                self.stdout.write(f"{plan.code} MISMATCH 抽取结果不一致: {result.problem}")
        if failed:
            raise CommandError(f"{len(failed)} of {len(plans)} draws do not verify: {failed}")
        self.stdout.write(f"{len(plans)} draws verified 已复核")

    def _bundle(self, options: dict[str, Any]) -> None:
        data = selectors.bundle(selectors.public_plan(options["plan"]))
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))

    def _import_objects(self, options: dict[str, Any]) -> None:
        try:
            raw = Path(options["file"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from None
        count = services.import_objects_xlsx(raw, actor="system")
        self.stdout.write(f"imported {count} objects 已导入{count}户")
