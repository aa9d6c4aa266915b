"""What an outlet changed between two versions of one article, claim by claim.

Not a text diff: the two versions go through the compare engine, and what is
left once identical claims are set aside is the change list: figures that
moved, quotes reworded or re-attributed, times changed, statements negated,
claims removed or added. A sentence that only changed wording is "reworded".
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Article, Verdict

STAGE_VERSION = "storydiff.revisions.v1"


@dataclass(frozen=True)
class Change:
    kind: str  # "figure" | "duration" | "time" | "quote_wording" | "attribution" | "negation" | "removed" | "added" | "reworded"
    reason: str
    before: str | None  # the old version's sentence
    after: str | None  # the new version's sentence
    verdict: Verdict


@dataclass(frozen=True)
class RevisionDiff:
    old: Article
    new: Article
    changes: tuple[Change, ...]


def diff_revisions(old: Article, new: Article, settings=None, embedder=None) -> RevisionDiff:
    from .pipeline import compare_articles

    if old.id == new.id:
        return RevisionDiff(old, new, ())
    report = compare_articles([old, new], settings, embedder=embedder)
    changes = []
    for verdict in report.verdicts:
        sides = {e.article_id: e.sentence for e in verdict.evidence}
        before, after = sides.get(old.id), sides.get(new.id)
        if verdict.label == "conflict":
            changes.append(Change(verdict.conflict_kind or "other", verdict.reason, before, after, verdict))
        elif verdict.label == "compatible":
            # "at least 95" -> "at least 105" can both be true, but the outlet changed the figure.
            was, now = verdict.detail["left"]["text"], verdict.detail["right"]["text"]
            if verdict.evidence[0].article_id != old.id:
                was, now = now, was
            changes.append(Change("figure", f"figure changed: “{was}” → “{now}”", before, after, verdict))
        elif verdict.label == "only_in":
            kind = "removed" if verdict.only_in == old.id else "added"
            changes.append(Change(kind, verdict.reason, before, after, verdict))
        elif verdict.label in ("agree", "unclear") and before and after and before != after \
                and not verdict.evidence[0].highlights:
            changes.append(Change("reworded", "the sentence was reworded", before, after, verdict))
    return RevisionDiff(old, new, tuple(changes))
