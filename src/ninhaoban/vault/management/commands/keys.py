"""`ninhaoban keys list|rotate|reencrypt|retire KID`: the field-encryption keyring."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ninhaoban.core import sealing
from ninhaoban.vault import services


class Command(BaseCommand):
    help = (
        "List, rotate, re-encrypt under the active key, or retire the field-encryption keys. "
        "查看、轮换、用当前密钥重新加密或停用字段加密密钥。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "rotate", "reencrypt", "retire"])
        parser.add_argument("kid", nargs="?", help="the key to retire / 要停用的密钥")

    def handle(self, *args, **options) -> None:
        action = options["action"]
        ring = sealing.keyring()
        if action == "rotate":
            self.stdout.write(f"new active key / 新的当前密钥: {ring.rotate()}")
            self.stdout.write("run `ninhaoban keys reencrypt` to move stored values onto it")
        elif action == "reencrypt":
            for model in services.sealed_models():
                done = services.reseal_model(model)
                self.stdout.write(
                    f"{model._meta.db_table}: {done} rows re-encrypted / 行已重新加密"
                )
            self.stdout.write(f"files / 文件: {services.reseal_files()} re-encrypted")
        elif action == "retire":
            self._retire(ring, options["kid"])
        ring = sealing.keyring()
        for kid, entry in ring.keys.items():
            mark = "*" if kid == ring.active else " "
            state = "retired / 已停用" if entry.retired else "in use / 可用"
            self.stdout.write(f"{mark} {kid}  {entry.created}  {state}")

    def _retire(self, ring: sealing.Keyring, kid: str | None) -> None:
        """Refused while any value or file is still sealed under the key: it would not open."""
        if not kid or kid not in ring.keys:
            raise CommandError(f"no such key / 没有该密钥: {kid}")
        if kid == ring.active:
            raise CommandError(
                f"{kid} is the active key: rotate first / 当前密钥不能停用，请先轮换"
            )
        rows = services.rows_under(kid)
        files = services.files_under(kid)
        if rows or files:
            where = ", ".join(f"{column} {count}" for column, count in sorted(rows.items()))
            raise CommandError(
                f"{kid} still seals {sum(rows.values())} values ({where}) and {files} files: "
                f"run `ninhaoban keys reencrypt` first / 仍有数据使用该密钥，请先重新加密"
            )
        ring.retire(kid)
        self.stdout.write(f"{kid} retired / 已停用")
