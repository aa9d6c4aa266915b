"""The corroborated brief: only what independent sources agree on, each with its sources.

Extractive by construction: every sentence is a source sentence, quoted whole,
chosen from verdicts where articles from at least two independent source groups
(see provenance.py) agree. Conflicts are stated as conflicts, each side in its
own words: `Al Jazeera: “…” — Rewrite: “…”`. Nothing is generated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Report, Verdict, unique_labels
from .provenance import Provenance
from .points import group_verdicts

STAGE_VERSION = "storydiff.brief.v3"  # v2: one item per point of several sources, ranked by how many back it;
# v3: a conflict says what differs, and two in the same sentences are stated once; the headline is the
# agreed sentence nearest the top of its article
MIN_SENTENCES, MAX_SENTENCES = 3, 7
MAX_CONFLICTS = 2


@dataclass(frozen=True)
class BriefItem:
    kind: str  # "agreed" | "conflict"
    sentences: tuple[tuple[str, str], ...]  # (source label, the source's own sentence)
    sources: tuple[str, ...]  # labels of every article backing it
    confidence: float
    reason: str | None = None  # for a conflict, what differs (the clearest verdict's reason)


@dataclass(frozen=True)
class Brief:
    headline: str | None
    items: tuple[BriefItem, ...]
    independent_sources: int
    note: str | None = None  # why the brief is short or empty
    versions: dict = field(default_factory=dict, hash=False, compare=False)


def _groups(verdicts: list[Verdict], group_of: dict[str, int]) -> int:
    """How many independent source groups the verdicts' articles come from."""
    return len({group_of[e.article_id] for v in verdicts for e in v.evidence})


def build_brief(report: Report, provenance: Provenance) -> Brief:
    group_of = {aid: i for i, group in enumerate(provenance.groups) for aid in group}
    label = unique_labels(report.articles)  # two articles of one outlet told apart, as the report does
    # A point gathers what several pairs of sources say of one thing (points.py): its sources are
    # every article in it, and what more independent sources back comes first.
    points = [[report.verdicts[i] for i in p] for p in group_verdicts(report.verdicts)]
    groups = [_groups(p, group_of) for p in points]
    agreed = [p for _, p in sorted(
        ((g, p) for g, p in zip(groups, points) if p[0].label in ("agree", "compatible") and g >= 2),
        key=lambda gp: (-gp[0], -max(v.confidence for v in gp[1]), gp[1][0].evidence[0].sentence_start),
    )]
    items: list[BriefItem] = []
    used_sentences: set[str] = set()
    for point in agreed:
        best = max(point, key=lambda v: v.confidence)
        lead = _lead_evidence(best)
        if lead.sentence in used_sentences:
            continue
        used_sentences.add(lead.sentence)
        sources = tuple(dict.fromkeys(label[e.article_id] for v in point for e in v.evidence))
        items.append(BriefItem("agreed", ((label[lead.article_id], lead.sentence),), sources, best.confidence))
        if len(items) == MAX_SENTENCES - MAX_CONFLICTS:
            break
    # Keep the story order of the first source, so the brief reads as an account; the headline is the
    # agreed sentence nearest the top of its own article (a lede), whichever article that is.
    items.sort(key=lambda item: _position(report, item))
    if items:
        lede = min(items, key=lambda item: _position(report, item)[1])
        items.remove(lede)
        items.insert(0, lede)
    conflicts = sorted((p for g, p in zip(groups, points) if p[0].label == "conflict" and g >= 2),
                       key=lambda p: -max((v.severity or 0) + v.confidence for v in p))
    order = {a.id: i for i, a in enumerate(report.articles)}
    stated: set = set()
    for point in conflicts:
        evidence = sorted({(e.article_id, e.sentence) for v in point for e in v.evidence},
                          key=lambda side: (order[side[0]], report.article(side[0]).text.find(side[1])))
        sides = tuple((label[aid], sentence) for aid, sentence in evidence)
        if sides in stated:
            continue  # two conflicts in the same sentences (two figures of one pair): stated once
        if len(stated) == MAX_CONFLICTS:
            break
        stated.add(sides)
        clearest = max(point, key=lambda v: (v.severity or 0) + v.confidence)
        items.append(BriefItem("conflict", sides, tuple(dict.fromkeys(s for s, _ in sides)),
                               max(v.confidence for v in point), clearest.reason))
    headline = items[0].sentences[0][1] if items and items[0].kind == "agreed" else None
    note = None
    if provenance.independent_sources < 2:
        note = "fewer than two independent sources: nothing is corroborated"
    elif len([i for i in items if i.kind == "agreed"]) < MIN_SENTENCES:
        note = "independent sources agree on little; the brief is short"
    return Brief(headline, tuple(items), provenance.independent_sources, note,
                 {"brief": STAGE_VERSION, **provenance.versions, **report.versions})


def _lead_evidence(verdict: Verdict):
    """The side to quote: for compatible figures the vaguer one, which both sources
    support ("over 57,500" is implied by "at least 57,575"); else the plainer wording."""
    if verdict.label == "compatible" and "left" in verdict.detail and "right" in verdict.detail:
        vagueness = [_vagueness(verdict.detail[side]["interval"]) for side in ("left", "right")]
        return verdict.evidence[0] if vagueness[0] >= vagueness[1] else verdict.evidence[1]
    return min(verdict.evidence, key=lambda e: len(e.sentence))


def _vagueness(interval: dict) -> tuple[float, float]:
    """Wider is vaguer; between two open-ended ranges, the lower floor is vaguer."""
    low = interval["low"] if interval["low"] is not None else float("-inf")
    high = interval["high"] if interval["high"] is not None else float("inf")
    return (high - low if high != low else 0.0), -low


def _position(report: Report, item: BriefItem) -> tuple[int, int]:
    for index, article in enumerate(report.articles):
        where = article.text.find(item.sentences[0][1])
        if where >= 0:
            return index, where
    return len(report.articles), 0
