"""A stand-in for `storydiff.stories`, used ONLY while that module has not landed.

It implements the agreed API with deliberately simple methods (hashed
bag-of-words vectors, centroid threshold, MinHash LSH) so the corpus and
store can be tested on their own. When `storydiff.stories` imports, the
tests use the real module and this file is unused.
"""

from __future__ import annotations

import hashlib
import re
import sys
import types
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pytest

STAGE_VERSION = "standin.stories.v0"
_DIM = 256
_WORD = re.compile(r"[A-Za-z]+|\d+")


@dataclass(frozen=True)
class StorySignals:
    article_id: str
    vector: np.ndarray
    entities: frozenset
    figures: frozenset
    published: datetime | None


def _vector(text: str) -> np.ndarray:
    v = np.zeros(_DIM, np.float32)
    for w in _WORD.findall(text.lower()):
        v[int(hashlib.md5(w.encode()).hexdigest()[:6], 16) % _DIM] += 1
    return v / (np.linalg.norm(v) or 1.0)


def signals_for(articles, settings, embedder=None):
    out = []
    for a in articles:
        try:
            published = datetime.fromisoformat(a.published) if a.published else None
        except ValueError:
            published = None
        out.append(StorySignals(a.id, _vector(a.text), frozenset(re.findall(r"\b[A-Z][a-z]+\b", a.text)),
                                frozenset(re.findall(r"\d+", a.text)), published))
    return out


class StoryClusterer:
    threshold = 0.6

    def __init__(self, settings):
        self.sums: dict[str, np.ndarray] = {}
        self.of: dict[str, str] = {}

    def _put(self, s, story):
        self.sums[story] = self.sums.get(story, np.zeros(_DIM, np.float32)) + s.vector
        self.of[s.article_id] = story

    def add(self, signals) -> str:
        best, score = None, self.threshold
        for story, total in self.sums.items():
            sim = float(np.dot(total, signals.vector) / (np.linalg.norm(total) or 1.0))
            if sim >= score:
                best, score = story, sim
        story = best or "st" + signals.article_id[:10]
        self._put(signals, story)
        return story

    def add_many(self, items):
        return [self.add(s) for s in items]

    def restore(self, items):
        for s, story in items:
            self._put(s, story)

    def story_of(self, article_id):
        return self.of[article_id]


class DuplicateFinder:
    def __init__(self, settings):
        from datasketch import MinHash, MinHashLSH

        self._minhash, self.lsh = MinHash, MinHashLSH(threshold=0.8, num_perm=64)

    def add(self, article_id, text):
        words = text.lower().split()
        m = self._minhash(num_perm=64)
        m.update_batch([" ".join(words[i:i + 3]).encode() for i in range(max(1, len(words) - 2))])
        hits = self.lsh.query(m)
        if article_id not in self.lsh.keys.keys() if hasattr(self.lsh, "keys") else True:
            try:
                self.lsh.insert(article_id, m)
            except ValueError:
                pass
        hits = [h for h in hits if h != article_id]
        return sorted(hits)[0] if hits else None


def standin_module() -> types.ModuleType:
    module = types.ModuleType("storydiff.stories")
    for name in ("STAGE_VERSION", "StorySignals", "signals_for", "StoryClusterer", "DuplicateFinder"):
        setattr(module, name, globals()[name])
    return module


def real_stories_available() -> bool:
    """True when `storydiff.stories` (and its near-duplicate finder) import and work with the shipped settings."""
    try:
        import storydiff.stories as stories
        from storydiff.settings import load_settings

        settings = load_settings()
        stories.StoryClusterer(settings)
        if not hasattr(stories, "DuplicateFinder"):
            from storydiff.duplicates import DuplicateFinder

            DuplicateFinder(settings)
    except Exception:  # not landed yet, or its settings not yet shipped
        return False
    return True


def install() -> bool:
    """Make `storydiff.stories` importable: the real module if present, else this stand-in."""
    if real_stories_available():
        return False
    import storydiff

    sys.modules["storydiff.stories"] = storydiff.stories = standin_module()
    return True


@pytest.fixture
def stories_module(monkeypatch):
    """`storydiff.stories`: the real module when it imports, else the stand-in (for this test only)."""
    if real_stories_available():
        import storydiff.stories

        return storydiff.stories
    import storydiff

    module = standin_module()
    monkeypatch.setitem(sys.modules, "storydiff.stories", module)
    monkeypatch.setattr(storydiff, "stories", module, raising=False)  # `from . import stories` looks here first
    return module


if __name__ == "__main__":  # run the CLI with the stand-in installed (for subprocess tests)
    install()
    from storydiff.cli import main

    sys.argv[0] = "storydiff"
    main()
