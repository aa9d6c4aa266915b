"""A report read into plain, display-ready data that every renderer shares.

The terminal, Markdown and HTML renderers (and later the web app's pages)
all draw the same things: articles with their labels, a summary of counts,
and verdicts whose evidence sentences are cut into plain and highlighted
segments. Building that once here keeps the formats from drifting apart.
Nothing here formats for a medium; nothing here escapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import get_args

from ..model import Article, ConflictKind, Evidence, Label, Report, Verdict, unique_labels
from ..points import evidence_key, group_verdicts

LABELS: tuple[str, ...] = get_args(Label)
CONFLICT_KINDS: tuple[str, ...] = get_args(ConflictKind)

_WHITESPACE = re.compile(r"\s+")
MAX_COLUMNS = 3  # a card quoting more sentences lists them one under another: columns would be too narrow


@dataclass(frozen=True)
class Segment:
    text: str
    highlighted: bool


@dataclass(frozen=True)
class SummaryItem:
    kind: str  # a verdict label: "conflict", "agree", "compatible", "only_in", "unclear"
    count: int
    text: str  # "2 conflicts", "1 only in Al Jazeera"


@dataclass(frozen=True)
class ArticleView:
    id: str
    label: str  # unique within the report
    title: str | None
    published: str | None
    words: int
    source: str
    url: str | None  # only http(s) URLs, so a template may link it


@dataclass(frozen=True)
class Side:
    """One article's evidence for a verdict."""

    article_id: str
    label: str
    segments: tuple[Segment, ...]

    @property
    def highlights(self) -> list[str]:
        return [s.text for s in self.segments if s.highlighted]


@dataclass(frozen=True)
class VerdictView:
    label: str
    reason: str
    confidence: float
    sides: tuple[Side, ...]
    conflict_kind: str | None = None
    severity: float | None = None
    pairs: int = 1  # pairwise verdicts this card stands for (a point across 3+ sources: several)

    @property
    def grouped(self) -> bool:
        return self.pairs > 1

    @property
    def source_count(self) -> int:
        return len({s.article_id for s in self.sides})

    @property
    def spread(self) -> str:
        """"4 sources, 5 sentence pairs" for a card of several pairs of sentences, else ""."""
        return f"{self.source_count} sources, {self.pairs} sentence pairs" if self.grouped else ""

    @property
    def kind_name(self) -> str:
        """"quote wording conflict", "compatible", ... for headings."""
        if self.label == "conflict":
            return f"{(self.conflict_kind or 'other').replace('_', ' ')} conflict"
        return self.label.replace("_", " ")

    @property
    def severity_word(self) -> str:
        if self.severity is None:
            return "unknown"
        if self.severity >= 2 / 3:
            return "high"
        if self.severity >= 1 / 3:
            return "medium"
        return "low"

    @property
    def confidence_pct(self) -> str:
        return f"{round(self.confidence * 100)}%"


@dataclass(frozen=True)
class OnlyInGroup:
    article_id: str
    label: str
    heading: str  # "Only in Al Jazeera"
    items: tuple[VerdictView, ...]


@dataclass(frozen=True)
class ReportView:
    articles: tuple[ArticleView, ...]
    summary: tuple[SummaryItem, ...]
    conflicts: tuple[VerdictView, ...]
    agreements: tuple[VerdictView, ...]
    only_in: tuple[OnlyInGroup, ...]
    unclear: tuple[VerdictView, ...]
    message: str | None  # set when there is nothing to compare
    versions: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.message is not None


def segments(evidence: Evidence) -> tuple[Segment, ...]:
    """Cut an evidence sentence into plain and highlighted runs.

    Highlights are article offsets; inside the sentence they sit at
    `span.start - evidence.sentence_start`. Spans are clipped to the
    sentence, trimmed of surrounding whitespace (so Markdown bold stays
    valid) and merged where they overlap.
    """
    sentence = evidence.sentence
    ranges: list[tuple[int, int]] = []
    for span in evidence.highlights:
        start = max(0, span.start - evidence.sentence_start)
        end = min(len(sentence), span.end - evidence.sentence_start)
        while start < end and sentence[start].isspace():
            start += 1
        while end > start and sentence[end - 1].isspace():
            end -= 1
        if start < end:
            ranges.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out: list[Segment] = []
    pos = 0
    for start, end in merged:
        if start > pos:
            out.append(Segment(sentence[pos:start], False))
        out.append(Segment(sentence[start:end], True))
        pos = end
    if pos < len(sentence) or not out:
        out.append(Segment(sentence[pos:], False))
    return tuple(out)


