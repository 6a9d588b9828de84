"""`ninhaoban sandbox`: run the department systems' stand-in (see exchange/sandbox/server.py)."""

import contextlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from ninhaoban.exchange.sandbox.records import DEPARTMENTS
from ninhaoban.exchange.sandbox.server import SandboxServer, SandboxState


class Command(BaseCommand):
    help = "Run the sandbox of department systems. 运行部门系统模拟服务。"

    def add_arguments(self, parser: CommandParser) -> None:
        default = urlsplit(settings.NHB_SANDBOX_URL)
        parser.add_argument("--host", default=default.hostname or "127.0.0.1")
        parser.add_argument("--port", type=int, default=default.port or 8010)
        parser.add_argument("--latency-ms", type=int, default=0)
        parser.add_argument("--down", action="append", default=[], choices=DEPARTMENTS)

    def handle(self, *args, **options) -> None:
        state = SandboxState(options["latency_ms"], set(options["down"]))
        server = SandboxServer((options["host"], options["port"]), state)
        self.stdout.write(f"部门系统模拟服务 / department sandbox at {server.url} ({DEPARTMENTS})")
        try:
            with contextlib.suppress(KeyboardInterrupt):
                server.serve_forever()
        finally:
            server.server_close()
