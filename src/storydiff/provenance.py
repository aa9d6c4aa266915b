"""Who copied whom: shared passages between articles, and independent sources.

For each pair of articles:
- verbatim passages: runs of at least `MIN_RUN` words that both contain, in
  order (difflib over normalised words, so typography does not break a run);
- paraphrased passages: aligned claims whose embeddings are very close
  (`PARAPHRASE_SCORE`) but are not verbatim;
- the share of each article's words inside those passages;
- a likely direction: the earlier publication is the source when both dates
  are known; otherwise the article that reuses the larger share of itself is
  taken as the copy (a rewrite is mostly reuse; its source is not).

Articles joined by heavy reuse (`INDEPENDENCE_SHARE` of either article) are
one source for counting: a wire story and its rewrites count once.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import numpy as np

from .model import Article, Claim
from .nlp.wording import tokens

STAGE_VERSION = "storydiff.provenance.v1"
MIN_RUN = 8  # words: shorter shared runs are stock phrases ("the White House on Monday")
PARAPHRASE_SCORE = 0.8  # embedding cosine of two claims saying the same thing in other words
INDEPENDENCE_SHARE = 0.5


@dataclass(frozen=True)
class Passage:
    kind: str  # "verbatim" | "paraphrase"
    left: tuple[int, int]  # character span in the left article
    right: tuple[int, int]
    left_text: str
    right_text: str
    score: float  # 1.0 for verbatim, cosine for paraphrase


@dataclass(frozen=True)
class Reuse:
    left: str  # article ids
    right: str
    passages: tuple[Passage, ...]
    left_share: float  # share of the left article's words inside shared passages
    right_share: float
    source: str | None  # the article id judged to be the original, or None when unclear
    direction_reason: str


@dataclass(frozen=True)
class Provenance:
    articles: tuple[Article, ...]
    pairs: tuple[Reuse, ...]
    groups: tuple[tuple[str, ...], ...]  # articles that count as one source
    versions: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def independent_sources(self) -> int:
        return len(self.groups)


def verbatim_passages(a: Article, b: Article, min_run: int = MIN_RUN) -> list[Passage]:
    ta, tb = tokens(a.text), tokens(b.text)
    matcher = SequenceMatcher(a=[t[0] for t in ta], b=[t[0] for t in tb], autojunk=False)
    passages = []
    for block in matcher.get_matching_blocks():
        if block.size < min_run:
            continue
        left = (ta[block.a][1], ta[block.a + block.size - 1][2])
        right = (tb[block.b][1], tb[block.b + block.size - 1][2])
        passages.append(Passage("verbatim", left, right, a.text[slice(*left)], b.text[slice(*right)], 1.0))
    return passages


def paraphrased_passages(a_claims: list[Claim], b_claims: list[Claim], vectors: dict[str, np.ndarray],
                         verbatim: list[Passage], threshold: float = PARAPHRASE_SCORE) -> list[Passage]:
    """Best-matching claim pairs above `threshold` that verbatim runs do not already cover."""
    if not a_claims or not b_claims:
        return []
    sims = np.stack([vectors[c.id] for c in a_claims]) @ np.stack([vectors[c.id] for c in b_claims]).T
    passages = []
    for i, claim in enumerate(a_claims):
        j = int(np.argmax(sims[i]))
        other = b_claims[j]
        if sims[i, j] < threshold or int(np.argmax(sims[:, j])) != i:
            continue  # keep mutual best matches only
        if any(p.left[0] < claim.end and claim.start < p.left[1] for p in verbatim):
            continue
        passages.append(Passage("paraphrase", (claim.start, claim.end), (other.start, other.end),
                                claim.text, other.text, round(float(sims[i, j]), 3)))
    return passages


def _share(text: str, spans: list[tuple[int, int]]) -> float:
    words = tokens(text)
    if not words:
        return 0.0
    covered = sum(1 for _, start, end in words if any(s <= start and end <= e for s, e in spans))
    return covered / len(words)


def _direction(a: Article, b: Article, a_share: float, b_share: float) -> tuple[str | None, str]:
    if a.published and b.published and a.published[:19] != b.published[:19]:
        earlier, later = (a, b) if a.published < b.published else (b, a)
        return earlier.id, f"{earlier.label} was published first ({earlier.published} vs {later.published})"
    if max(a_share, b_share) < 0.05:
        return None, "too little shared text to tell"
    if abs(a_share - b_share) < 0.1:
        return None, "each reuses a similar share of the other"
    source, copy = (a, b) if a_share < b_share else (b, a)
    copied = max(a_share, b_share)
    return source.id, f"{copy.label} is {copied:.0%} reused material; {source.label} is less ({min(a_share, b_share):.0%})"


def _groups(articles: list[Article], pairs: list[Reuse]) -> tuple[tuple[str, ...], ...]:
    parent = {a.id: a.id for a in articles}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        if max(pair.left_share, pair.right_share) >= INDEPENDENCE_SHARE:
            parent[find(pair.left)] = find(pair.right)
    groups: dict[str, list[str]] = {}
    for a in articles:
        groups.setdefault(find(a.id), []).append(a.id)
    return tuple(tuple(g) for g in groups.values())


def trace_provenance(articles: list[Article], settings=None, embedder=None, analysis=None) -> Provenance:
    """Shared passages, reuse shares and direction for every pair of articles.

    `analysis` (a `pipeline.Analysis` over these articles or more, e.g. the one a comparison of
    them used) saves analysing them again."""
    from .pipeline import analyse_articles

    articles = list({a.id: a for a in articles}.values())
    if analysis is None:
        per_article, vectors, _ = analyse_articles(articles, settings, embedder)
    else:
        per_article, vectors, _ = analysis.of(articles)
    pairs = []
    for (i, a), (j, b) in itertools.combinations(enumerate(articles), 2):
        verbatim = verbatim_passages(a, b)
        paraphrase = paraphrased_passages(per_article[i], per_article[j], vectors, verbatim)
        passages = verbatim + paraphrase
        a_share = _share(a.text, [p.left for p in passages])
        b_share = _share(b.text, [p.right for p in passages])
        source, reason = _direction(a, b, a_share, b_share)
        pairs.append(Reuse(a.id, b.id, tuple(passages), round(a_share, 3), round(b_share, 3), source, reason))
    return Provenance(tuple(articles), tuple(pairs), _groups(articles, pairs), {"provenance": STAGE_VERSION})
