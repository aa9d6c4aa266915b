"""A report read into plain, display-ready data that every renderer shares.

The terminal, Markdown and HTML renderers (and later the web app's pages)
all draw the same things: articles with their labels, a summary of counts,
and verdicts whose evidence sentences are cut into plain and highlighted
segments. Building that once here keeps the formats from drifting apart.
Nothing here formats for a medium; nothing here escapes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import get_args

from ..model import Article, ConflictKind, Evidence, Label, Report, Verdict

LABELS: tuple[str, ...] = get_args(Label)
CONFLICT_KINDS: tuple[str, ...] = get_args(ConflictKind)

_WHITESPACE = re.compile(r"\s+")


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
    labels: dict[str, str] = {}
    seen: Counter[str] = Counter()
    for article in report.articles:
        base = article.label
        seen[base] += 1
        labels[article.id] = base if seen[base] == 1 else f"{base} ({seen[base]})"
    return labels


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def empty_message(report: Report) -> str | None:
    """The friendly line shown instead of sections when there is nothing to compare."""
    if report.verdicts:
        return None
    if not report.articles:
        return "Nothing to compare: no articles were given."
    if len(report.articles) == 1:
        label = report.articles[0].label
        return (
            f"Nothing to compare: only one article ({label}). Add a second article about the "
            "same story to see what the sources agree on, where they conflict and what only one says."
        )
    return "Nothing to compare: no claims in these articles could be matched or judged."


def build_view(report: Report) -> ReportView:
    labels = article_labels(report)
    order = {a.id: i for i, a in enumerate(report.articles)}

    def label_of(article_id: str) -> str:
        return labels.get(article_id, article_id[:12])

    def view(v: Verdict) -> VerdictView:
        # Sides follow the report's article order, so a source keeps its column.
        evidence = sorted(v.evidence, key=lambda e: order.get(e.article_id, len(order)))
        sides = tuple(Side(e.article_id, label_of(e.article_id), segments(e)) for e in evidence)
        return VerdictView(v.label, v.reason, v.confidence, sides, v.conflict_kind, v.severity)

    groups: dict[str, list[VerdictView]] = {}
    for v in report.unique:
        owner = v.only_in or (v.evidence[0].article_id if v.evidence else "")
        groups.setdefault(owner, []).append(view(v))
    only_in = tuple(
        OnlyInGroup(aid, label_of(aid), f"Only in {label_of(aid)}", tuple(items))
        for aid, items in sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order)))
    )

    counts = Counter(v.label for v in report.verdicts)
    summary = [
        SummaryItem("conflict", counts["conflict"], _plural(counts["conflict"], "conflict", "conflicts")),
        SummaryItem("agree", counts["agree"], _plural(counts["agree"], "agreement", "agreements")),
    ]
    if counts["compatible"]:
        summary.append(SummaryItem("compatible", counts["compatible"], f"{counts['compatible']} compatible"))
    summary += [SummaryItem("only_in", len(g.items), f"{len(g.items)} only in {g.label}") for g in only_in]
    if counts["unclear"]:
        summary.append(SummaryItem("unclear", counts["unclear"], f"{counts['unclear']} unclear"))

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
        conflicts=tuple(view(v) for v in report.conflicts),
        agreements=tuple(view(v) for v in report.agreements),
        only_in=only_in,
        unclear=tuple(view(v) for v in report.by_label("unclear")),
        message=message,
        versions=dict(report.versions),
    )
