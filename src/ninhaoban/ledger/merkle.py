"""RFC 9162 §2.1 Merkle tree hashing, proofs and their verification; pure Python, no Django.

The same functions serve three places: the sequencer and the store (which keep perfect subtree
hashes and ask here which ones a proof needs), the offline verifier, and the tests. Proofs are
described first as lists of leaf ranges `[start, end)` so that the store can answer them with a
handful of reads instead of holding the leaves in memory.
"""

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Range = tuple[int, int]
Node = tuple[int, int]  # (level, index): the perfect subtree of leaves [index·2^level, +2^level)


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly below n (n ≥ 2): where RFC 9162 splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_cover(start: int, end: int) -> list[Node]:
    """The perfect subtrees that tile [start, end), left to right, as the RFC tree groups them.

    Every range a proof names starts at a multiple of a power of two at least as large as the
    range, so greedy largest-first tiling reproduces the tree's own shape.
    """
    out: list[Node] = []
    while start < end:
        size = 1 << ((end - start).bit_length() - 1)
        if start:
            size = min(size, start & -start)
        level = size.bit_length() - 1
        out.append((level, start >> level))
        start += size
    return out


def fold_cover(hashes: Sequence[bytes]) -> bytes:
    """The root of a range from the hashes of its perfect cover (right-to-left, as in MTH)."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for h in reversed(hashes[:-1]):
        result = node_hash(h, result)
    return result


def range_hash(start: int, end: int, perfect: Callable[[int, int], bytes]) -> bytes:
    """MTH(D[start:end]) given a lookup of perfect subtree hashes by (level, index)."""
    return fold_cover([perfect(level, index) for level, index in perfect_cover(start, end)])


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The ranges whose hashes form PATH(index, D[0:size]), leaf-side first."""
    if not 0 <= index < size:
        raise ValueError(f"index {index} is outside a tree of size {size}")
    ranges: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[Range]:
    """The ranges whose hashes form PROOF(old_size, D[0:new_size]) (RFC 9162 §2.1.4.1)."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to {new_size}")
    if old_size in (0, new_size):
        return []
    ranges: list[Range] = []
    start, end, m, complete = 0, new_size, old_size, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            m -= k
            start += k
            complete = False
    if not complete:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def nodes_for(ranges: Sequence[Range]) -> set[Node]:
    """Every perfect subtree the given ranges need: what the store reads in one query."""
    return {node for start, end in ranges for node in perfect_cover(start, end)}


def _in_memory(leaf_hashes: Sequence[bytes]) -> Callable[[int, int], bytes]:
    def perfect(level: int, index: int) -> bytes:
        start = index << level
        return perfect_root(leaf_hashes[start : start + (1 << level)])

    return perfect


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """The root of 2^k leaf hashes."""
    layer = list(hashes)
    while len(layer) > 1:
        layer = [node_hash(layer[i], layer[i + 1]) for i in range(0, len(layer), 2)]
    return layer[0]


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    return range_hash(0, len(leaf_hashes), _in_memory(leaf_hashes))


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    perfect = _in_memory(leaf_hashes)
    return [range_hash(s, e, perfect) for s, e in inclusion_ranges(index, len(leaf_hashes))]


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    perfect = _in_memory(leaf_hashes)
    return [range_hash(s, e, perfect) for s, e in consistency_ranges(old_size, len(leaf_hashes))]


def _well_formed(*hashes: bytes) -> bool:
    return all(isinstance(h, bytes | bytearray) and len(h) == HASH_SIZE for h in hashes)


def root_from_inclusion(leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2 steps 1–5; raises ValueError where the RFC says "fail".

    Written out with SHA-256 inlined: verifiers run this tens of thousands of times a second.
    """
    if not 0 <= index < tree_size or len(leaf) != HASH_SIZE:
        raise ValueError("malformed inclusion proof")
    sha256 = hashlib.sha256
    fn, sn, r = index, tree_size - 1, bytes(leaf)
    for p in proof:
        if sn == 0:
            raise ValueError("inclusion proof is too long")
        if len(p) != HASH_SIZE:
            raise ValueError("malformed inclusion proof")
        if fn & 1 or fn == sn:
            r = sha256(b"\x01" + p + r).digest()
            if not fn & 1:
                shift = (fn & -fn).bit_length() - 1 if fn else 0
                fn >>= shift
                sn >>= shift
        else:
            r = sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("inclusion proof is too short")
    return r


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    try:
        return root_from_inclusion(leaf_hash, index, tree_size, proof) == root
    except ValueError:
        return False


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2, plus the trivial cases: an empty old tree, or equal sizes."""
    if not 0 <= old_size <= new_size or not _well_formed(*proof):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
