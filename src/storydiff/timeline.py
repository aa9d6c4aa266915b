"""The figure timeline: what every source reported for a quantity, over time, with hedges.

A point is one figure in one article: its hedged interval, what it counts, and
the article's date — its publication date, else the first full date in its
opening lines (a dateline such as "Posted: Nov 27, 2005").

With a term ("killed", "hostages"), only figures about it are kept: the term
matches the figure's predicate or counted thing, or the words right around it,
or — for other wordings of the same thing ("death toll", "dead") — is close to
them in embedding space.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import Article, Quantity
from .nlp.times import extract_times

STAGE_VERSION = "storydiff.timeline.v1"
DATELINE_CHARS = 300
TERM_SIMILARITY = 0.6  # embedding cosine between the term and a figure's predicate + thing, or its thing
_WINDOW = 2


@dataclass(frozen=True)
class FigurePoint:
    article_id: str
    source: str  # the article's label
    date: str | None  # ISO date
    date_from: str | None  # "published" | "dateline"
    quantity: Quantity
    sentence: str


def article_date(article: Article) -> tuple[str | None, str | None]:
    if article.published:
        return article.published[:10], "published"
    for mention in extract_times(article.text[:DATELINE_CHARS]):
        if mention.kind == "date" and mention.value and len(mention.value) == 10 and not mention.value.startswith("--"):
            return mention.value, "dateline"
    return None, None


def _context(sentence: str, sentence_start: int, q: Quantity) -> str:
    before = sentence[: q.start - sentence_start].split()[-_WINDOW:]
    after = sentence[q.end - sentence_start :].split()[:_WINDOW]
    return " ".join(w for w in [q.predicate or "", q.thing or "", *before, *after] if w).lower()


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ings", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def figure_timeline(articles: list[Article], term: str | None = None, settings=None, embedder=None) -> list[FigurePoint]:
    """Figures (counts, durations, money, percentages) by date; `term` keeps only those about it."""
    from .backends.embedder import get_embedder
    from .nlp.claims import extract_claims
    from .settings import load_settings

    candidates = []
    for article in articles:
        date, date_from = article_date(article)
        for claim in extract_claims(article):
            for q in claim.quantities:
                if q.kind in ("ordinal", "fraction") or q.hedge == "converted":
                    continue  # a conversion ("85 million euros ($108 million)") is the same report again
                frame = q.frame
                candidates.append((FigurePoint(article.id, article.label, date, date_from, q, claim.text),
                                   _context(claim.text, claim.start, q), frame))
    if term:
        stem = _stem(term)
        lexical = [any(_stem(w).startswith(stem) for w in ctx.split()) for _, ctx, _ in candidates]
        if candidates:
            embedder = embedder or get_embedder(settings or load_settings())
            # Against the predicate + thing and the thing alone: "deaths" is about "killed".
            frames = [frame or ctx for _, ctx, frame in candidates]
            things = [c[0].quantity.thing or frame for c, frame in zip(candidates, frames)]
            vectors = embedder.encode([term] + frames + things)
            sims = vectors[1:] @ vectors[0]
            similar = np.maximum(sims[: len(frames)], sims[len(frames):]) >= TERM_SIMILARITY
        else:
            similar = np.zeros(0, bool)
        candidates = [c for c, lex, sim in zip(candidates, lexical, similar) if lex or sim]
    points = [p for p, _, _ in candidates]
    return sorted(points, key=lambda p: (p.date is None, p.date or "", p.source))


def plot_timeline(points: list[FigurePoint], path: str, title: str | None = None) -> int:
    """Save a PNG or SVG (by extension): each figure as its hedged range. Returns points drawn."""
    import matplotlib

    matplotlib.use("Agg")  # files only; no display
    from datetime import date as Date

    import matplotlib.pyplot as plt

    dated = [p for p in points if p.date]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    sources = sorted({p.source for p in dated})
    colours = {s: plt.cm.tab10(i % 10) for i, s in enumerate(sources)}
    per_day: dict[str, int] = {}
    for p in dated:
        per_day[p.date] = per_day.get(p.date, 0) + 1
    seen: dict[str, int] = {}
    for p in dated:
        # Spread the points of one day across it, so none hides another.
        seen[p.date] = seen.get(p.date, 0) + 1
        x = Date.fromisoformat(p.date).toordinal() + 0.8 * seen[p.date] / (per_day[p.date] + 1)
        iv = p.quantity.interval
        low = iv.low if iv.low is not None else 0
        low = max(low, p.quantity.value * 0.5) if low <= 0 else low  # a log axis cannot show 0
        high = iv.high if iv.high is not None else p.quantity.value * 1.5
        ax.plot([x, x], [low, high], color=colours[p.source], linewidth=4, alpha=0.35)
        marker = "^" if iv.high is None else ("v" if iv.low in (None, 0) and iv.high else "o")
        ax.plot([x], [p.quantity.value], marker=marker, color=colours[p.source], label=p.source)
        ax.annotate(p.quantity.text, (x, p.quantity.value), textcoords="offset points", xytext=(5, 3), fontsize=7)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    if unique:
        ax.legend(unique.values(), unique.keys(), fontsize=7, loc="best")
    values = [p.quantity.value for p in dated if p.quantity.value > 0]
    if values and max(values) / min(values) > 50:
        ax.set_yscale("log")  # tolls of ten and of thousands on one chart
    ticks = sorted({Date.fromisoformat(p.date).toordinal() for p in dated})
    ax.set_xticks(ticks, [Date.fromordinal(t).isoformat() for t in ticks], rotation=30, fontsize=7)
    if not dated:  # an empty frame alone reads as a broken chart
        ax.text(0.5, 0.5, "no figures or times to plot", transform=ax.transAxes, ha="center", va="center",
                color="grey")
        ax.set_yticks([])  # 0 to 1 would be no one's figures
    ax.set_ylabel("reported figure (bar: hedged range; ▲ open-ended)")
    ax.set_title(title or "Figures reported over time")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return len(dated)
