"""`ninhaoban kiosk enrol <terminal code> [--minutes N]`: a one-time code for setting up a
terminal's browser, and `ninhaoban kiosk list`."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ninhaoban.core.errors import DomainError
from ninhaoban.kiosk import selectors, services
from ninhaoban.kiosk.models import Kiosk


class Command(BaseCommand):
    help = "Self-service terminals: enrolment codes and the list. 自助终端：安装码与终端列表。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        enrol = sub.add_parser("enrol", help="issue a one-time enrolment code for a terminal")
        enrol.add_argument("code", help="the terminal's code, e.g. XN-SMZJ-01")
        enrol.add_argument("--minutes", type=int, default=services.ENROLMENT_MINUTES)
        sub.add_parser("list", help="every terminal: hall, whether in service and enrolled")

    def handle(self, *args, **options) -> None:
        if options["action"] == "list":
            for kiosk in Kiosk.objects.select_related("hall").order_by("code"):
                state = "启用 in service" if kiosk.active else "停用 switched off"
                device = "已安装 enrolled" if kiosk.device_hash else "未安装 not enrolled"
                self.stdout.write(f"{kiosk.code:14} {kiosk}  {state}  {device}")
            return
        if not 1 <= options["minutes"] <= 7 * 24 * 60:
            raise CommandError("有效期应为1分钟至7天 / the code lasts 1 minute to 7 days")
        try:
            kiosk = selectors.kiosk_by_code(options["code"])
            code, expires = services.issue_enrolment_code(
                kiosk, actor="command:kiosk", minutes=options["minutes"]
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message_zh}\n{exc.message_en}") from None
        until = timezone.localtime(expires).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(
            f"{kiosk}: 在该终端打开 /kiosk/{kiosk.code}/enrol/ 输入安装码 {code}（{until}前有效）\n"
            f"open /kiosk/{kiosk.code}/enrol/ on the terminal and type {code} (valid until {until})"
        )
