"""智能导办 search engine over plain documents, with no Django in it.

Why a pure module: the index is built from catalog rows in production and from generated
documents in the benchmark and the tests, and a query must never touch the database (it is a
handful of dictionary lookups, which is how p99 stays within milliseconds). The index is
immutable once built; the app swaps in a new one when the catalog changes, so readers need no
lock.

How a query is understood, in order:
1. normalized (NFKC, lower case, spaces between pinyin letters removed);
2. Chinese runs are segmented by jieba with a dictionary grown from the catalog itself
   (item names, aliases and keywords, synonym terms), so 开饭店 or 不动产 stay whole;
3. Latin runs are read as pinyin: full syllables or initials (gjj → 公积金) of catalog words;
4. colloquial words are expanded through the synonym table, transitively with decaying weight
   (开饭店 → 餐饮 → 食品经营许可);
5. characters no known word covers are tried as one wrong character: a homophone (the usual
   slip of a pinyin input method, 公积今 → 公积金) or one substituted character in a longer word;
6. an unfinished last word is completed from the catalog's words (instant suggestions).
Documents are ranked with BM25F (name, aliases and keywords, a bundle's items, other text), then
filtered by region and level, and implementations of one base item collapse into one result.
"""

from __future__ import annotations

import bisect
import gc
import heapq
import logging
import math
import re
import tempfile
import threading
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jieba
from pypinyin import Style, lazy_pinyin

from ninhaoban.core.errors import InvalidInput

MAX_QUERY_CHARS = 64
MAX_LIMIT = 50
# Per query word, how many of its best postings are read; and how many top-scored documents
# are re-ranked with the name bonus, the bundle boost and the grouping of implementations.
POSTINGS_READ = 300
CANDIDATES = 100

# BM25F: a word in the name counts most, a word buried in the materials least.
FIELD_WEIGHTS = {"name": 3.0, "alias": 2.0, "items": 0.5, "text": 0.3}
K1 = 1.2
B = 0.6

# Weights of query words that the user did not literally type.
SYNONYM_DECAY = 0.8
SYNONYM_DEPTH = 3
HOMOPHONE_WEIGHT = 0.8
SUBSTITUTION_WEIGHT = 0.6
PREFIX_WEIGHT = 0.6
PREFIX_CANDIDATES = 8
PINYIN_CANDIDATES = 5

# A query that asks what a life event involves should see the bundle first.
BUNDLE_BOOST = 1.15
EVENT_INTENT_BOOST = 1.6
EVENT_INTENT = ("办什么", "要办", "哪些", "一件事", "怎么办", "手续", "需要办")
NAME_CONTAINS_BONUS = 2.0
NAME_EQUALS_BONUS = 4.0