def flatten_whitespace(segs: tuple[Segment, ...]) -> tuple[Segment, ...]:
    """Line breaks and runs of spaces inside sentences become single spaces."""
    flat = [Segment(_WHITESPACE.sub(" ", s.text), s.highlighted) for s in segs]
    if flat:
        flat[0] = Segment(flat[0].text.lstrip(), flat[0].highlighted)
        flat[-1] = Segment(flat[-1].text.rstrip(), flat[-1].highlighted)
    return tuple(s for s in flat if s.text)


def word_count(article: Article) -> int:
    return len(article.text.split())


def article_labels(report: Report) -> dict[str, str]:
    """Article id -> label, made unique ("x.txt", "x.txt (2)") so columns can be told apart."""
    return unique_labels(report.articles)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def empty_message(report: Report) -> str | None:
    """The friendly line shown instead of sections when there is nothing to compare."""
    if report.verdicts:
        return None
    if not report.articles:
        if report.skipped:
            return f"Nothing to compare: none of the {len(report.skipped)} inputs could be read (listed as skipped)."
        return "Nothing to compare: no articles were given."
    if len(report.articles) == 1:
        label = report.articles[0].label
        return (
            f"Nothing to compare: only one article ({label}). Add a second article about the "
            "same story to see what the sources agree on, where they conflict and what only one says."
        )
    return "Nothing to compare: no claims in these articles could be matched or judged."


def _figure_text(verdict: Verdict, evidence: Evidence) -> str | None:
    """The figure as written on this side of a figure verdict ("five"), from the judge's detail."""
    side = "left" if evidence is verdict.evidence[0] else "right"
    figure = verdict.detail.get(side) if isinstance(verdict.detail, dict) else None
    return figure.get("text") if isinstance(figure, dict) else None


def _readings(point: list[Verdict], members: list[tuple[tuple, Evidence]],
              label_of) -> list[tuple[str, list[str]]]:
    """("five", [sources]) for each way the point's sources put it, when every side has one."""
    text_of: dict[tuple, str] = {}
    for v in point:
        for e in v.evidence:
            text = _figure_text(v, e) or " … ".join(e.sentence[s.start - e.sentence_start:s.end - e.sentence_start]
                                                    for s in sorted(e.highlights, key=lambda s: s.start))
            if text.strip():
                text_of.setdefault(evidence_key(v, e), _WHITESPACE.sub(" ", text.strip()))
    if any(key not in text_of for key, _ in members):
        return []
    readings: dict[str, list[str]] = {}
    for key, e in members:
        sources = readings.setdefault(text_of[key].lower(), [text_of[key]])
        if label_of(e.article_id) not in sources:
            sources.append(label_of(e.article_id))
    return [(sources[0], sources[1:]) for sources in readings.values()]


def _point_reason(point: list[Verdict], label: str, members, label_of, n_articles: int) -> str:
    sources = list(dict.fromkeys(label_of(e.article_id) for _, e in members))
    pairs = f"{len(point)} sentence pairs"
    share = ("both" if n_articles == 2 else f"all {n_articles}") if len(sources) == n_articles \
        else f"{len(sources)} of {n_articles}"
    if label == "conflict":
        readings = _readings(point, members, label_of)
        if len(readings) > 1:
            said = " · ".join(f"“{text}” ({', '.join(who)})" for text, who in readings)
            figure = point[0].detail.get("left") if isinstance(point[0].detail, dict) else None
            figure = figure if isinstance(figure, dict) else {}
            about = " ".join(p for p in (figure.get("predicate"), figure.get("thing")) if p)  # "injure people"
            return f"{about + ': ' if about else ''}{said}"
        worst = max(point, key=lambda v: (v.severity or 0) + v.confidence)
        return f"{pairs} disagree; the clearest: {worst.reason}"
    if label == "unclear":
        where = f" in {share} sources" if len(sources) > 2 else ""
        return f"related statements{where}; too different to call"
    readings = _readings(point, members, label_of)
    if len(readings) == 1:
        return f"“{readings[0][0]}” in {share} sources"
    if readings and label == "agree":
        return f"the same figure in {share} sources: " + " · ".join(f"“{text}” ({', '.join(who)})"
                                                                 for text, who in readings)
    if label == "compatible":
        return f"said in {share} sources, in figures or words that differ but can all be true"
    return f"the same statement in {share} sources"


