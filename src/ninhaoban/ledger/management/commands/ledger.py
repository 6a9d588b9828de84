"""`ninhaoban ledger sequence|audit|key|verify|witness`: the ledger from the command line."""

import socket
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ninhaoban.core.errors import DomainError
from ninhaoban.ledger import client, keys, note, services, verify
from ninhaoban.ledger.audit import audit
from ninhaoban.ledger.witness import witness_once

API = client.API


class Command(BaseCommand):
    help = "存证: sequence, audit, print the key, verify proofs offline, act as a witness."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seq = sub.add_parser("sequence", help="integrate pending entries and sign a checkpoint")
        seq.add_argument("--batch", type=int, default=None)
        sub.add_parser("audit", help="recompute the tree and compare it with everything stored")
        sub.add_parser("key", help="print this log's verifier key")
        ver = sub.add_parser(
            "verify",
            help="check a checkpoint, an inclusion proof and/or a consistency proof "
            "(each argument a file or an http(s) URL)",
        )
        ver.add_argument("--key", required=True, help="the log's verifier key, a file or a URL")
        ver.add_argument("--checkpoint", help="a signed checkpoint")
        ver.add_argument("--server", help="the deployment's base URL, to fetch what is not given")
        ver.add_argument("--index", type=int, help="an entry index (with --server)")
        ver.add_argument("--entry", help="the entry JSON (/api/v1/ledger/entries/N)")
        ver.add_argument("--proof", help="an inclusion proof JSON")
        ver.add_argument("--old-checkpoint", help="an earlier signed checkpoint")
        ver.add_argument("--consistency", help="a consistency proof JSON")
        wit = sub.add_parser("witness", help="cosign another deployment's latest checkpoint")
        wit.add_argument("url", help="the deployment's base URL")
        wit.add_argument("--log-key", help="the log's verifier key (pinned on first contact)")
        wit.add_argument("--state", help="where the witness keeps what it saw")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"])(options)
        except (DomainError, note.NoteError, client.ClientError) as exc:
            raise CommandError(str(exc)) from None

    def _sequence(self, options: dict[str, Any]) -> None:
        added = services.sequence(options["batch"])
        self.stdout.write(f"integrated {added} entries 已整合{added}条")

    def _audit(self, options: dict[str, Any]) -> None:
        problems = audit()
        if problems:
            raise CommandError("audit failed 审计未通过:\n" + "\n".join(f"  {p}" for p in problems))
        self.stdout.write("audit passed 审计通过")

    def _key(self, options: dict[str, Any]) -> None:
        self.stdout.write(keys.log_verifier().encoded())

    def _verify(self, options: dict[str, Any]) -> None:
        verifier = verify.load_verifier(options["key"])
        server = options["server"]

        def source(given: str | None, path: str) -> str:
            if given:
                return given
            if not server:
                raise CommandError(f"give the file or --server to fetch {path}")
            return server.rstrip("/") + API + path

        checkpoint = verify.check_checkpoint(
            client.read_source(source(options["checkpoint"], "/checkpoint")), verifier
        )
        self.stdout.write(f"OK checkpoint {checkpoint.origin} size {checkpoint.size}")
        index = options["index"]
        if options["proof"] or options["entry"] or index is not None:
            at = f"?index={index}&tree_size={checkpoint.size}"
            proof = verify.parse_json(
                client.read_source(source(options["proof"], "/proofs/inclusion" + at)), "proof"
            )
            entry_source = options["entry"] or (
                server and index is not None and source(None, f"/entries/{index}")
            )
            entry = (
                verify.parse_json(client.read_source(entry_source), "entry")
                if entry_source
                else None
            )
            self.stdout.write("OK " + verify.check_inclusion(checkpoint, proof, entry))
        if options["old_checkpoint"]:
            old = verify.check_checkpoint(client.read_source(options["old_checkpoint"]), verifier)
            at = f"?first={old.size}&second={checkpoint.size}"
            proof = verify.parse_json(
                client.read_source(source(options["consistency"], "/proofs/consistency" + at)),
                "consistency proof",
            )
            self.stdout.write("OK " + verify.check_consistency(old, checkpoint, proof))

    def _witness(self, options: dict[str, Any]) -> None:
        url = options["url"]
        state = Path(options["state"] or Path(settings.VAR_DIR) / "witness" / _slug(url))
        name = settings.NHB_WITNESS_NAME or f"{socket.gethostname()}/witness"
        key = keys.load_or_create_key(Path(settings.VAR_DIR) / "witness_key")
        seen = witness_once(
            client.HttpTransport(url), state, name, key, int(time.time()), options["log_key"]
        )
        self.stdout.write(
            f"cosigned {seen.origin} size {seen.size} (consistent with size {seen.old_size}) "
            f"as {note.verifier_for(name, key, note.COSIGNATURE_V1).encoded()}"
        )


def _slug(url: str) -> str:
    return "".join(c if c.isalnum() or c in ".-" else "_" for c in url.split("://", 1)[-1])
