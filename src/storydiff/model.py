"""The data every stage takes and returns: frozen dataclasses, no I/O.

Character offsets (`start`, `end`) always index into `Article.text`, so any
span can be quoted back from its article.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Literal

SCHEMA_VERSION = "1.4"


@dataclass(frozen=True)
class Span:
    start: int
    end: int


_RECORD_SOURCE = re.compile(r"(record|line) (\d+) of (.+)", re.DOTALL)


@dataclass(frozen=True)
class Article:
    id: str  # content hash of the normalised body text (see ingest.article_id)
    text: str
    source: str  # where it came from: a path, "-", a URL, "line N of FILE" (JSONL) or "record N of FILE" (a JSON list)
    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as found
    url: str | None = None

    @property
    def label(self) -> str:
        """A short human name for reports: outlet, else title, else source."""
        if self.outlet:
            return self.outlet
        if self.title:
            return self.title if len(self.title) <= 40 else self.title[:39] + "…"
        if self.source == "-":
            return "stdin"
        if record := _RECORD_SOURCE.fullmatch(self.source):  # which record, not only which file
            kind, number, path = record.groups()
            name = "stdin" if path == "-" else path.rsplit("/", 1)[-1]  # records read from standard input
            return f"{name}{':' if kind == 'line' else ' #'}{number}"  # "feed.jsonl:3", "list.json #2", "stdin:1"
        return self.source.rsplit("/", 1)[-1]


def unique_labels(articles) -> dict[str, str]:
    """Article id -> label, the second of two articles with one label numbered ("Gazette (2)")."""
    labels: dict[str, str] = {}
    seen: dict[str, int] = {}
    for article in articles:
        base = article.label
        seen[base] = seen.get(base, 0) + 1
        labels[article.id] = base if seen[base] == 1 else f"{base} ({seen[base]})"
    return labels


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Interval:
    """A range of real values; None means unbounded on that side.

    `low_open`/`high_open` mark strict bounds: "over 57,500" is (57500, inf).
    """

    low: float | None
    high: float | None
    low_open: bool = False
    high_open: bool = False

    @classmethod
    def point(cls, value: float) -> Interval:
        return cls(value, value)

    def contains(self, value: float) -> bool:
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        if self.high is not None and (value > self.high or (self.high_open and value == self.high)):
            return False
        return True

    def overlaps(self, other: Interval) -> bool:
        return self.gap(other) is None

    def gap(self, other: Interval) -> float | None:
        """Distance between two disjoint intervals, or None when they overlap.

        Touching closed bounds overlap; touching bounds where either is open
        give a gap of 0.0 (disjoint, but only just).
        """
        for left, right in ((self, other), (other, self)):
            if left.high is not None and right.low is not None:
                if left.high < right.low:
                    return right.low - left.high
                if left.high == right.low and (left.high_open or right.low_open):
                    return 0.0
        return None

    @property
    def midpoint(self) -> float | None:
        if self.low is not None and self.high is not None:
            return (self.low + self.high) / 2
        return self.low if self.low is not None else self.high

    def __str__(self) -> str:
        lo = "-∞" if self.low is None else f"{self.low:g}"
        hi = "∞" if self.high is None else f"{self.high:g}"
        left = "(" if self.low is None or self.low_open else "["
        right = ")" if self.high is None or self.high_open else "]"
        return f"{left}{lo}, {hi}{right}"


QuantityKind = Literal["count", "duration", "money", "percent", "fraction", "ordinal", "other"]


@dataclass(frozen=True)
class Quantity:
    """A figure as written, read into an interval.

    "just over an hour" -> value 60, unit "minute", hedge "just over",
    interval [60, 75]. Durations are always in minutes, money in the
    currency's unit, percentages in percent.
    """

    text: str  # the surface phrase, e.g. "at least 57,575"
    start: int
    end: int
    value: float  # the nominal figure as written, in `unit`
    interval: Interval
    unit: str  # "minute", "percent", "USD", "" for plain counts ...
    kind: QuantityKind
    hedge: str | None = None  # "at least", "just over", "some", ...
    thing: str | None = None  # what is counted: "Palestinians", "hostages"
    predicate: str | None = None  # what happened to it: "killed", "released"
    holder: str | None = None  # whose figure it is: "Richard Carter" (14 points), "India" (65% of traffic to India)

    @property
    def frame(self) -> str:
        """'kill Palestinians': predicate and counted thing, or "" when neither is known."""
        return " ".join(w for w in (self.predicate, self.thing) if w)


@dataclass(frozen=True)
class Quote:
    text: str  # the quoted words, without the quotation marks
    start: int
    end: int
    speaker: str | None = None
    cue: str | None = None  # "said", "told", ...


TimeKind = Literal["date", "time", "weekday", "relative"]


@dataclass(frozen=True)
class TimeMention:
    text: str
    start: int
    end: int
    kind: TimeKind
    value: str | None = None  # normalised: "2023-10-07", "17:00", "tuesday"
    of_report: bool = False  # when the source spoke ("ITAR-TASS reported September 26"), not when it happened
    # what happened then, as lemmas from the word the time dates up to its verb: ("identify",) for
    # "identified the victim on Thursday", ("suspicion", "arrest") for "arrested on suspicion ... on Tuesday"
    events: tuple[str, ...] = ()


OrderRelation = Literal["before", "after", "during"]


@dataclass(frozen=True)
class EventOrder:
    """Two events a sentence puts in order: `event` happened `relation` `anchor`.

    "The minister met the envoy hours before the strike" -> event "The minister
    met the envoy", relation "before", anchor "the strike", cue "hours before".
    The cores keep each event's head and its subject and object ("minister met
    envoy"): what must match for two reports to be ordering the same events.
    """

    event: str
    relation: OrderRelation
    anchor: str
    cue: str  # the words that state the order
    start: int  # offsets of `cue`
    end: int
    event_core: str = ""
    anchor_core: str = ""
    # Set when the anchor is the sentence before ("The strike began. Hours later, the minister met
    # the envoy."): where its words are, and that sentence, both in article offsets.
    anchor_span: Span | None = None
    anchor_sentence: Span | None = None


ClaimKind = Literal["quantity", "quote", "time", "statement"]


@dataclass(frozen=True)
class Claim:
    """One sentence-level statement of an article, with its typed parts."""

    id: str  # "<article id>:<sentence index>"
    article_id: str
    sentence_index: int
    start: int
    end: int
    text: str
    kind: ClaimKind
    quantities: tuple[Quantity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    times: tuple[TimeMention, ...] = ()
    entities: tuple[str, ...] = ()
    negated: bool = False
    orders: tuple[EventOrder, ...] = ()  # "A after B" relations, see nlp/order.py
    lemmas: tuple[str, ...] = ()  # content words, lower-case lemmas
    negated_lemmas: tuple[str, ...] = ()  # what the sentence's negations deny ("did not sign" -> "sign")
    withheld_lemmas: tuple[str, ...] = ()  # words neither affirmed nor denied: what a negation withholds ("would
    # not say what" -> "say") and what a denied verb acts on ("did not discuss a motive" -> "motive")


@dataclass(frozen=True)
class Alignment:
    left: Claim
    right: Claim
    score: float  # combined similarity in [0, 1]
    semantic: float  # embedding cosine
    lexical: float  # content-word overlap
    entity: float  # entity agreement


Label = Literal["agree", "conflict", "compatible", "only_in", "unclear"]
ConflictKind = Literal["figure", "duration", "time", "quote_wording", "attribution", "negation", "other"]


@dataclass(frozen=True)
class Evidence:
    """The words that carry a verdict, quoted from one article."""

    article_id: str
    claim_id: str
    sentence: str
    sentence_start: int
    highlights: tuple[Span, ...] = ()  # offsets into the article text


@dataclass(frozen=True)
class Verdict:
    label: Label
    reason: str  # one human-readable line
    confidence: float  # 0..1
    evidence: tuple[Evidence, ...]  # one per side; one only for only_in
    conflict_kind: ConflictKind | None = None
    severity: float | None = None  # conflicts: 0 (barely) .. 1 (far apart)
    only_in: str | None = None  # article id, for label "only_in"
    detail: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Report:
    articles: tuple[Article, ...]
    verdicts: tuple[Verdict, ...]
    versions: dict = field(default_factory=dict, hash=False, compare=False)
    skipped: tuple[dict, ...] = ()  # inputs that could not be read: {"source", "reason"}
    schema_version: str = SCHEMA_VERSION

    def by_label(self, label: Label) -> list[Verdict]:
        return [v for v in self.verdicts if v.label == label]

    @property
    def conflicts(self) -> list[Verdict]:
        return sorted(self.by_label("conflict"), key=lambda v: -(v.severity or 0) - v.confidence)

    @property
    def agreements(self) -> list[Verdict]:
        return self.by_label("agree") + self.by_label("compatible")

    @property
    def unique(self) -> list[Verdict]:
        return self.by_label("only_in")

    @property
    def points(self) -> list[list[Verdict]]:
        """The verdicts gathered into points, one per thing several pairs of sources say (points.py):
        what the reports show as one card each. Only-in verdicts are in none."""
        from .points import group_verdicts  # points reads this module

        return [[self.verdicts[i] for i in point] for point in group_verdicts(self.verdicts)]

    def article(self, article_id: str) -> Article:
        for a in self.articles:
            if a.id == article_id:
                return a
        raise KeyError(article_id)


def relative_gap(a: Interval, b: Interval) -> float:
    """Gap between two intervals as a share of their scale (0 when they overlap)."""
    gap = a.gap(b)
    if gap is None:
        return 0.0
    scale = max(abs(x) for x in (a.low, a.high, b.low, b.high) if x is not None and not math.isinf(x))
    return gap / scale if scale else 0.0
