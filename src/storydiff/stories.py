"""Incremental story clustering: which articles report the same event.

    signals = signals_for(articles, settings)        # batch, the pure step
    clusterer = StoryClusterer(settings)
    clusterer.add(signals[0])          -> "s-<first article id>"
    clusterer.add_many(signals[1:])    -> [story id, ...]
    clusterer.add_and_refine(signals)  -> [story id after refinement, ...]   (what Corpus.add does)
    clusterer.restore(stored_pairs)    # rebuild from stored assignments
    clusterer.restore(stored_pairs, saved_index=load_index(payload, ndim))   # ANN index saved earlier

Near-duplicates (wire copy, reposts) live in `duplicates.py`.

Signals (`signals_for`, batched and pure). Per article:

- a document vector: all-MiniLM-L6-v2 (int8 weights, `[stories] embedder`)
  over the title and the first `lead_chars` (300) characters. News puts the
  event in the headline and lead. On ECB+ dev (B-cubed F1 of the whole
  clusterer) 250-600 characters score within 0.005 of each other and 150
  scores 0.868; 300 costs half of 600. The int8 copy scores as the fp32
  model (0.888 vs 0.886 at 300 characters) for 2.3x less CPU;
- named entities (people, organisations, places, nationalities, facilities,
  events) from spaCy NER over the first `entity_chars` (600) characters, with
  only the ner pipe running (it has its own tok2vec; the shared one, the
  tagger, parser and lemmatizer are most of spaCy's cost). People are reduced
  to their surname, so "Tara Reid" and "Reid" meet. 600 characters scored as
  well as 1,500 or the whole text; 300 scored 0.01 lower. A regex for
  capitalised phrases instead of NER is 100x cheaper but scored 0.875-0.881
  (weights retuned) against 0.885;
- figures: every quantity of nlp.quantities (counts of 10 or more, money,
  durations, percentages, ages of 10 or more) and every fully dated day, as
  keys like "count:95", "age:61", "date:2013-05-03". Pure regex, so the whole
  text is read;
- the publication time, when the article has one.

Clustering (`StoryClusterer.add`). The new article's `neighbours` nearest
articles come from a usearch HNSW index (cosine), so one add costs about
log(n); their stories are the candidates. Each candidate story is scored

    score = vector_weight  * cos(article vector, story centroid)
          + entity_weight  * entity agreement
          + figure_weight  * figure agreement
          - time_weight    * (gap to the story's time span / time_window_days)

Entity (and figure) agreement is the cosine between the article's set and the
story's profile (how many members mention each key), both weighted by IDF
over the corpus so far: sharing "Klitschko" says more than sharing
"Reuters". When the article or story has no entities (figures), a neutral
`entity_unknown` (`figure_unknown`) stands in. A story further than
`time_window_days` from the article is never joined; an unknown date is
neutral. The best story is joined when its score reaches `threshold`,
otherwise the article starts a story with id "s-<article id>" (refinement,
below, may later move articles between stories, but never renames one). All story state is sums and counts, so `restore` rebuilds exactly
the state an uninterrupted run had, whatever order the pairs arrive in.
Inserting every vector into a new HNSW graph is the costly part of a
restore, so the graph itself can be saved (`index_bytes`) and handed back
(`load_index`, `restore(..., saved_index=)`); `Corpus` keeps it beside the
database (store/ann_file.py). HNSW search is approximate, so a graph built
one article at a time and one rebuilt in bulk may in rare cases return
different neighbour lists; with 20 neighbours the stories they point to were
the same for all 64 new articles at 10k (benchmarks/reopen.py).

Why these numbers. The weights came from a logistic regression of "is this
the article's story" on the three scores, over candidate stories met while
replaying ECB+ dev (ecbplus-dev.jsonl) in file order, rescaled so the vector
weight is 1. The threshold (0.85) is the best without refinement; with it,
0.75 scored 0.006 higher on ECB+ dev (20 shuffled orders), but on unrelated
news (998 distinct SummaC source articles, scripts/stories_unrelated.py) it
put 371 pairs of articles in one story against 167 at 0.85, and the added
pairs were different events (a Formula 1 race and a striker's transfer), so
the threshold stays where wrong joins are rare. Without entities
or figures an article needs a centroid cosine of about 0.58 to join; a shared
rare name or figure lowers that, a different cast raises it. No rule names
anything about ECB+; the 7-day window is a news-cycle default that ECB+,
which has no dates, never exercised.

Refinement (`refine`). Every `refine_every` articles (and whenever the caller
asks: `Corpus` does at the end of each add), each story that grew since the
last refinement is bisected and split when its two parts are clearly apart
(`_split_of`): the later-founded part gets "s-<its first article id>". Two
events of one kind that grew as one story separate once each has a few
reports. Then each story checked or made is merged with a story near its
centroid that the split test would not cut from it and whose members it
scores at least `threshold` with (`_merge_of`): fragments of one event come
back together, and the larger story keeps its id. ECB+ dev, B-cubed F1: no
refinement 0.888 in file order, mean over 20 shuffled orders 0.867; split
alone 0.908 / 0.898; split and merge 0.929 / 0.918 (docs/evaluation.md).
Stories holding an article placed by hand (`restore(..., pinned=)`) are never
split or merged. The moves are returned and kept for `take_moves`, so a store
can follow them.

Known limit. Two events of one kind with the same protagonist (a boxer's two
title defences, a coach hired then fired by one team) share most entities and
vocabulary, and the first report of the second often joins the first story.
"""