class _Cards:
    """Verdicts of one report made into cards: one per verdict, or one per point of several."""

    def __init__(self, report: Report):
        self.labels = article_labels(report)
        self.order = {a.id: i for i, a in enumerate(report.articles)}
        self.n_articles = len(report.articles)

    def label_of(self, article_id: str) -> str:
        return self.labels.get(article_id, article_id[:12])

    def _article_order(self, article_id: str) -> int:
        return self.order.get(article_id, len(self.order))

    def side_of(self, e: Evidence) -> Side:
        return Side(e.article_id, self.label_of(e.article_id), segments(e))

    def verdict(self, v: Verdict) -> VerdictView:
        # Sides follow the report's article order, so a source keeps its column.
        evidence = sorted(v.evidence, key=lambda e: self._article_order(e.article_id))
        return VerdictView(v.label, v.reason, v.confidence, tuple(self.side_of(e) for e in evidence),
                           v.conflict_kind, v.severity)

    def point(self, point: list[Verdict]) -> VerdictView:
        """One card for a point several pairs of sources make: each sentence once, its highlights merged."""
        if len(point) == 1:
            return self.verdict(point[0])
        members: dict[tuple, Evidence] = {}
        for v in point:
            for e in v.evidence:
                key = evidence_key(v, e)
                if key in members:
                    spans = tuple(dict.fromkeys(members[key].highlights + e.highlights))
                    members[key] = Evidence(e.article_id, e.claim_id, e.sentence, e.sentence_start, spans)
                else:
                    members[key] = e
        ordered = sorted(members.items(), key=lambda kv: (self._article_order(kv[1].article_id),
                                                          kv[1].sentence_start))
        label = point[0].label
        if label in ("agree", "compatible"):
            label = "agree" if all(v.label == "agree" for v in point) else "compatible"
        severities = [v.severity for v in point if v.severity is not None]
        reason = _point_reason(point, label, ordered, self.label_of, self.n_articles)
        return VerdictView(label, reason, max(v.confidence for v in point),
                           tuple(self.side_of(e) for _, e in ordered), point[0].conflict_kind,
                           max(severities) if severities else None, pairs=len(point))


def point_cards(report: Report, cards: _Cards | None = None) -> list[tuple[list[int], VerdictView]]:
    """Each point of the report (indices into `report.verdicts`) with its card; only-in verdicts excluded."""
    cards = cards or _Cards(report)
    verdicts = list(report.verdicts)
    return [(p, cards.point([verdicts[i] for i in p])) for p in group_verdicts(verdicts)]


def build_view(report: Report) -> ReportView:
    maker = _Cards(report)
    label_of, order = maker.label_of, maker.order
    all_cards = [card for _, card in point_cards(report, maker)]

    def cards(labels_wanted: tuple[str, ...]) -> list[VerdictView]:
        return [c for c in all_cards if c.label in labels_wanted]

    conflicts = sorted(cards(("conflict",)), key=lambda v: -(v.severity or 0) - v.confidence)
    # What most sources say first; then what the judge met first (sorted is stable).
    agreements = sorted(cards(("agree", "compatible")),
                        key=lambda v: (v.label != "agree", -v.source_count))
    unclear = cards(("unclear",))

    groups: dict[str, list[VerdictView]] = {}
    for v in report.unique:
        owner = v.only_in or (v.evidence[0].article_id if v.evidence else "")
        groups.setdefault(owner, []).append(maker.verdict(v))
    only_in = tuple(
        OnlyInGroup(aid, label_of(aid), f"Only in {label_of(aid)}", tuple(items))
        for aid, items in sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order)))
    )

    def counted(n_cards: int, pairs: int, one: str, many: str) -> str:
        text = _plural(n_cards, one, many)
        return text if pairs == n_cards else f"{text} ({pairs} sentence pairs)"

    n_agree = [c for c in agreements if c.label == "agree"]
    n_compatible = [c for c in agreements if c.label == "compatible"]
    summary = [
        SummaryItem("conflict", len(conflicts),
                    counted(len(conflicts), sum(c.pairs for c in conflicts), "conflict", "conflicts")),
        SummaryItem("agree", len(n_agree),
                    counted(len(n_agree), sum(c.pairs for c in n_agree), "agreement", "agreements")),
    ]
    if n_compatible:
        summary.append(SummaryItem("compatible", len(n_compatible),
                                   counted(len(n_compatible), sum(c.pairs for c in n_compatible),
                                           "compatible", "compatible")))
    summary += [SummaryItem("only_in", len(g.items), f"{len(g.items)} only in {g.label}") for g in only_in]
    if unclear:
        summary.append(SummaryItem("unclear", len(unclear),
                                   counted(len(unclear), sum(c.pairs for c in unclear), "unclear", "unclear")))

    labels = maker.labels
    articles = tuple(
        ArticleView(
            id=a.id,
            label=labels[a.id],
            title=a.title if a.title and a.title != labels[a.id] else None,
            published=a.published,
            words=word_count(a),
            source=a.source,
            url=a.url if a.url and a.url.lower().startswith(("http://", "https://")) else None,
        )
        for a in report.articles
    )
    message = empty_message(report)
    return ReportView(
        articles=articles,
        summary=tuple(summary) if message is None else (),
        conflicts=tuple(conflicts),
        agreements=tuple(agreements),
        only_in=only_in,
        unclear=tuple(unclear),
        message=message,
        versions=dict(report.versions),
    )
