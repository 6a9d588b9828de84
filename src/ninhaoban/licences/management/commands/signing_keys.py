"""`ninhaoban signing_keys [list|rotate]`: see and rotate the keys that sign licences and proofs."""

from django.core.management.base import BaseCommand, CommandParser

from ninhaoban.ledger.signing import keyring


class Command(BaseCommand):
    help = "List or rotate the Ed25519 signing keys. 查看或轮换签名密钥。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["list", "rotate"], default="list")

    def handle(self, *args, **options) -> None:
        ring = keyring()
        if options["action"] == "rotate":
            self.stdout.write(f"new signing key / 新签名密钥: {ring.rotate()}")
        current = ring.current_key_id()
        for kid in ring.key_ids():
            self.stdout.write(f"{'*' if kid == current else ' '} {kid}")
            self.stdout.write(ring.public_pem(kid))