from __future__ import annotations

import math
import re
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import numpy as np

from .errors import SettingsError
from .model import Article
from .settings import Settings, load_settings

STAGE_VERSION = "storydiff.stories.v4"  # v2: ages are figure keys ("age:61"); v3: claims v18's currencies;
# v4: notice lines ("Media playback is not supported on this device") are no part of the lead


@dataclass(frozen=True)
class StorySignals:
    article_id: str
    vector: np.ndarray  # unit-normalised document embedding
    entities: frozenset[str]  # normalised named entities (people, places, orgs, events)
    figures: frozenset[str]  # normalised figures and full dates, e.g. "count:95", "date:2013-05-03"
    published: datetime | None  # timezone-aware UTC, or None when unknown


# --------------------------------------------------------------------------- signals

_ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"}


# Page furniture that plain-text dumps of news pages keep at the top ("Media playback is not supported on
# this device" opens BBC sport pages): lines that say nothing of the story. Left in the lead, one such line
# is a large part of 300 characters and pulls unrelated pages of one site together.
_NOTICE_LINE = re.compile(
    r"^\W*(?:media playback is (?:not supported|unsupported) on (?:this|your) device|image (?:copyright|caption)\b"
    r"|(?:please )?enable javascript|this (?:video|content) is not available|advertisement)\W*$", re.I)


