"""RFC 9162 Merkle code against the public RFC 6962 vectors and a naive recursive twin.

The vectors are those of transparency-dev/merkle (testonly/constants.go, proof/verify_test.go):
a log that agrees only with itself proves nothing to anyone else.
"""

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from ninhaoban.ledger import merkle

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, proof)
INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (0, 1, []),
]
# (old size, new size, proof)
CONSISTENCY = [
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (1, 1, []),
]
HASHES = [merkle.leaf_hash(leaf) for leaf in LEAVES]


def root(n: int) -> bytes:
    return bytes.fromhex(ROOTS[n])


# The naive twin: RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 written as literally as possible.
def naive_k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def naive_mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = naive_k(len(d))
    return hashlib.sha256(b"\x01" + naive_mth(d[:k]) + naive_mth(d[k:])).digest()


def naive_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = naive_k(len(d))
    if m < k:
        return [*naive_path(m, d[:k]), naive_mth(d[k:])]
    return [*naive_path(m - k, d[k:]), naive_mth(d[:k])]


def naive_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [naive_mth(d)]
    k = naive_k(n)
    if m <= k:
        return [*naive_subproof(m, d[:k], b), naive_mth(d[k:])]
    return [*naive_subproof(m - k, d[k:], False), naive_mth(d[:k])]


def naive_proof(m: int, d: list[bytes]) -> list[bytes]:
    return [] if m in (0, len(d)) else naive_subproof(m, d, True)


def test_leaf_hash_of_the_empty_entry():
    assert HASHES[0] == root(1)


def test_roots_match_the_vectors_at_every_size():
    for n in range(9):
        assert merkle.root_hash(HASHES[:n]) == root(n), n


def test_inclusion_proofs_match_the_vectors_and_verify():
    for index, size, proof in INCLUSION:
        expected = [bytes.fromhex(h) for h in proof]
        assert merkle.inclusion_proof(index, HASHES[:size]) == expected
        assert merkle.verify_inclusion(HASHES[index], index, size, expected, root(size))


def test_consistency_proofs_match_the_vectors_and_verify():
    for old, new, proof in CONSISTENCY:
        expected = [bytes.fromhex(h) for h in proof]
        assert merkle.consistency_proof(old, HASHES[:new]) == expected
        assert merkle.verify_consistency(old, new, root(old), root(new), expected)


def _corrupted_inclusions(index: int, size: int, proof: list[bytes], top: bytes):
    some = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")
    yield HASHES[index], index + 1, size, proof, top
    yield HASHES[index], index - 1, size, proof, top
    yield HASHES[index], index ^ 2, size, proof, top
    yield HASHES[index], index, size * 2, proof, top
    yield HASHES[index], index, size // 2, proof, top
    yield b"WrongLeaf", index, size, proof, top
    yield HASHES[index], index, size, proof, merkle.EMPTY_ROOT
    yield HASHES[index], index, size, proof, some
    yield HASHES[index], index, size, [*proof, b""], top
    yield HASHES[index], index, size, [*proof, top], top
    yield HASHES[index], index, size, [top, *proof], top
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([proof[i][0] ^ 8]) + proof[i][1:]
        yield HASHES[index], index, size, flipped, top
    if proof:
        yield HASHES[index], index, size, proof[:-1], top
    if len(proof) > 1:
        yield HASHES[index], index, size, [proof[0], some, *proof[1:]], top


def test_corrupted_inclusion_proofs_fail():
    for index, size, proof in INCLUSION[:4]:
        good = [bytes.fromhex(h) for h in proof]
        for leaf, i, n, p, r in _corrupted_inclusions(index, size, good, root(size)):
            assert not merkle.verify_inclusion(leaf, i, n, p, r), (index, size, i, n)


def test_corrupted_consistency_proofs_fail():
    for old, new, proof in CONSISTENCY[:4]:
        good = [bytes.fromhex(h) for h in proof]
        r1, r2 = root(old), root(new)
        bad = [
            (old - 1, new, r1, r2, good),
            (old + 1, new, r1, r2, good),
            (old ^ 2, new, r1, r2, good),
            (old, new * 2, r1, r2, good),
            (old, new // 2, r1, r2, good),
            (old, new, b"WrongRoot", r2, good),
            (old, new, r1, b"WrongRoot", good),
            (old, new, r2, r1, good),
            (old, new, r1, r2, []),
            (old, new, r1, r2, [*good, b""]),
            (old, new, r1, r2, [*good, r1]),
            (old, new, r1, r2, [*good, r2]),
            (old, new, r1, r2, [r1, *good]),
            (old, new, r1, r2, [r2, *good]),
            (old, new, r1, r2, [good[0], *good]),
            (old, new, r1, r2, good[:-1]),
        ]
        for i in range(len(good)):
            flipped = list(good)
            flipped[i] = bytes([good[i][0] ^ 16]) + good[i][1:]
            bad.append((old, new, r1, r2, flipped))
        for o, n, a, b, p in bad:
            assert not merkle.verify_consistency(o, n, a, b, p), (old, new, o, n)


def test_trivial_consistency():
    assert merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, root(5), [])
    assert merkle.verify_consistency(3, 3, root(3), root(3), [])
    assert not merkle.verify_consistency(3, 3, root(3), root(4), [])
    assert not merkle.verify_consistency(3, 3, root(3), root(3), [root(3)])
    assert not merkle.verify_consistency(4, 3, root(4), root(3), [])


leaf_lists = st.lists(st.binary(max_size=12), min_size=1, max_size=70).map(
    lambda entries: [merkle.leaf_hash(e) for e in entries]
)


@settings(max_examples=150, deadline=None)
@given(leaf_lists, st.data())
def test_inclusion_agrees_with_the_naive_twin(hashes, data):
    n = len(hashes)
    index = data.draw(st.integers(0, n - 1))
    proof = merkle.inclusion_proof(index, hashes)
    assert merkle.root_hash(hashes) == naive_mth(hashes)
    assert proof == naive_path(index, hashes)
    assert merkle.verify_inclusion(hashes[index], index, n, proof, naive_mth(hashes))
    other = data.draw(st.integers(0, n - 1))
    if hashes[other] != hashes[index]:
        assert not merkle.verify_inclusion(hashes[other], index, n, proof, naive_mth(hashes))


@settings(max_examples=150, deadline=None)
@given(leaf_lists, st.data())
def test_consistency_agrees_with_the_naive_twin(hashes, data):
    n = len(hashes)
    old = data.draw(st.integers(0, n))
    proof = merkle.consistency_proof(old, hashes)
    assert proof == naive_proof(old, hashes)
    old_root, new_root = naive_mth(hashes[:old]), naive_mth(hashes)
    assert merkle.verify_consistency(old, n, old_root, new_root, proof)
    if 0 < old < n:
        forked = [*hashes[: old - 1], merkle.leaf_hash(b"forked"), *hashes[old:]]
        if forked != hashes:
            assert not merkle.verify_consistency(old, n, naive_mth(forked[:old]), new_root, proof)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 1 << 40), st.integers(1, 1 << 40))
def test_perfect_cover_tiles_the_range(start, length):
    start -= start % (1 << max(0, length.bit_length()))
    end = start + length
    position = start
    for level, index in merkle.perfect_cover(start, end):
        assert index << level == position
        position += 1 << level
    assert position == end
