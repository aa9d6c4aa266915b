"""Near-duplicate articles (wire copy, reposts) with MinHash LSH.

    finder = DuplicateFinder(settings)
    finder.add("a1", text)   -> None            (an original)
    finder.add("a2", repost) -> "a1"            (a copy of a1)

Method. Each text is lower-cased, reduced to its word tokens, and cut into
overlapping word shingles (`[stories] duplicate_shingle_words`, 5 by default: long
enough that two different reports of one event rarely share many, short
enough that a changed headline, byline or first line only touches the
shingles around it). A MinHash of `duplicate_num_perm` permutations estimates the
Jaccard similarity of two shingle sets; an LSH index (datasketch) finds the
earlier articles likely to be above `duplicate_threshold` without comparing against
every one, and the estimate is then checked against the threshold itself,
so LSH's false positives never count.

Why 0.7: a syndicated story re-published with a new headline and first
paragraph keeps well over 80% of its 5-word shingles; two outlets writing
up the same press release in their own words share well under 30%. The gap
is wide, so the threshold is not sensitive; 0.7 leaves room for reposts
trimmed at the end.

A copy points at the first article it matched, followed to its root, so
chains of reposts all name one original.

A signature (`signature(text)`, `num_perm` unsigned integers) can be stored
and handed back to `add`, so a process that resumes a large corpus rebuilds
the index without reading and hashing every text again; `params` names what
a stored signature was made with. `restore_many` puts a whole corpus's stored
signatures into the index at once: the LSH band keys of every article are cut
from one array (the same bytes datasketch's `insert` makes, checked on the
first article) instead of building a MinHash object per article.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from .errors import SettingsError
from .settings import Settings, load_settings

STAGE_VERSION = "storydiff.duplicates.v1"

_WORD = re.compile(r"\w+", re.UNICODE)
_SCHEME = "affine32"  # datasketch's hashing scheme; named, so stored signatures stay comparable


def shingles(text: str, size: int) -> set[bytes]:
    """Overlapping word n-grams of the lower-cased text (the whole text when shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


class DuplicateFinder:
    """Remembers every article added and names the earlier one each new article copies."""

    def __init__(self, settings: Settings | None = None):
        from datasketch import MinHashLSH

        settings = settings or load_settings()
        self.threshold = _fraction(settings, "duplicate_threshold")
        self.num_perm = _positive_int(settings, "duplicate_num_perm")
        self.shingle_words = _positive_int(settings, "duplicate_shingle_words")
        self._lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
        self.params = f"minhash {_SCHEME} sha1-32 seed=1 num_perm={self.num_perm} shingle_words={self.shingle_words}"
        self._permutations = None  # made once: drawing them for every text was half its cost
        self._hashes: dict[str, np.ndarray] = {}  # id -> MinHash values
        self._original: dict[str, str | None] = {}
        self._arrival: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._original)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._original

    def minhash(self, text: str | None = None, signature=None):
        """The MinHash of `text`, or one holding a stored `signature`."""
        from datasketch import MinHash

        m = MinHash(num_perm=self.num_perm, seed=1, hashvalues=signature, permutations=self._permutations,
                    scheme=_SCHEME)
        self._permutations = m.permutations
        if signature is None:
            m.update_batch(list(shingles(text or "", self.shingle_words)))
        return m

    def signature(self, text: str):
        """The text's MinHash values (numpy uint64), to store and hand back to `add`."""
        return self.minhash(text).hashvalues

    def add(self, article_id: str, text: str | None = None, *, signature=None) -> str | None:
        """Index the article (its text, or its stored `signature`); return the id of the earlier
        article it copies, else None.

        Adding an id a second time changes nothing and returns the first answer.
        """
        if article_id in self._original:
            return self._original[article_id]
        if text is None and signature is None:
            raise ValueError("DuplicateFinder.add needs the article's text or its signature")
        signature = self.minhash(text, signature)
        matches = [
            other
            for other in self._lsh.query(signature)
            if self._jaccard(signature.hashvalues, other) >= self.threshold
        ]
        original = None
        if matches:
            # The oldest match, so a chain of reposts names one original.
            first = min(matches, key=self._arrival.__getitem__)
            original = self._original[first] or first
        self._index(article_id, signature, original)
        return original

    def _jaccard(self, values: np.ndarray, other: str) -> float:
        """`MinHash.jaccard` against a stored article's values (one scheme, seed and num_perm here),
        without building a MinHash around them."""
        return float(np.count_nonzero(values == self._hashes[other])) / float(self.num_perm)

    def restore(self, article_id: str, original: str | None, text: str | None = None, *, signature=None) -> None:
        """Index an article whose original was found before (and stored) without looking for it again."""
        if article_id not in self._original:
            self._index(article_id, self.minhash(text, signature), original)

    def restore_many(self, rows: Iterable[tuple[str, str | None, np.ndarray | None, str | None]]) -> None:
        """`restore` for many (id, original, stored signature or None, text or None) in arrival order.

        Finds the same copies afterwards as restoring them one by one: the index holds the same
        band keys. A new process resuming a large corpus spent most of its near-copy restore in
        building a MinHash and hashing its bands one article at a time."""
        from datasketch.storage import DictSetStorage

        ids, originals, values, seen = [], [], [], set()
        for article_id, original, signature, text in rows:
            if article_id in self._original or article_id in seen:
                continue
            seen.add(article_id)
            if signature is None and text is None:
                raise ValueError(f"DuplicateFinder.restore_many needs the text or signature of {article_id}")
            ids.append(article_id)
            originals.append(original)
            values.append(signature if signature is not None else self.signature(text))
        if not ids:
            return
        matrix = np.asarray(values, dtype=np.uint32).reshape(len(ids), self.num_perm)
        bands = self._band_keys(matrix)
        # The first goes in through datasketch's own insert: it learns the MinHash scheme there,
        # and its band keys tell whether ours are the same bytes (else: one at a time, as before).
        self._index(ids[0], self.minhash(signature=matrix[0]), originals[0])
        if list(self._lsh.keys.get(ids[0])) != [keys[0] for keys in bands]:
            for i in range(1, len(ids)):
                self._index(ids[i], self.minhash(signature=matrix[i]), originals[i])
            return
        for i in range(1, len(ids)):
            self._lsh.keys.insert(ids[i], *(keys[i] for keys in bands))
            self._remember(ids[i], matrix[i], originals[i])
        for table, keys in zip(self._lsh.hashtables, bands):
            buckets = getattr(table, "_dict", None)
            if isinstance(table, DictSetStorage) and isinstance(buckets, defaultdict):
                # the in-memory storage's own dict of sets: a call of `insert` per band and
                # article was most of the restore (14 bands, so 140k calls at 10k articles)
                for key, article_id in zip(keys[1:], ids[1:]):
                    buckets[key].add(article_id)
            else:
                for i in range(1, len(ids)):
                    table.insert(keys[i], ids[i])

    def _band_keys(self, matrix: np.ndarray) -> list[list[bytes]]:
        """Per LSH band, each row's key: its slice of the MinHash values as big-endian bytes,
        as `MinHashLSH._byteswap` makes them."""
        swapped = matrix.astype(">u4")
        out = []
        for start, end in self._lsh.hashranges:
            raw = np.ascontiguousarray(swapped[:, start:end]).tobytes()
            width = (end - start) * 4
            out.append([raw[i:i + width] for i in range(0, len(raw), width)])
        return out

    def _index(self, article_id: str, signature, original: str | None) -> None:
        self._lsh.insert(article_id, signature)
        self._remember(article_id, signature.hashvalues, original)

    def _remember(self, article_id: str, values: np.ndarray, original: str | None) -> None:
        self._hashes[article_id] = values
        self._original[article_id] = original
        self._arrival[article_id] = len(self._arrival)

    def original_of(self, article_id: str) -> str | None:
        return self._original[article_id]


def _fraction(settings: Settings, key: str) -> float:
    value = settings.get("stories", key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise SettingsError(f"[stories] {key} must be a number in (0, 1], not {value!r}")
    return float(value)


def _positive_int(settings: Settings, key: str) -> int:
    value = settings.get("stories", key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SettingsError(f"[stories] {key} must be a whole number >= 1, not {value!r}")
    return value