def lead_text(article: Article, chars: int) -> str:
    """Title (when known and not already the first line) and the opening of the text, cut at a word;
    notice lines (`_NOTICE_LINE`) left out."""
    text = "\n".join(line for line in article.text.split("\n") if not _NOTICE_LINE.match(line.strip()))
    if article.title and not text.lstrip().startswith(article.title[:40]):
        text = f"{article.title}\n{text}"
    if len(text) <= chars:
        return text
    cut = text.rfind(" ", 0, chars)
    return text[: cut if cut > chars // 2 else chars]


def parse_published(value: str | None) -> datetime | None:
    """ISO 8601 date or datetime -> aware UTC; naive values are taken as UTC; junk -> None."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value[:10]), datetime.min.time())
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _figure_key(q) -> str | None:
    if q.unit == "years old" and q.value is not None and q.value >= 10:
        return f"age:{q.value:.6g}"  # "Eric Allen Kirkpatrick, 61," "the 33-year-old actress": who is in the story
    if q.kind in ("ordinal", "other") or q.value is None:
        return None
    value = f"{q.value:.6g}"
    if q.kind == "count" and q.value < 10 and q.hedge is None:
        return None  # "two men", "three days": too common to tell events apart
    return f"{q.kind}:{value}{q.unit if q.kind == 'money' else ''}"


def extract_figures(text: str) -> frozenset[str]:
    """Figures and fully dated days of a text, as normalised keys."""
    from .nlp.quantities import extract_quantities
    from .nlp.times import extract_times

    keys = {key for q in extract_quantities(text) if (key := _figure_key(q))}
    keys.update(f"date:{t.value}" for t in extract_times(text) if t.kind == "date" and t.value and len(t.value) == 10)
    return frozenset(keys)


def _normalise_entity_text(text: str, label: str) -> str | None:
    words = re.findall(r"[\w&.-]+", text.lower().replace("’s", "").replace("'s", ""))
    words = [w for w in words if w not in ("the", "a", "an")]
    if not words:
        return None
    return words[-1] if label == "PERSON" else " ".join(words)


def extract_entities(texts: list[str], batch_size: int = 64) -> list[frozenset[str]]:
    """Named entities of each text via spaCy NER only (no tagger/parser/lemmatizer: they are the slow part).

    `load_ner_nlp` holds only the pipes NER needs: `en_core_web_sm`'s ner has its own tok2vec, and the
    shared one (feeding the tagger and parser) was two thirds of the time for the same entities.
    """
    from .nlp.language import load_ner_nlp, one_blas_thread

    nlp = load_ner_nlp()
    out: list[frozenset[str]] = []
    with one_blas_thread():
        for doc in nlp.pipe(texts, batch_size=batch_size):
            names = {_normalise_entity_text(e.text, e.label_) for e in doc.ents if e.label_ in _ENTITY_LABELS}
            names.discard(None)
            out.append(frozenset(names))
    return out


def story_backend(settings: Settings) -> str:
    """The document embedder's backend: `[stories] embedder`, or the `[embedder]` backend when that is empty."""
    return settings.get("stories", "embedder") or settings.get("embedder", "backend")


def story_embedder(settings: Settings):
    from .backends.embedder import get_embedder

    return get_embedder(settings, backend=story_backend(settings))


_HANDOVER_SECONDS = 0.0005
_handover_lock = threading.Lock()
_handover_users = 0
_handover_before = 0.0


@contextmanager
def quick_gil_handover():
    """Python's switch interval at 0.5 ms instead of 5 inside the block (and back after the last
    such block ends).

    The lead embedder's thread needs the GIL twice a lead, for a few microseconds around each
    ONNX Runtime call, while this thread runs NER and the figure regexes. A thread that wants the
    GIL asks its holder to let go only after waiting a whole switch interval, so at 5 ms the
    embedder spent more time waiting than computing: 199 ECB+ articles took 1.33-1.45 s to add,
    against 1.11-1.20 s at 0.5 ms (docs/benchmarks.md). `Corpus.add` runs in it whole (its reading
    threads share the GIL too), and `signals_for` wherever it is called (eval stories); blocks
    nest. compare, whose embedder holds the GIL less often, was no faster at 0.5 ms and does not
    use it.
    """
    global _handover_users, _handover_before
    with _handover_lock:
        if _handover_users == 0:
            _handover_before = sys.getswitchinterval()
            sys.setswitchinterval(min(_handover_before, _HANDOVER_SECONDS))
        _handover_users += 1
    try:
        yield
    finally:
        with _handover_lock:
            _handover_users -= 1
            if _handover_users == 0:
                sys.setswitchinterval(_handover_before)


def signals_for(articles: list[Article], settings: Settings | None = None, embedder=None,
                alongside: Callable[[], None] | None = None) -> list[StorySignals]:
    """The pure, batched step: one StorySignals per article (same order).

    `embedder` defaults to `story_embedder(settings)`. The embedder runs in a
    second thread beside spaCy NER and the figure regexes: ONNX Runtime
    releases the GIL, so on two cores the two halves overlap. `alongside`, when
    given, is called in this thread after the figures, while the embedder may
    still run (Corpus makes its MinHashes there: the lead vectors take about as
    long as NER and the figures, so it fills the wait).
    """
    settings = settings or load_settings()
    params = StoryParams.from_settings(settings)
    if not articles:
        return []
    embedder = embedder or story_embedder(settings)
    with quick_gil_handover(), ThreadPoolExecutor(max_workers=1) as pool:
        leads = pool.submit(embedder.encode, [lead_text(a, params.lead_chars) for a in articles])
        entities = extract_entities([lead_text(a, params.entity_chars) for a in articles])
        figures = [extract_figures(lead_text(a, params.figure_chars)) for a in articles]
        if alongside is not None:
            alongside()
        vectors = np.asarray(leads.result(), dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return [
        StorySignals(article_id=a.id, vector=vectors[i], entities=entities[i], figures=figures[i],
                     published=parse_published(a.published))
        for i, a in enumerate(articles)
    ]


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class StoryParams:
    """The [stories] settings the clusterer reads (see defaults.toml and the module docstring)."""

    lead_chars: int = 300
    entity_chars: int = 600
    figure_chars: int = 100_000
    neighbours: int = 20
    threshold: float = 0.85
    vector_weight: float = 1.0
    best_member_weight: float = 0.0
    entity_weight: float = 0.9
    figure_weight: float = 0.8
    entity_unknown: float = 0.1  # stands in for the entity score when either side has none
    figure_unknown: float = 0.1
    time_window_days: float = 7.0
    time_weight: float = 0.1
    refine_every: int = 64  # check the stories that grew for a split after this many articles (0: never)
    split_min_part: int = 4  # each part of a split holds at least this many articles
    split_margin: float = 0.4  # mean (own part - other part) score a split must reach
    split_vector_margin: float = 0.06  # and the mean (own part - other part) centroid cosine
    split_max_cross: float = 1.2  # and the members' mean score with the other part stays below this
    split_max_size: int = 200  # larger stories are not checked (the check is quadratic in the size)
    merge_neighbours: int = 10  # nearest articles to a checked story's centroid: their stories may merge (0: never)

    @classmethod
    def from_settings(cls, settings: Settings) -> StoryParams:
        section = settings.values.get("stories", {})
        values = {}
        for name, default in cls.__dataclass_fields__.items():
            if name not in section:
                continue
            value = section[name]
            kind = type(cls.__dataclass_fields__[name].default)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise SettingsError(f"[stories] {name} must be a number >= 0, not {value!r}")
            values[name] = kind(value)
        return cls(**values)


# --------------------------------------------------------------------------- clustering


class _Frequencies:
    """How many articles carry each key (an entity or a figure), in an array indexed by key number,
    so a story's whole profile is weighted in one numpy expression rather than a loop over its keys."""

    def __init__(self):
        self.number: dict[str, int] = {}
        self.df = np.zeros(1024, dtype=np.float64)

    def update(self, keys: Iterable[str]) -> None:
        for key in keys:
            i = self.number.setdefault(key, len(self.number))
            if i == len(self.df):
                self.df = np.concatenate([self.df, np.zeros_like(self.df)])
            self.df[i] += 1

    def get(self, key: str) -> float:
        i = self.number.get(key)
        return 0.0 if i is None else float(self.df[i])


class _Profile:
    """A story's keys of one kind (key numbers in `_Frequencies`) and how many members carry each,
    as parallel lists kept up to date per member: O(the article's keys), whatever the story's size."""

    def __init__(self):
        self.slot: dict[str, int] = {}
        self.numbers: list[int] = []
        self.counts: list[float] = []

    def add(self, keys: Iterable[str], frequencies: _Frequencies) -> None:
        for key in keys:
            i = self.slot.get(key)
            if i is None:
                self.slot[key] = len(self.numbers)
                self.numbers.append(frequencies.number[key])
                self.counts.append(1.0)
            else:
                self.counts[i] += 1.0


@dataclass
class _Story:
    id: str
    vector_sum: np.ndarray
    size: int = 0
    first: datetime | None = None
    last: datetime | None = None
    # how many members mention each entity and figure key
    profiles: dict[str, _Profile] = field(default_factory=lambda: {"entities": _Profile(), "figures": _Profile()})

    def add(self, s: StorySignals, entity_df: _Frequencies, figure_df: _Frequencies) -> None:
        self.vector_sum += s.vector
        self.size += 1
        self.profiles["entities"].add(s.entities, entity_df)
        self.profiles["figures"].add(s.figures, figure_df)
        if s.published is not None:
            self.first = s.published if self.first is None else min(self.first, s.published)
            self.last = s.published if self.last is None else max(self.last, s.published)


class StoryClusterer:
    def __init__(self, settings: Settings | None = None, params: StoryParams | None = None):
        self.params = params or StoryParams.from_settings(settings or load_settings())
        self._index = None
        self._keys: list[str] = []  # usearch key -> article id
        self._story_of: dict[str, str] = {}
        self._stories: dict[str, _Story] = {}
        self._entity_df = _Frequencies()
        self._figure_df = _Frequencies()
        self._signals: dict[str, StorySignals] = {}
        self._members: dict[str, list[str]] = {}  # story id -> article ids, in arrival order
        self._grown: set[str] = set()  # stories with new members since the last refinement
        self._pinned: set[str] = set()  # articles placed by hand: never moved, their stories never split
        self._moved: dict[str, str] = {}  # article id -> story id, moves by refinement not yet taken

    def __len__(self) -> int:
        return len(self._story_of)

    def story_of(self, article_id: str) -> str:
        return self._story_of[article_id]

    def stories(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for article_id, story in self._story_of.items():
            out.setdefault(story, []).append(article_id)
        return out

    def add(self, signals: StorySignals) -> str:
        if signals.article_id in self._story_of:
            return self._story_of[signals.article_id]
        best = self._best_story(signals)
        story = best[0] if best is not None and best[1] >= self.params.threshold else f"s-{signals.article_id}"
        self._attach(signals, story)
        self._grown.add(story)
        if self.params.refine_every and len(self._keys) % self.params.refine_every == 0:
            self.refine()
        return self._story_of[signals.article_id]

    def add_many(self, items: list[StorySignals]) -> list[str]:
        """Each item's story once all are added (a refinement during the batch may have moved it)."""
        for s in items:
            self.add(s)
        return [self._story_of[s.article_id] for s in items]

    def add_and_refine(self, items: list[StorySignals]) -> list[str]:
        """`add_many`, then `refine`, as a corpus does at the end of each add: each item's story after both."""
        self.add_many(items)
        self.refine()
        return [self._story_of[s.article_id] for s in items]

    def refine(self) -> dict[str, str]:
        """Split every story that grew since the last refinement and holds two separate groups,
        then merge each story checked (or made by a split) into a story it should not be apart from.

        Returns the moves ({article id: new story id}); they are also kept for `take_moves`.
        """
        moves: dict[str, str] = {}
        queue = sorted(self._grown) if self.params.refine_every else []
        self._grown = set()
        checked = set(queue)
        while queue:
            story_id = queue.pop()
            members = self._members.get(story_id, [])
            if not self.params.split_min_part * 2 <= len(members) <= self.params.split_max_size:
                continue
            if any(a in self._pinned for a in members):
                continue
            part = self._split_of(members)
            if part is None:
                continue
            new_id = f"s-{part[0]}"
            n = 1
            while new_id in self._stories:
                n += 1
                new_id = f"s-{part[0]}-{n}"
            self._move(part, story_id, new_id)
            moves.update(dict.fromkeys(part, new_id))
            queue += [story_id, new_id]
            checked.add(new_id)
        queue = sorted(checked) if self.params.merge_neighbours else []
        while queue:
            story_id = queue.pop()
            if story_id not in self._members:
                continue  # merged into another already
            other = self._merge_of(story_id)
            if other is None:
                continue
            # the larger story keeps its id (on a tie, the smaller id): fewer articles change story
            keep, gone = sorted((story_id, other), key=lambda s: (-len(self._members[s]), s))
            moves.update(dict.fromkeys(self._members[gone], keep))
            self._absorb(gone, keep)
            queue.append(keep)
        self._moved.update(moves)
        return moves

    def take_moves(self) -> dict[str, str]:
        """The refinement moves since the last call ({article id: story id}), for the caller to store."""
        moves, self._moved = self._moved, {}
        return moves

    def restore(self, items: Iterable[tuple[StorySignals, str]], saved_index=None,
                pinned: Iterable[str] = ()) -> None:
        """Take in stored (signals, story id) pairs without clustering them again.

        `saved_index` (from `load_index`, into an empty clusterer only) already holds the vectors
        of the first `len(saved_index)` items under keys 0, 1, ...: only the items after those are
        indexed here. The caller checks that it holds those articles (`index_ids`).
        `pinned` articles were placed by hand: refinement never splits their stories.
        """
        self._pinned.update(pinned)
        items = list(items)
        start = len(self._keys)
        covered = 0
        if saved_index is not None:
            if start or len(saved_index) > len(items):
                raise ValueError("a saved index seeds an empty clusterer, with at least as many items as it holds")
            self._index, covered = saved_index, len(saved_index)
        vectors = []
        for i, (signals, story) in enumerate(items):
            if signals.article_id not in self._story_of:
                self._attach(signals, story, index=False)
                if i >= covered:
                    vectors.append(signals.vector)
        if vectors:
            self._index_vectors(len(self._keys) - len(vectors), vectors)

    def sync(self, story_of: dict[str, str]) -> None:
        """Take over the stories another process gave articles this clusterer already holds.

        Its refinement may have split or merged stories, or someone merged or split them by hand
        (`restore` takes the hand-placed articles); without this, a new article could join a story
        that no longer exists and bring it back. `story_of`: the stored article id -> story id
        (articles not held here are ignored).
        """
        moved = {a: s for a, s in story_of.items() if self._story_of.get(a, s) != s}
        if not moved:
            return
        members: dict[str, list[str]] = {s: [] for s in {self._story_of[a] for a in moved} | set(moved.values())}
        self._story_of.update(moved)
        for a in self._signals:  # arrival order, as the member lists keep it
            if (story_id := self._story_of[a]) in members:
                members[story_id].append(a)
        for story_id, ids in members.items():
            if ids:
                self._rebuild(story_id, ids)
            else:
                del self._stories[story_id], self._members[story_id]
                self._grown.discard(story_id)

    def index_ids(self) -> list[str]:
        """The article ids in the ANN index, in key order (key i is the i-th)."""
        return list(self._keys)

    def index_bytes(self) -> bytearray | None:
        """The ANN index in usearch's own serialisation (for `load_index`); None while it is empty."""
        return None if self._index is None else self._index.save()

    def _index_vectors(self, first_key: int, vectors: list[np.ndarray]) -> None:
        """One bulk insert (keys first_key, first_key + 1, ...): 100k articles in seconds, not minutes."""
        self._index.add(np.arange(first_key, first_key + len(vectors)), np.asarray(vectors, dtype=np.float32))

    # -- internals

    def _attach(self, s: StorySignals, story_id: str, index: bool = True) -> None:
        if self._index is None:
            self._index = _usearch_index()(ndim=len(s.vector), **_INDEX_KIND)
        story = self._stories.get(story_id)
        if story is None:
            story = self._stories[story_id] = _Story(story_id, np.zeros(len(s.vector), dtype=np.float64))
        self._entity_df.update(s.entities)
        self._figure_df.update(s.figures)
        story.add(s, self._entity_df, self._figure_df)
        if index:
            self._index.add(len(self._keys), np.asarray(s.vector, dtype=np.float32))
        self._keys.append(s.article_id)
        self._story_of[s.article_id] = story_id
        self._signals[s.article_id] = s
        self._members.setdefault(story_id, []).append(s.article_id)

    def _move(self, part: list[str], old_id: str, new_id: str) -> None:
        """Move `part` (members of `old_id`) into a new story `new_id`; both stories' sums are rebuilt."""
        moving = set(part)
        self._rebuild(old_id, [a for a in self._members[old_id] if a not in moving])
        self._rebuild(new_id, list(part))

    def _rebuild(self, story_id: str, ids: list[str]) -> None:
        """Story `story_id` made afresh from exactly the articles `ids` (its sums, members, and theirs)."""
        story = self._stories[story_id] = _Story(story_id, np.zeros(len(self._signals[ids[0]].vector)))
        for a in ids:
            story.add(self._signals[a], self._entity_df, self._figure_df)
            self._story_of[a] = story_id
        self._members[story_id] = ids

    def _absorb(self, gone: str, keep: str) -> None:
        """Move every member of story `gone` into story `keep`; `gone` no longer exists."""
        story = self._stories[keep]
        for a in self._members[gone]:
            story.add(self._signals[a], self._entity_df, self._figure_df)
            self._story_of[a] = keep
        self._members[keep] = self._members[keep] + self._members.pop(gone)
        del self._stories[gone]

    def _merge_of(self, story_id: str) -> str | None:
        """A story that `story_id` should merge with, or None.

        The inverse of a split: two stories merge when the split test would not cut their union
        between them (members score, on average, less than `split_margin` higher with their own
        story, or their centroid cosine less than `split_vector_margin` higher) while the members
        score, on average, at least `threshold` with the other story, as an arriving article must
        to join. Candidates are the stories of the `merge_neighbours` articles nearest the
        story's centroid; both stories hold `split_min_part` articles or more (the parts a split
        leaves) and no hand-placed article. Of several, the one scored highest.
        """
        p = self.params
        members = self._members[story_id]
        min_size = max(p.split_min_part, 2)

        def eligible(ids: list[str]) -> bool:
            return min_size <= len(ids) <= p.split_max_size and not any(a in self._pinned for a in ids)

        if not eligible(members):
            return None
        story = self._stories[story_id]
        centroid = story.vector_sum / max(np.linalg.norm(story.vector_sum), 1e-12)
        found = self._index.search(np.asarray(centroid, dtype=np.float32), p.merge_neighbours)
        best: tuple[str, float] | None = None
        for other in sorted({self._story_of[self._keys[int(key)]] for key in found.keys} - {story_id}):
            others = self._members[other]
            if not eligible(others) or len(members) + len(others) > p.split_max_size:
                continue
            groups = _MemberScores(self, members + others)
            first = np.arange(len(members) + len(others)) < len(members)
            scores = groups.split_scores(first)
            together = float(scores[1].mean())
            if not self._apart(*scores) and together >= p.threshold and (best is None or together > best[1]):
                best = (other, together)
        return None if best is None else best[0]

    def _split_of(self, members: list[str]) -> list[str] | None:
        """The later-founded part of a story that should be split in two, or None.

        Ward's bisection over the members' composite vectors (document vector, and the
        IDF-weighted entity and figure sets scaled so that a dot product is the pair score),
        refined k-means style: each member goes to the part it scores higher with, scored as
        `score` scores an article against a story (itself left out of its own part). The split
        stands when both parts keep `split_min_part` members and the members score, on average,
        `split_margin` higher with their own part than with the other, and their cosine to their
        own part's centroid is, on average, `split_vector_margin` higher than to the other's.
        The second test is the sharper one (ECB+ dev: it tells a mixed story from a whole event
        better than the whole score does, whose entity and figure terms also part reports of one
        event that name different sides of it); the first keeps it from cutting on wording alone.
        """
        from scipy.cluster.hierarchy import fcluster, linkage

        groups = _MemberScores(self, members)
        labels = fcluster(linkage(groups.composite(), "ward"), 2, "maxclust")
        in_first = labels == labels[0]
        for _ in range(5):
            if min(in_first.sum(), (~in_first).sum()) < 2:
                return None
            to_first, to_second = groups.scores(in_first), groups.scores(~in_first)
            moved = to_first >= to_second
            if np.array_equal(moved, in_first):
                break
            in_first = moved
        if min(in_first.sum(), (~in_first).sum()) < self.params.split_min_part:
            return None
        if not in_first[0]:
            in_first = ~in_first
        if not self._apart(*groups.split_scores(in_first)):
            return None
        # the part holding the founder keeps the story's id
        return [a for a, first in zip(members, in_first) if not first]

    def _apart(self, own: np.ndarray, other: np.ndarray, own_cos: np.ndarray, other_cos: np.ndarray) -> bool:
        """The split test, over each member's scores with its own part and the other (`split_scores`):
        members score `split_margin` higher with their own part on average, their centroid cosine is
        `split_vector_margin` higher, and their mean score with the other part stays below
        `split_max_cross`. A split needs it; a merge needs it to fail."""
        p = self.params
        return bool((own - other).mean() >= p.split_margin and (own_cos - other_cos).mean() >= p.split_vector_margin
                    and other.mean() < p.split_max_cross)

    def _idf(self, df: _Frequencies, key: str) -> float:
        n = len(self._keys) + 1
        return math.log((n + 1) / (df.get(key) + 1)) + 1.0

    def _idf_weights(self, counts: np.ndarray) -> np.ndarray:
        """`_idf` of keys carried by `counts` articles each, for many keys at once."""
        n = len(self._keys) + 1
        return np.log((n + 1) / (counts + 1)) + 1.0

    def _profile_cosine(self, items: frozenset[str], story: _Story, kind: str, df: _Frequencies) -> float | None:
        """IDF-weighted cosine between the article's keys and the story's profile (member counts / size)."""
        profile = story.profiles[kind]
        if not items or not profile.numbers:
            return None
        dot = 0.0
        q_norm = 0.0
        for key in items:
            w = self._idf(df, key)
            q_norm += w * w
            i = profile.slot.get(key)
            if i is not None:
                dot += w * w * profile.counts[i] / story.size
        # The story side spans every key its members carry (hundreds in a big story): one array expression.
        weights = self._idf_weights(df.df[profile.numbers])
        p_norm = math.sqrt(float(np.sum((weights * np.asarray(profile.counts) / story.size) ** 2)))
        return dot / (math.sqrt(q_norm) * p_norm) if p_norm and q_norm else 0.0

    def _best_story(self, s: StorySignals) -> tuple[str, float] | None:
        if self._index is None or not len(self._keys):
            return None
        matches = self._index.search(np.asarray(s.vector, dtype=np.float32), self.params.neighbours)
        best_member: dict[str, float] = {}
        for key, distance in zip(matches.keys, matches.distances):
            story = self._story_of[self._keys[int(key)]]
            best_member[story] = max(best_member.get(story, -1.0), 1.0 - float(distance))
        best: tuple[str, float] | None = None
        for story_id, member_sim in best_member.items():
            score = self.score(s, self._stories[story_id], member_sim)
            if best is None or score > best[1]:
                best = (story_id, score)
        return best

    def features(self, s: StorySignals, story: _Story, member_sim: float) -> dict[str, float | None]:
        centroid = story.vector_sum / max(np.linalg.norm(story.vector_sum), 1e-12)
        return {
            "centroid": float(np.dot(s.vector, centroid)),
            "member": member_sim,
            "entities": self._profile_cosine(s.entities, story, "entities", self._entity_df),
            "figures": self._profile_cosine(s.figures, story, "figures", self._figure_df),
            "gap_days": _gap_days(s.published, story.first, story.last),
        }

    def score(self, s: StorySignals, story: _Story, member_sim: float) -> float:
        p = self.params
        f = self.features(s, story, member_sim)
        gap = f["gap_days"]
        if gap is not None and gap > p.time_window_days:
            return -math.inf
        score = p.vector_weight * f["centroid"] + p.best_member_weight * f["member"]
        score += p.entity_weight * (f["entities"] if f["entities"] is not None else p.entity_unknown)
        score += p.figure_weight * (f["figures"] if f["figures"] is not None else p.figure_unknown)
        if gap is not None and p.time_window_days:
            score -= p.time_weight * gap / p.time_window_days
        return score


class _MemberScores:
    """`StoryClusterer.score` (without the time term) of each member of one story against a part
    of it, for every member at once: the part's sums less the member itself when it belongs to it."""

    def __init__(self, clusterer: StoryClusterer, members: list[str]):
        self.params = clusterer.params
        signals = [clusterer._signals[a] for a in members]
        self.vectors = np.asarray([s.vector for s in signals], dtype=np.float64)
        self.sets = []  # (incidence matrix members x keys, IDF weights, weight, unknown score)
        for kind, df, weight, unknown in (("entities", clusterer._entity_df, self.params.entity_weight,
                                           self.params.entity_unknown),
                                          ("figures", clusterer._figure_df, self.params.figure_weight,
                                           self.params.figure_unknown)):
            keys = sorted({k for s in signals for k in getattr(s, kind)})
            column = {k: j for j, k in enumerate(keys)}
            incidence = np.zeros((len(signals), len(keys)))
            for i, s in enumerate(signals):
                incidence[i, [column[k] for k in getattr(s, kind)]] = 1.0
            idf = clusterer._idf_weights(np.asarray([df.get(k) for k in keys]))
            self.sets.append((incidence, idf, weight, unknown))

    def composite(self) -> np.ndarray:
        """Rows whose dot product is an article-article score: vector cosine + weighted set cosines."""
        blocks = [self.vectors]
        for incidence, idf, weight, _ in self.sets:
            rows = incidence * idf
            norms = np.linalg.norm(rows, axis=1, keepdims=True)
            blocks.append(np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0) * math.sqrt(weight))
        return np.hstack(blocks)

    def split_scores(self, first: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For a two-part split (`first` marks one part): each member's score with its own part and
        with the other, then its centroid cosine with each, in the same order."""
        to_first, to_second = self.scores(first), self.scores(~first)
        cos_first, cos_second = self.centroid_cosines(first), self.centroid_cosines(~first)
        return (np.where(first, to_first, to_second), np.where(first, to_second, to_first),
                np.where(first, cos_first, cos_second), np.where(first, cos_second, cos_first))

    def centroid_cosines(self, part: np.ndarray) -> np.ndarray:
        """Each member's cosine to the centroid of the members in `part`, itself left out."""
        own = part.astype(np.float64)
        total = self.vectors[part].sum(axis=0)
        dots = self.vectors @ total - own  # unit vectors: v . v = 1
        norms = np.sqrt(np.maximum(total @ total - 2 * own * (self.vectors @ total) + own, 0.0))
        return np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 1e-12)

    def scores(self, part: np.ndarray) -> np.ndarray:
        """Each member's score against the members in `part` (a boolean mask), itself left out."""
        own = part.astype(np.float64)
        size = part.sum() - own
        score = self.params.vector_weight * self.centroid_cosines(part)
        for incidence, idf, weight, unknown in self.sets:
            counts = incidence[part].sum(axis=0)
            w2 = idf * idf
            article = incidence @ w2  # |q|^2
            overlap = incidence @ (w2 * counts)
            shared = overlap - own * article  # sum w^2 * (profile counts less the member)
            profile = float(w2 @ (counts * counts)) - own * (2 * overlap - article)
            known = (article > 0) & (profile > 1e-12) & (size > 0)
            cosine = np.divide(shared, np.sqrt(article * np.maximum(profile, 0.0)),
                               out=np.zeros_like(shared), where=known)
            score += weight * np.where(known, cosine, unknown)
        return np.where(size > 0, score, -np.inf)


# half precision: neighbour lists as with f32 (999 of 1,000 assignments the same at 20k
# articles), half the memory, and insert and search about a third cheaper
_INDEX_KIND = {"metric": "cos", "dtype": "f16"}


def load_index(payload, ndim: int):
    """A usearch index from `StoryClusterer.index_bytes()`; ValueError when it is not one the
    clusterer would have made for `ndim`-dimensional vectors."""
    try:
        index = _usearch_index().restore(payload)
    except (RuntimeError, ValueError) as err:
        raise ValueError(f"usearch cannot read it ({err})") from None
    if index is None:
        raise ValueError("usearch cannot read it")
    kind = (index.ndim, str(index.metric).rsplit(".", 1)[-1].lower(), str(index.dtype).rsplit(".", 1)[-1].lower())
    if kind != (ndim, _INDEX_KIND["metric"], _INDEX_KIND["dtype"]):
        raise ValueError(f"it is a {kind[1]}/{kind[2]} index of {kind[0]} dimensions, not "
                         f"{_INDEX_KIND['metric']}/{_INDEX_KIND['dtype']} of {ndim}")
    return index


def usearch_version() -> str:
    import usearch

    return getattr(usearch, "__version__", "unknown")


def _usearch_index():
    """usearch's Index class, imported after onnxruntime.

    With usearch 2.26 imported first, loading onnxruntime afterwards (as the
    embedder does) crashes the process with a segmentation fault; the other
    order is fine. So onnxruntime, when installed, is always loaded first.
    """
    try:
        import onnxruntime  # noqa: F401
    except ImportError:  # pragma: no cover - the torch embedder backends do without it
        pass
    from usearch.index import Index

    return Index


def _gap_days(when: datetime | None, first: datetime | None, last: datetime | None) -> float | None:
    if when is None or first is None or last is None:
        return None
    if first <= when <= last:
        return 0.0
    nearest = first if when < first else last
    return abs((when - nearest).total_seconds()) / 86400.0
