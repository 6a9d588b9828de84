"""`ninhaoban catalog stats|audit|export FILE|import FILE`: the catalog from the shell.

The file format follows the extension (.json or .xlsx). An import is all or nothing: on
any problem nothing is written and every problem is printed with its sheet, row and field.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ninhaoban.catalog import audit, stats, transfer
from ninhaoban.catalog.services import CatalogRejected
from ninhaoban.core.errors import DomainError


class Command(BaseCommand):
    help = "事项目录：统计、同事同标核查、导出、导入 / catalog stats, audit, export, import"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("stats", "audit"):
            p = sub.add_parser(name)
            p.add_argument("--json", action="store_true", help="print JSON")
            p.add_argument("--region", default="", help="region code to limit the report to")
        sub.add_parser("export").add_argument("file", help="FILE.json or FILE.xlsx")
        p = sub.add_parser("import")
        p.add_argument("file", help="FILE.json or FILE.xlsx")
        p.add_argument("--actor", default="system", help="who imports, for the ledger")

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except CatalogRejected as exc:
            for problem in exc.problems:
                self.stderr.write(f"{problem.where} {problem.field}: {problem.message_zh}")
            raise CommandError(
                f"导入被拒绝，共{len(exc.problems)}处问题，未写入任何数据 / "
                f"import refused: {len(exc.problems)} problems, nothing was written"
            ) from None
        except DomainError as exc:
            raise CommandError(f"{exc.message_zh} / {exc.message_en}") from None

    def _json(self, data) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))

    def _stats(self, options) -> None:
        data = stats.catalog_stats(region=options["region"])
        if options["json"]:
            return self._json(data)
        total = data["total"]
        self.stdout.write(f"事项 {total['items']}")
        for key, label in stats.LABELS.items():
            self.stdout.write(f"{label} {total[key]} ({total[key + '_share']}%)")
        for row in data["by_region"]:
            self.stdout.write(
                f"  {row['region']} {row['region_name']}: {row['items']}，"
                f"即办{row['immediate_share']}% 可网办{row['online_share']}% "
                f"最多跑一次{row['at_most_one_visit_share']}% "
                f"一次不用跑{row['zero_visits_share']}%"
            )
        return None

    def _audit(self, options) -> None:
        findings = audit.run_audit(region=options["region"])
        if options["json"]:
            return self._json(
                {"summary": audit.summary(findings), "findings": [f.as_dict() for f in findings]}
            )
        for f in findings:
            self.stdout.write(
                f"{f.base_name} | {f.region_name} | {f.kind_label} | "
                f"本地 {f.value} | 基准 {f.baseline} | {f.detail}"
            )
        self.stdout.write(f"共{len(findings)}项 / {len(findings)} findings")
        return None

    def _export(self, options) -> None:
        path = Path(options["file"])
        data = transfer.export_file(path.name)
        path.write_bytes(data)
        self.stdout.write(f"exported to {path} ({len(data)} bytes)")

    def _import(self, options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path} / no such file")
        result = transfer.import_file(path.read_bytes(), path.name, actor=options["actor"])
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
