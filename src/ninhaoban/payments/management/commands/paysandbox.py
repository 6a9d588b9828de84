"""`ninhaoban paysandbox`: run the payment platforms' and utility companies' stand-in
(see payments/paysandbox/server.py)."""

import contextlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from ninhaoban.payments.paysandbox.server import PaySandboxServer


class Command(BaseCommand):
    help = "Run the sandbox of payment platforms and utility companies. 运行支付平台模拟服务。"

    def add_arguments(self, parser: CommandParser) -> None:
        default = urlsplit(settings.NHB_PAY_GATEWAY_URL)
        parser.add_argument("--host", default=default.hostname or "127.0.0.1")
        parser.add_argument("--port", type=int, default=default.port or 8020)

    def handle(self, *args, **options) -> None:
        server = PaySandboxServer((options["host"], options["port"]))
        self.stdout.write(f"支付平台模拟服务 / payment sandbox at {server.url}")
        try:
            with contextlib.suppress(KeyboardInterrupt):
                server.serve_forever()
        finally:
            server.server_close()