# Words that say nothing about which service is wanted. They are dropped from queries only:
# in documents BM25's idf already gives them no weight.
_STOPWORD_TEXT = (
    "的 了 吗 呢 吧 啊 我 你 他 她 要 想 去 在 哪 个 是 有 和 与 及 或 把 给 到 能 可 会 该 "
    "怎么 怎样 如何 什么 哪里 哪儿 在哪 哪个 需要 要求 我要 我想 想要 可以 能否 是否 办理 "
    "怎么办 办什么 要办 一下 一个 请问 咨询 应该 如果 已经 还有 什么样"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_CJK = re.compile(r"[\u3400-\u9fff]")
_RUNS = re.compile(r"[\u3400-\u9fff]+|[a-z]+|[0-9]+")
_LATIN_GAP = re.compile(r"(?<=[a-z])\s+(?=[a-z])")

logger = logging.getLogger(__name__)
jieba.setLogLevel(logging.WARNING)


class QueryTooLong(InvalidInput):
    code = "query_too_long"


@dataclass(frozen=True)
class Document:
    """One searchable thing. `group` is the base item's code: the implementations of one base
    item in several regions are one answer to the user, so they collapse into one hit."""

    key: str
    kind: str
    code: str
    name: str
    region_code: str = ""
    level: str = ""
    group: str = ""
    aliases: tuple[str, ...] = ()
    text: str = ""
    items: tuple[tuple[str, str], ...] = ()
    department: str = ""
    region_name: str = ""


@dataclass(frozen=True)
class Hit:
    document: Document
    score: float


@dataclass
class Query:
    """What a query string was understood as: each index word with its weight."""

    text: str
    terms: dict[str, float] = field(default_factory=dict)
    event_intent: bool = False

    def add(self, term: str, weight: float) -> None:
        if weight > self.terms.get(term, 0.0):
            self.terms[term] = weight


def normalize(text: str) -> str:
    """Full-width letters and digits become ASCII and letters lower case, so that ＧＪＪ and gjj,
    or a kiosk keyboard's output and a phone's, are the same query."""
    folded = unicodedata.normalize("NFKC", text or "").lower().strip()
    return _LATIN_GAP.sub("", folded)


def is_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def pinyin_keys(word: str) -> tuple[str, str]:
    """Full pinyin and initials: 公积金 → ("gongjijin", "gjj"). Initials use the first letter
    (zh → z), which is what people type on a kiosk."""
    syllables = lazy_pinyin(word, errors="ignore")
    letters = lazy_pinyin(word, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(syllables).lower(), "".join(letters).lower()


_BASE_LOCK = threading.Lock()
_BASE: jieba.Tokenizer | None = None
_cache_dir: Path = Path(tempfile.gettempdir())


def set_cache_dir(path: Path) -> None:
    """jieba writes its prefix-dictionary cache on first load; the app points it into var/."""
    global _cache_dir
    _cache_dir = Path(path)


def _base_tokenizer() -> jieba.Tokenizer:
    global _BASE
    with _BASE_LOCK:
        if _BASE is None:
            base = jieba.Tokenizer()
            base.tmp_dir = str(_cache_dir)
            base.initialize()
            _BASE = base
        return _BASE


class Segmenter:
    """jieba plus the catalog's words, private to one index.

    Each index gets a copy of the general dictionary (a dict copy, tens of milliseconds) so
    that words added for one catalog never leak into another index or into tests.
    """

    DOMAIN_FREQ = 3000

    def __init__(self, words: Iterable[str] = ()) -> None:
        base = _base_tokenizer()
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ = dict(base.FREQ)
        tokenizer.total = base.total
        tokenizer.initialized = True
        self._jieba = tokenizer
        for word in words:
            self.add_word(word)

    def add_word(self, word: str) -> None:
        word = normalize(word)
        if len(word) < 2 or not is_cjk(word):
            return
        # A fixed, high frequency: a catalog word must win over the general dictionary's
        # split (开 + 饭店) without having to compute jieba's suggested frequency per word.
        tokenizer = self._jieba
        tokenizer.FREQ[word] = max(tokenizer.FREQ.get(word) or 0, self.DOMAIN_FREQ)
        tokenizer.total += self.DOMAIN_FREQ
        for end in range(1, len(word)):
            tokenizer.FREQ.setdefault(word[:end], 0)

    def index_terms(self, text: str) -> list[str]:
        """Every dictionary word found in the text (jieba's full mode): a document should be
        found by any word it contains, not only by the words of one segmentation."""
        return [t for t in self._jieba.cut(normalize(text), cut_all=True) if _keep(t)]

    def query_terms(self, text: str) -> list[str]:
        return [t for t in self._jieba.cut_for_search(normalize(text), HMM=False) if _keep(t)]


def _keep(token: str) -> bool:
    token = token.strip()
    if len(token) < 2:
        return False
    return is_cjk(token) or token.isalnum()


@dataclass
class _Postings:
    docs: array
    scores: array


class Index:
    """BM25F over documents; built once, then only read."""

    def __init__(
        self,
        documents: Iterable[Document],
        synonyms: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.documents: list[Document] = list(documents)
        self.synonyms: dict[str, tuple[str, ...]] = {
            normalize(term): tuple(normalize(t) for t in targets if normalize(t))
            for term, targets in (synonyms or {}).items()
            if normalize(term)
        }
        self._synonym_max = max((len(t) for t in self.synonyms), default=0)
        domain = self._domain_words()
        self.segmenter = Segmenter(sorted(domain))
        self._postings = self._build_postings()
        # Words a query can be resolved to: those documents contain, and synonym terms (which
        # lead to words documents contain), so shebao finds 社保 → 社会保险.
        self._domain = sorted(w for w in domain if w in self._postings or w in self.synonyms)
        self._words = sorted(t for t in self._postings if is_cjk(t))
        self._build_word_maps()
        # The index is hundreds of thousands of long-lived objects; a full collection walking
        # them would stall a query for tens of milliseconds, so they leave the collector's
        # generations. Garbage is collected first so that none of it is frozen with them;
        # nothing in an index forms reference cycles, so a replaced one is still freed by
        # reference counting.
        gc.collect()
        gc.freeze()

    # -- building -----------------------------------------------------------------------

    def _domain_words(self) -> set[str]:
        """The catalog's own vocabulary: names, aliases (keywords included) and both sides of the
        synonym table. Item names are also cut into their dictionary words so that initials and typo
        matching work on the parts people actually type (公积金 in 住房公积金提取)."""
        words: set[str] = set()
        for doc in self.documents:
            for phrase in (doc.name, *doc.aliases):
                words.add(normalize(phrase))
        for term, targets in self.synonyms.items():
            words.add(term)
            words.update(targets)
        plain = Segmenter()
        for phrase in list(words):
            words.update(plain.query_terms(phrase))
        return {w for w in words if len(w) >= 2 and is_cjk(w) and len(w) <= 24}

    def _build_postings(self) -> dict[str, _Postings]:
        seg = self.segmenter
        weighted_tf: dict[str, dict[int, float]] = defaultdict(dict)
        lengths: list[float] = []
        for number, doc in enumerate(self.documents):
            fields = {
                "name": seg.index_terms(doc.name),
                "alias": [t for phrase in doc.aliases for t in seg.index_terms(phrase)],
                "items": [t for _, name in doc.items for t in seg.index_terms(name)],
                "text": seg.index_terms(doc.text),
            }
            length = 0.0
            for fname, terms in fields.items():
                weight = FIELD_WEIGHTS[fname]
                length += weight * len(terms)
                for term in terms:
                    row = weighted_tf[term]
                    row[number] = row.get(number, 0.0) + weight
            lengths.append(length)
        total = len(self.documents)
        average = (sum(lengths) / total) if total else 1.0
        norms = [K1 * (1 - B + B * (n / average if average else 0.0)) for n in lengths]
        postings: dict[str, _Postings] = {}
        for term, row in weighted_tf.items():
            idf = math.log(1 + (total - len(row) + 0.5) / (len(row) + 0.5))
            impacts = sorted(
                ((idf * tf * (K1 + 1) / (tf + norms[d]), d) for d, tf in row.items()),
                reverse=True,
            )
            postings[term] = _Postings(
                array("i", (d for _, d in impacts)), array("f", (i for i, _ in impacts))
            )
        self._region_of = [doc.region_code for doc in self.documents]
        self._level_of = [doc.level for doc in self.documents]
        return postings

    def _build_word_maps(self) -> None:
        self._pinyin: dict[str, list[str]] = defaultdict(list)
        self._full: dict[str, list[str]] = defaultdict(list)
        self._substitutions: dict[str, list[str]] = defaultdict(list)
        for word in self._domain:
            full, initials = pinyin_keys(word)
            if full:
                self._full[full].append(word)
                self._pinyin[full].append(word)
            if len(initials) >= 2 and initials != full:
                self._pinyin[initials].append(word)
            if len(word) >= 3:
                for i in range(len(word)):
                    self._substitutions[word[:i] + "?" + word[i + 1 :]].append(word)
        for words in self._pinyin.values():
            words.sort(key=self._popularity)
        self._pinyin_sorted = sorted(self._pinyin)
        self._pinyin_max = max((len(k) for k in self._pinyin), default=0)

    # -- querying -----------------------------------------------------------------------

    def understand(self, text: str) -> Query:
        # The limit is on what the person typed, without surrounding spaces; anything far
        # longer is refused before even the spaces are trimmed. Normalizing may then lengthen
        # an accepted query a little (NFKC turns ¼ into 1⁄4), which is fine.
        raw = text or ""
        if len(raw) > 4 * MAX_QUERY_CHARS or len(raw := raw.strip()) > MAX_QUERY_CHARS:
            raise QueryTooLong(
                f"查询内容过长，请不超过{MAX_QUERY_CHARS}个字",
                f"the query is too long: at most {MAX_QUERY_CHARS} characters",
                field="q",
            )
        normalized = normalize(raw)
        query = Query(normalized)
        query.event_intent = any(word in normalized for word in EVENT_INTENT)
        runs = list(_RUNS.finditer(normalized))
        for position, run in enumerate(runs):
            last = position == len(runs) - 1 and run.end() == len(normalized)
            chunk = run.group()
            if is_cjk(chunk):
                self._read_chinese(chunk, query, last)
            elif chunk.isdigit():
                continue
            else:
                self._read_latin(chunk, query, last)
        self._expand_synonyms(query, normalized)
        return query

    def _read_chinese(self, chunk: str, query: Query, last: bool) -> None:
        covered = [False] * len(chunk)

        def cover(word: str) -> None:
            start = chunk.find(word)
            while start != -1:
                for i in range(start, start + len(word)):
                    covered[i] = True
                start = chunk.find(word, start + 1)

        for term in self.segmenter.query_terms(chunk):
            if term in STOPWORDS:
                cover(term)
            elif term in self._postings:
                query.add(term, 1.0)
                cover(term)
        for i, char in enumerate(chunk):
            if char in STOPWORDS:
                covered[i] = True
        for term in self._synonym_terms_in(chunk):
            cover(term)
        if not all(covered):
            self._one_wrong_character(chunk, covered, query)
        if last and not covered[-1]:
            self._complete_chinese(chunk, query)

    def _synonym_terms_in(self, text: str) -> list[str]:
        found = []
        for start in range(len(text)):
            for end in range(start + 2, min(len(text), start + self._synonym_max) + 1):
                if text[start:end] in self.synonyms:
                    found.append(text[start:end])
        return found

    def _complete_chinese(self, chunk: str, query: Query) -> None:
        """The user is still typing: 营业执 → 营业执照. The longest tail that starts a catalog
        word wins. A lone last character completes only a one-character query: after a whole
        word it is more likely a word of its own than the start of one."""
        smallest = 1 if len(chunk) == 1 else 2
        for size in range(min(len(chunk), 8), smallest - 1, -1):
            words = self._words_with_prefix(self._words, chunk[-size:])
            if words:
                weight = PREFIX_WEIGHT / math.sqrt(len(words))
                for word in words:
                    query.add(word, weight)
                return

    def _words_with_prefix(self, ordered: list[str], prefix: str) -> list[str]:
        """The most frequent completions: among many, the common word is the likely one."""
        found: list[str] = []
        at = bisect.bisect_left(ordered, prefix)
        while at < len(ordered) and ordered[at].startswith(prefix) and len(found) < 64:
            if ordered[at] != prefix:
                found.append(ordered[at])
            at += 1
        found.sort(key=self._popularity)
        return found[:PREFIX_CANDIDATES]

    def _popularity(self, word: str) -> tuple[int, str]:
        postings = self._postings.get(word)
        if postings is None:
            postings = self._postings.get(self._pinyin.get(word, [""])[0])
        return (-len(postings.docs) if postings else 0, word)

    def _one_wrong_character(self, chunk: str, covered: list[bool], query: Query) -> None:
        """Try the uncovered characters as typos inside a catalog word, longest first: a
        homophone of the piece, or (in words of three or more) one substituted character.
        Only characters no known word explains may be corrected: 开网店 must not become
        开饭店 when 网店 is a word of its own."""
        # pypinyin's stub wants the callback to return a str; a list (one "?" per character,
        # so syllables stay aligned with characters) is what its documentation allows
        syllables = lazy_pinyin(chunk, errors=lambda c: ["?" for _ in c])  # type: ignore[arg-type,return-value]
        for size in range(min(len(chunk), 8), 1, -1):
            for start in range(len(chunk) - size + 1):
                if all(covered[start : start + size]):
                    continue
                piece = chunk[start : start + size]
                fixable = [not covered[start + i] for i in range(size)]

                def corrects(word: str, piece: str = piece, fixable: list[bool] = fixable) -> bool:
                    return word != piece and all(
                        a == b or ok for a, b, ok in zip(word, piece, fixable, strict=True)
                    )

                homophones = self._full.get("".join(syllables[start : start + size]), ())
                words = [w for w in homophones if len(w) == size and corrects(w)]
                weight = HOMOPHONE_WEIGHT
                if not words and size >= 3:
                    weight = SUBSTITUTION_WEIGHT
                    words = [
                        w
                        for i in range(size)
                        if fixable[i]
                        for w in self._substitutions.get(piece[:i] + "?" + piece[i + 1 :], ())
                        if corrects(w)
                    ]
                if not words:
                    continue
                for word in words[:PINYIN_CANDIDATES]:
                    query.add(word, weight / math.sqrt(len(words)))
                for i in range(start, start + size):
                    covered[i] = True

    def _read_latin(self, chunk: str, query: Query, last: bool) -> None:
        if chunk in self._postings:
            query.add(chunk, 1.0)
            return
        parts = self._split_pinyin(chunk)
        if parts is None:
            self._complete_latin(chunk, query, last)
            return
        for key in parts:
            words = self._pinyin[key][:PINYIN_CANDIDATES]
            for word in words:
                query.add(word, 1.0 / math.sqrt(len(words)))

    def _split_pinyin(self, chunk: str) -> list[str] | None:
        """Cut a run of letters into the fewest catalog words' pinyin or initials
        (gjjtq → gjj + tq); None when it cannot be cut completely."""
        best: list[list[str] | None] = [None] * (len(chunk) + 1)
        best[0] = []
        for end in range(1, len(chunk) + 1):
            for start in range(max(0, end - self._pinyin_max), end):
                before = best[start]
                if before is None or chunk[start:end] not in self._pinyin:
                    continue
                candidate = [*before, chunk[start:end]]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
        return best[-1]

    def _complete_latin(self, chunk: str, query: Query, last: bool) -> None:
        """Letters still being typed: the longest cut-able head, then the tail as a prefix."""
        if not last:
            return
        for cut in range(len(chunk), -1, -1):
            head = self._split_pinyin(chunk[:cut]) if cut else []
            if head is None:
                continue
            tail = chunk[cut:]
            keys = self._words_with_prefix(self._pinyin_sorted, tail) if tail else []
            if tail and not keys:
                continue
            for key in head:
                for word in self._pinyin[key][:PINYIN_CANDIDATES]:
                    query.add(word, 1.0)
            words = [w for key in keys for w in self._pinyin[key][:2]][:PREFIX_CANDIDATES]
            for word in words:
                query.add(word, PREFIX_WEIGHT / math.sqrt(len(words)))
            return

    def _expand_synonyms(self, query: Query, normalized: str) -> None:
        frontier: dict[str, float] = {t: 1.0 for t in self._synonym_terms_in(normalized)}
        frontier.update({t: w for t, w in query.terms.items() if t in self.synonyms})
        seen: set[str] = set()
        for _ in range(SYNONYM_DEPTH):
            following: dict[str, float] = {}
            for term, weight in frontier.items():
                if term in seen:
                    continue
                seen.add(term)
                for target in self.synonyms.get(term, ()):
                    target_weight = weight * SYNONYM_DECAY
                    for word in self.segmenter.query_terms(target):
                        if word in self._postings and word not in STOPWORDS:
                            query.add(word, target_weight)
                    if target in self._postings:
                        query.add(target, target_weight)
                    if target in self.synonyms and target_weight > following.get(target, 0):
                        following[target] = target_weight
            frontier = following

    def search(
        self,
        text: str,
        *,
        regions: frozenset[str] | None = None,
        level: str | None = None,
        limit: int = 10,
    ) -> list[Hit]:
        """Best first. `regions` are the codes a user may be served in (their region and its
        ancestors); a document without a region is available everywhere. An empty query is
        not an error: it simply finds nothing."""
        query = self.understand(text)
        if not query.terms:
            return []
        limit = max(1, min(limit, MAX_LIMIT))
        totals: dict[int, float] = {}
        get = totals.get
        for term, weight in query.terms.items():
            postings = self._postings.get(term)
            if postings is None:
                continue
            # Impact order: a word in thousands of documents adds little to each, so only its
            # strongest postings are read. This bounds a query's work whatever the catalog size.
            for number, score in zip(
                postings.docs[:POSTINGS_READ], postings.scores[:POSTINGS_READ], strict=True
            ):
                totals[number] = get(number, 0.0) + weight * score
        if regions is not None or level:
            allowed = (regions or frozenset()) | {""}
            levels = {level, ""} if level else None
            region_of, level_of = self._region_of, self._level_of
            scored = [
                (score, number)
                for number, score in totals.items()
                if (regions is None or region_of[number] in allowed)
                and (levels is None or level_of[number] in levels)
            ]
        else:
            scored = [(score, number) for number, score in totals.items()]
        # Bonuses and grouping only reorder near the top; the candidates are far more than the
        # page of results, so nothing that could reach the page is cut here.
        candidates = heapq.nlargest(max(CANDIDATES, limit * 10), scored)
        best: dict[str, list] = {}
        documents = self.documents
        cjk_query = "".join(c for c in query.text if _CJK.match(c))
        for score, number in candidates:
            doc = documents[number]
            if len(cjk_query) >= 2:
                if doc.name == cjk_query:
                    score += NAME_EQUALS_BONUS
                elif cjk_query in doc.name:
                    score += NAME_CONTAINS_BONUS
            if doc.kind == "bundle":
                score *= EVENT_INTENT_BOOST if query.event_intent else BUNDLE_BOOST
            # One answer per base item, scored by its best implementation and shown as the
            # nearest one (the longest significant region code), so a villager is sent to the
            # town rather than the city when both offer it; without a region, the widest one.
            # Ties go to the smaller key, so the same query always shows the same item.
            nearness = len(doc.region_code.rstrip("0"))
            rank = (nearness if regions is not None else -nearness, score)
            entry = best.get(doc.group or doc.key)
            if entry is None:
                best[doc.group or doc.key] = [score, rank, number]
                continue
            entry[0] = max(entry[0], score)
            if rank > entry[1] or (rank == entry[1] and doc.key < documents[entry[2]].key):
                entry[1], entry[2] = rank, number
        ranked = sorted(best.values(), key=lambda e: (-e[0], documents[e[2]].key))[:limit]
        return [Hit(documents[number], round(score, 4)) for score, _, number in ranked]

    def __len__(self) -> int:
        return len(self.documents)
