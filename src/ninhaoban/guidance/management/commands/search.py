"""`ninhaoban search QUERY [--json] [--region CODE]` and `ninhaoban search --rebuild`."""

import json
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ninhaoban.core.errors import DomainError
from ninhaoban.guidance import selectors, services


class Command(BaseCommand):
    help = "智能导办搜索，或从数据库重建索引。Search items and bundles, or rebuild the index."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="?", default="", help="查询内容 / the query")
        parser.add_argument("--json", action="store_true", help="JSON list, best first")
        parser.add_argument("--region", default="", help="区划代码 / the user's region code")
        parser.add_argument("--level", default="", help="city, county, town or village")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--rebuild", action="store_true", help="重建索引 / rebuild the index")

    def handle(self, *args, **options) -> None:
        if options["rebuild"]:
            started = time.perf_counter()
            count = services.rebuild_index()
            seconds = time.perf_counter() - started
            self.stdout.write(f"索引已重建 / index rebuilt: {count} documents in {seconds:.2f} s")
            if not options["query"]:
                return
        try:
            results = selectors.search(
                options["query"],
                region=options["region"],
                level=options["level"],
                limit=options["limit"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message_zh} / {exc.message_en}") from None
        if options["json"]:
            payload = [r.as_dict() for r in results]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        if not results:
            self.stdout.write("没有找到相关事项 / nothing found")
        for rank, r in enumerate(results, start=1):
            kind = "一件事" if r.kind == "bundle" else "事项"
            where = " ".join(filter(None, [r.region_name, r.department]))
            self.stdout.write(f"{rank:2}. [{kind}] {r.name}  {r.code}  {where}  {r.score}")
            for member in r.items:
                self.stdout.write(f"      · {member['name']}  {member['code']}")
