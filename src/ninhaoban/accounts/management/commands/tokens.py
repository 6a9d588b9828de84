"""`ninhaoban tokens issue <username> --name <what for> [--days N]`, `tokens list
[<username>]` and `tokens revoke <prefix>`: the API tokens machines use."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ninhaoban.accounts import tokens
from ninhaoban.accounts.models import ApiToken, Staff
from ninhaoban.core.errors import DomainError

ACTOR = "command:tokens"


class Command(BaseCommand):
    help = "API tokens for machines. 接口令牌：签发、列出、吊销。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="issue a token for a staff account (shown once)")
        issue.add_argument("username")
        issue.add_argument("--name", required=True, help="what the token is for")
        issue.add_argument("--days", type=int, default=365)
        listing = sub.add_parser("list", help="tokens, newest first")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(f"{exc.message_zh}\n{exc.message_en}") from None

    def _issue(self, options: dict) -> None:
        staff = Staff.objects.filter(user__username=options["username"]).first()
        if staff is None:
            raise CommandError(f"没有工作人员{options['username']} / no staff account of that name")
        token, secret = tokens.issue_token(
            staff, name=options["name"], days=options["days"], actor=ACTOR
        )
        until = timezone.localtime(token.expires_at).strftime("%Y-%m-%d")
        self.stdout.write(secret)
        self.stderr.write(f"令牌只显示这一次，{until}前有效 / shown this once, valid until {until}")

    def _list(self, options: dict) -> None:
        rows = ApiToken.objects.select_related("staff__user").order_by("-created_at")
        if options["username"]:
            rows = rows.filter(staff__user__username=options["username"])
        now = timezone.now()
        for t in rows:
            state = "revoked" if t.revoked_at else "expired" if t.expires_at <= now else "live"
            used = t.last_used_on.isoformat() if t.last_used_on else "-"
            self.stdout.write(
                f"{t.prefix}  {t.staff.user.username:24} {state:8} last used {used}  {t.name}"
            )

    def _revoke(self, options: dict) -> None:
        token = ApiToken.objects.filter(prefix=options["prefix"]).first()
        if token is None:
            raise CommandError("没有该前缀的令牌 / no token with that prefix")
        tokens.revoke_token(token, actor=ACTOR)
        self.stdout.write(f"{token.prefix} revoked")
