"""Display data for the story and compare pages: the shared report view plus claim anchors.

The cards come from `report.view.build_view` and the shared macros; what the
pages add is the full text of each article with every judged sentence wrapped
in an element whose id the cards link to (`#claim-...`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Report
from ..report.view import ArticleView, ReportView, build_view

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")
# Which label colours a sentence of the full text when several verdicts cite it.
_RANK = {"conflict": 0, "only_in": 1, "agree": 2, "compatible": 3, "unclear": 4}


def anchor_id(claim_id: str) -> str:
    """An HTML id for a claim ("<article id>:<sentence index>" -> "claim-<article id>-<index>")."""
    return "claim-" + _UNSAFE_ID.sub("-", claim_id)


@dataclass(frozen=True)
class TextPiece:
    text: str
    anchor: str | None = None  # set for a judged sentence
    label: str | None = None  # the strongest verdict label citing it


@dataclass(frozen=True)
class FullArticle:
    article: ArticleView
    pieces: tuple[TextPiece, ...]


@dataclass(frozen=True)
class PageView:
    report: ReportView
    articles: tuple[FullArticle, ...]
    anchors: dict  # (article id, sentence) -> anchor id

    def anchor(self, side) -> str | None:
        """For the macros: the anchor of a card's sentence in its article's full text."""
        return self.anchors.get((side.article_id, "".join(s.text for s in side.segments)))


def build_page_view(report: Report) -> PageView:
    view = build_view(report)
    anchors: dict[tuple[str, str], str] = {}
    spans: dict[str, dict[int, tuple[int, str, str]]] = {}
    for verdict in report.verdicts:
        for ev in verdict.evidence:
            anchor = anchor_id(ev.claim_id)
            anchors.setdefault((ev.article_id, ev.sentence), anchor)
            per_article = spans.setdefault(ev.article_id, {})
            known = per_article.get(ev.sentence_start)
            if known is None or _RANK.get(verdict.label, 9) < _RANK.get(known[2], 9):
                per_article[ev.sentence_start] = (ev.sentence_start + len(ev.sentence), anchor, verdict.label)

    full = []
    by_id = {a.id: a for a in report.articles}
    for article_view in view.articles:
        text = by_id[article_view.id].text
        pieces: list[TextPiece] = []
        pos = 0
        for start, (end, anchor, label) in sorted(spans.get(article_view.id, {}).items()):
            if start < pos or end > len(text):
                continue  # overlapping or out of range: leave as plain text rather than guess
            if start > pos:
                pieces.append(TextPiece(text[pos:start]))
            pieces.append(TextPiece(text[start:end], anchor, label))
            pos = end
        if pos < len(text):
            pieces.append(TextPiece(text[pos:]))
        full.append(FullArticle(article_view, tuple(pieces)))
    return PageView(view, tuple(full), anchors)
