"""The public API, the page, the offline verifier (in its own process) and witnessing."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.cache import cache
from django.test import Client

from ninhaoban.ledger import keys, merkle, note, services
from ninhaoban.ledger.models import Cosignature, LedgerEntry, LedgerLeaf
from ninhaoban.ledger.witness import WitnessRefused, witness_once

pytestmark = pytest.mark.django_db
API = "/api/v1/ledger"


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def log() -> dict[str, Any]:
    for i in range(13):
        services.record("case.step", [f"case:4212C{i % 3}", "person:0123abcd"], "staff:7", {"i": i})
    services.sequence()
    return {"size": LedgerLeaf.objects.count()}


def test_checkpoint_and_key_are_public(client, log):
    signed = client.get(f"{API}/checkpoint").content.decode()
    body = note.open_checkpoint(
        signed, note.parse_verifier(client.get(f"{API}/key").content.decode())
    )
    assert body.size == log["size"] and body.origin == keys.origin()
    assert client.get(f"{API}/checkpoints/{log['size']}").content.decode() == signed
    assert client.get(f"{API}/checkpoints/999999").status_code == 404


def test_entry_is_redacted_for_the_public_and_full_for_a_supervisor(client, staff_client, log):
    index = LedgerLeaf.objects.filter(entry__kind="case.step").order_by("index").first().index
    public = client.get(f"{API}/entries/{index}").json()
    assert public["redacted"] and "person:***" in public["body"] and "staff:7" not in public["body"]
    full = staff_client("supervisor").get(f"{API}/entries/{index}").json()
    assert not full["redacted"] and "staff:7" in full["body"]
    assert merkle.leaf_hash(full["body"].encode()).hex() == full["leaf_hash"] == public["leaf_hash"]
    assert staff_client("clerk.city").get(f"{API}/entries/{index}").json()["redacted"]


def test_inclusion_by_index_and_by_leaf_hash(client, log):
    root = note.open_checkpoint(
        client.get(f"{API}/checkpoint").content.decode(), keys.log_verifier()
    ).root
    by_index = client.get(f"{API}/proofs/inclusion", {"index": 3}).json()
    by_leaf = client.get(f"{API}/proofs/inclusion", {"leaf_hash": by_index["leaf_hash"]}).json()
    assert by_index == by_leaf and by_index["tree_size"] == log["size"]
    proof = [bytes.fromhex(h) for h in by_index["proof"]]
    assert merkle.verify_inclusion(
        bytes.fromhex(by_index["leaf_hash"]), 3, log["size"], proof, root
    )


@pytest.mark.parametrize(
    "query,status",
    [
        ({}, 422),
        ({"index": 1, "leaf_hash": "00" * 32}, 422),
        ({"leaf_hash": "zz"}, 422),
        ({"leaf_hash": "ab" * 32}, 404),
        ({"index": 10**9}, 404),
        ({"index": 1, "tree_size": 10**9}, 422),
        ({"index": -1}, 404),
        ({"index": "x"}, 422),
    ],
)
def test_bad_proof_requests_are_4xx(client, log, query, status):
    response = client.get(f"{API}/proofs/inclusion", query)
    assert response.status_code == status, response.content
    assert "message" in response.json()


def test_consistency_proof(client, log):
    data = client.get(f"{API}/proofs/consistency", {"first": 5}).json()
    assert data["second"] == log["size"]
    hashes = [
        bytes(h) for h in LedgerLeaf.objects.order_by("index").values_list("leaf_hash", flat=True)
    ]
    assert [bytes.fromhex(h) for h in data["proof"]] == merkle.consistency_proof(5, hashes)
    assert client.get(f"{API}/proofs/consistency", {"first": 9, "second": 4}).status_code == 422


def test_subject_lookup_is_for_authorized_staff(client, staff_client, log):
    url = f"{API}/entries?subject=person:0123abcd"
    assert client.get(url).status_code == 401
    assert staff_client("clerk.city").get(url).status_code == 403
    rows = staff_client("supervisor").get(url).json()
    assert len(rows) == 13 and all(not r["redacted"] for r in rows)
    assert len(staff_client("admin").get(f"{API}/entries?subject=case:4212C1").json()) == 4


def test_page_shows_a_case_and_hides_persons(client, staff_client, log):
    page = client.get("/ledger/", {"q": "4212C2"}).content.decode()
    assert "存证查询" in page and page.count('class="ledger-row"') == 4
    assert "ledger/verify.js" in page and "https://" not in page
    assert "staff:7" not in page
    refused = client.get("/ledger/", {"q": "person:0123abcd"}).content.decode()
    assert "仅限授权人员" in refused and 'class="ledger-row"' not in refused
    staff_page = staff_client("supervisor").get("/ledger/", {"q": "person:0123abcd"})
    assert staff_page.content.decode().count('class="ledger-row"') == 13


def _verify(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NHB_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": "sqlite:///:memory:"}
    return subprocess.run(
        [sys.executable, "-m", "ninhaoban", "ledger", "verify", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_server_proofs_verify_in_a_separate_process(client, tmp_path, log):
    old_note = client.get(f"{API}/checkpoint").content.decode()
    for i in range(6):
        services.record("case.step", "case:4212C9", "staff:7", {"i": i})
    services.sequence()
    files = {
        "key": client.get(f"{API}/key").content.decode(),
        "old": old_note,
        "new": client.get(f"{API}/checkpoint").content.decode(),
        "entry": client.get(f"{API}/entries/4").content.decode(),
        "proof": client.get(f"{API}/proofs/inclusion", {"index": 4}).content.decode(),
        "consistency": client.get(
            f"{API}/proofs/consistency", {"first": log["size"]}
        ).content.decode(),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    args = ["--key", str(tmp_path / "key"), "--checkpoint", str(tmp_path / "new")]
    ok = _verify(
        tmp_path,
        *args,
        "--entry",
        str(tmp_path / "entry"),
        "--proof",
        str(tmp_path / "proof"),
        "--old-checkpoint",
        str(tmp_path / "old"),
        "--consistency",
        str(tmp_path / "consistency"),
    )
    assert ok.returncode == 0, ok.stderr
    assert "entry 4 is included" in ok.stdout and "extends the one of size" in ok.stdout

    forged = json.loads(files["proof"])
    forged["proof"][0] = "00" * 32
    (tmp_path / "proof").write_text(json.dumps(forged))
    bad = _verify(tmp_path, *args, "--proof", str(tmp_path / "proof"))
    assert bad.returncode != 0 and "entry 4 is not included" in bad.stderr

    (tmp_path / "new").write_text(files["new"].replace("\n\n", "\n\n— x AAAA\n", 1)[:-3] + "\n")
    unsigned = _verify(
        tmp_path, "--key", files["key"].strip(), "--checkpoint", str(tmp_path / "new")
    )
    assert unsigned.returncode != 0


class ClientTransport:
    """The witness's HTTP calls, served by the Django test client."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get_text(self, path: str) -> str:
        response = self.client.get(API + path)
        assert response.status_code == 200, response.content
        return response.content.decode()

    def post_json(self, path: str, data: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(API + path, data, content_type="application/json")
        assert response.status_code == 201, response.content
        return response.json()


def _listed(settings, *named: tuple[str, Ed25519PrivateKey]) -> None:
    settings.NHB_LEDGER_WITNESSES = [
        note.verifier_for(name, key, note.COSIGNATURE_V1).encoded() for name, key in named
    ]


def test_witness_cosigns_and_the_cosignature_is_shown(client, settings, tmp_path, log):
    witness_key = Ed25519PrivateKey.generate()
    _listed(settings, ("w.example/1", witness_key))
    seen = witness_once(
        ClientTransport(client), tmp_path, "w.example/1", witness_key, 1_800_000_000
    )
    assert seen.size == log["size"] and seen.old_size == 0
    services.record("case.step", "case:4212C9", "staff:7", {})
    services.sequence()
    again = witness_once(
        ClientTransport(client), tmp_path, "w.example/1", witness_key, 1_800_000_001
    )
    assert again.old_size == log["size"] and again.size > log["size"]
    assert Cosignature.objects.filter(witness="w.example/1").count() == 2
    signed = client.get(f"{API}/checkpoint").content.decode()
    verifier = note.verifier_for("w.example/1", witness_key, note.COSIGNATURE_V1)
    assert note.verify_cosignature(signed, verifier)[1] == 1_800_000_001
    assert "w.example/1" in client.get("/ledger/").content.decode()


def test_witness_refuses_a_forked_checkpoint(client, settings, tmp_path, log):
    witness_key = Ed25519PrivateKey.generate()
    _listed(settings, ("w.example/2", witness_key))
    transport = ClientTransport(client)
    witness_once(transport, tmp_path, "w.example/2", witness_key, 1_800_000_000)
    # The log shows this witness a different history of the same size, then moves on.
    forked_root = merkle.leaf_hash(b"another history")
    forked = note.sign_note(
        note.checkpoint_text(keys.origin(), log["size"], forked_root),
        keys.origin(),
        keys.signing_key(),
    )
    (tmp_path / "checkpoint").write_text(forked)
    services.record("case.step", "case:4212C9", "staff:7", {})
    services.sequence()
    with pytest.raises(WitnessRefused, match="fork"):
        witness_once(transport, tmp_path, "w.example/2", witness_key, 1_800_000_001)
    assert (tmp_path / "checkpoint").read_text() == forked
    assert Cosignature.objects.filter(witness="w.example/2").count() == 1


def test_witness_refuses_a_changed_log_key(client, settings, tmp_path, log):
    first = Ed25519PrivateKey.generate()
    _listed(settings, ("w", first))
    witness_once(ClientTransport(client), tmp_path, "w", first, 1)
    other = note.verifier_for(keys.origin(), Ed25519PrivateKey.generate()).encoded()
    with pytest.raises(WitnessRefused, match="pinned"):
        witness_once(ClientTransport(client), tmp_path, "w", Ed25519PrivateKey.generate(), 2, other)


def test_bad_cosignatures_are_refused(client, settings, log):
    body = note.checkpoint_text(keys.origin(), log["size"], merkle.leaf_hash(b"x"))
    key = Ed25519PrivateKey.generate()
    _listed(settings, ("w", key))
    line = note.cosign(body, "w", key, 5)
    vkey = note.verifier_for("w", key, note.COSIGNATURE_V1).encoded()
    response = client.post(
        f"{API}/witness/cosignatures",
        {"note": f"{body}\n{line}", "verifier_key": vkey},
        content_type="application/json",
    )
    assert response.status_code == 422 and "不是本存证库签发的" in response.json()["message"]
    real = note.split_note(client.get(f"{API}/checkpoint").content.decode())[0]
    other = Ed25519PrivateKey.generate()
    response = client.post(
        f"{API}/witness/cosignatures",
        {"note": f"{real}\n{note.cosign(real, 'w', other, 5)}", "verifier_key": vkey},
        content_type="application/json",
    )
    assert response.status_code == 422


def test_only_listed_witnesses_when_a_list_is_configured(client, settings, tmp_path, log):
    listed = Ed25519PrivateKey.generate()
    _listed(settings, ("ok", listed))
    witness_once(ClientTransport(client), tmp_path / "a", "ok", listed, 1)
    body = note.split_note(client.get(f"{API}/checkpoint").content.decode())[0]
    stranger = Ed25519PrivateKey.generate()
    response = client.post(
        f"{API}/witness/cosignatures",
        {
            "note": f"{body}\n{note.cosign(body, 'no', stranger, 2)}",
            "verifier_key": note.verifier_for("no", stranger, note.COSIGNATURE_V1).encoded(),
        },
        content_type="application/json",
    )
    assert response.status_code == 403


def _post_cosignature(client: Client, name: str, key: Ed25519PrivateKey, timestamp: int):
    body = note.split_note(client.get(f"{API}/checkpoint").content.decode())[0]
    return client.post(
        f"{API}/witness/cosignatures",
        {
            "note": f"{body}\n{note.cosign(body, name, key, timestamp)}",
            "verifier_key": note.verifier_for(name, key, note.COSIGNATURE_V1).encoded(),
        },
        content_type="application/json",
    )


def _cosigned_entries(size: int) -> int:
    return LedgerEntry.objects.filter(
        kind="ledger.cosigned", subjects__subject=f"checkpoint:{size}"
    ).count()


def test_no_witness_list_no_cosignatures(client, settings, log):
    settings.NHB_LEDGER_WITNESSES = []
    entries = LedgerEntry.objects.count()
    response = _post_cosignature(client, "self-made", Ed25519PrivateKey.generate(), 1)
    assert response.status_code == 403 and "见证名单" in response.json()["message"]
    assert not Cosignature.objects.exists() and LedgerEntry.objects.count() == entries


def test_one_ledger_entry_per_checkpoint_cosigned_not_per_post(client, settings, log):
    a, b = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    _listed(settings, ("a", a), ("b", b))
    size = services.sequence() or log["size"]
    for timestamp in range(1, 4):
        assert _post_cosignature(client, "a", a, timestamp).status_code == 201
    assert _post_cosignature(client, "b", b, 9).status_code == 201
    assert Cosignature.objects.filter(checkpoint__size=size).count() == 2
    assert _cosigned_entries(size) == 1
    grown = client.get(f"{API}/checkpoint").content.decode()
    assert grown.count("\n— ") == 3  # the log's signature and one line per listed witness


def test_cosignature_posts_are_rate_limited(client, settings, log):
    settings.NHB_LEDGER_COSIGN_PER_MINUTE = 3
    key = Ed25519PrivateKey.generate()
    _listed(settings, ("a", key))
    answers = [_post_cosignature(client, "a", key, t).status_code for t in range(1, 6)]
    assert answers[:3] == [201, 201, 201] and answers[3:] == [429, 429]


def test_subject_lookup_follows_the_case_scope(staff_client):
    from tests.cases.conftest import window_case

    case = window_case()  # a 崇阳县 case (its entries name case:<no>)
    url = f"{API}/entries?subject={case.subject}"
    assert len(staff_client("supervisor.chongyang").get(url).json()) >= 1
    assert len(staff_client("supervisor").get(url).json()) >= 1
    from ninhaoban.accounts import services as accounts
    from ninhaoban.regions.models import Region

    other = accounts.create_staff(username="sup.ts", name="通山县监察员", password="x" * 16)
    accounts.grant_role(other, "supervisor", Region.objects.get(code="421224000000"))
    assert staff_client("sup.ts").get(url).status_code == 404
    person = f"{API}/entries?subject={case.applicant.subject}"
    assert staff_client("supervisor.chongyang").get(person).status_code == 403
    assert staff_client("supervisor").get(person).status_code == 200
