"""The compare pipeline: articles -> claims -> alignment -> verdicts -> Report."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from . import align, judge
from .backends.embedder import Embedder, get_embedder
from .backends.judges import get_pair_judge
from .errors import InputError
from .model import Article, Claim, Report, Verdict, unique_labels
from .nlp import claims as claims_stage
from .nlp.language import SPACY_MODEL
from .settings import Settings, load_settings

_CONTEXT_WORDS = 6


def quantity_context(claim: Claim, index: int) -> str:
    """The words around a figure, without the figure: what it counts and what happened."""
    q = claim.quantities[index]
    before = claim.text[: q.start - claim.start].split()[-_CONTEXT_WORDS:]
    after = claim.text[q.end - claim.start :].split()[:_CONTEXT_WORDS]
    return re.sub(r"\s+", " ", " ".join(before + after))


def quantity_frame(claim: Claim, index: int) -> str:
    """'kill Palestinians': the figure's predicate and counted thing, or "" when unknown."""
    return claim.quantities[index].frame


def _claim_texts(claim: Claim) -> list[tuple[tuple[str, object], str]]:
    """What is embedded for a claim: its sentence, and each figure's context and frame."""
    texts = [(("claim", claim.id), claim.text)]
    for i in range(len(claim.quantities)):
        texts.append((("context", (claim.id, i)), quantity_context(claim, i)))
        if frame := quantity_frame(claim, i):
            texts.append((("frame", (claim.id, i)), frame))
    return texts


# Texts per encode call: large enough to batch well; the first is smaller, to start early. Since spaCy
# got faster (docs/benchmarks.md, twelfth session) the encoder is the longer half, and chunks of 128
# beat 48 (it then runs fewer, fuller batches): 0.286 / 0.279 / 0.386 s against 0.305 / 0.297 / 0.394.
_FIRST_CHUNK, _EMBED_CHUNK = 16, 128


def analyse_articles(articles: list[Article], settings: Settings | None = None, embedder: Embedder | None = None):
    """Claims of each article, their vectors, and the figure vectors: what every later stage reads.

    spaCy holds one core and the ONNX encoder releases the GIL, so claims are
    embedded in a second thread while spaCy parses the paragraphs after them.
    """
    embedder = embedder or get_embedder(settings or load_settings())
    per_article: list[list[Claim]] = [[] for _ in articles]
    keys: list[tuple[str, object]] = []
    row: dict[str, int] = {}  # distinct text -> row: frames repeat ("kill people") and are embedded once
    pending: list[str] = []
    chunks = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        for index, claim in claims_stage.iter_claims(articles):
            per_article[index].append(claim)
            for key, text in _claim_texts(claim):
                keys.append((key, text))
                if text not in row:
                    row[text] = len(row)
                    pending.append(text)
            if len(pending) >= (_EMBED_CHUNK if chunks else _FIRST_CHUNK):
                chunks.append(pool.submit(embedder.encode, pending))
                pending = []
        if pending:
            chunks.append(pool.submit(embedder.encode, pending))
        vectors = np.concatenate([c.result() for c in chunks]) if chunks else np.zeros((0, 384), np.float32)
    vecs: dict[str, dict] = {"claim": {}, "context": {}, "frame": {}}
    for (kind, key), text in keys:
        vecs[kind][key] = vectors[row[text]]
    return per_article, vecs["claim"], judge.FigureVectors(vecs["context"], vecs["frame"])


@dataclass(frozen=True)
class Analysis:
    """What `analyse_articles` returns, keyed by article id, so that one analysis serves every stage
    that reads it, over any of its articles: a story's comparison leaves its near-copies out, its
    provenance keeps them. Made by `analyse`."""

    claims: dict[str, list[Claim]]  # article id -> its claims
    claim_vecs: dict[str, np.ndarray]  # claim id -> vector
    figure_vecs: judge.FigureVectors

    def of(self, articles: list[Article]) -> tuple[list[list[Claim]], dict[str, np.ndarray], judge.FigureVectors]:
        """The `analyse_articles` tuple for `articles`, in their order."""
        missing = [a.id for a in articles if a.id not in self.claims]
        if missing:
            raise ValueError(f"the analysis given does not cover articles {', '.join(missing)}; "
                             "analyse every article it is used for")
        return [self.claims[a.id] for a in articles], self.claim_vecs, self.figure_vecs


def analyse(articles: Iterable[Article], settings: Settings | None = None, embedder: Embedder | None = None) -> Analysis:
    """`analyse_articles` once, for `compare_articles` and `provenance.trace_provenance` to share."""
    articles = list({a.id: a for a in articles}.values())
    per_article, claim_vecs, figure_vecs = analyse_articles(articles, settings, embedder)
    return Analysis({a.id: claims for a, claims in zip(articles, per_article)}, claim_vecs, figure_vecs)


def compare_articles(articles: list[Article], settings: Settings | None = None,
                     embedder: Embedder | None = None, skipped: Iterable[InputError] = (),
                     analysis: Analysis | None = None) -> Report:
    """The claim comparison of `articles`; `analysis` (from `analyse`, over these articles or more)
    saves analysing them again."""
    settings = settings or load_settings()
    embedder = embedder or get_embedder(settings)
    versions = {
        "claims": claims_stage.STAGE_VERSION, "align": align.STAGE_VERSION, "judge": judge.STAGE_VERSION,
        "embedder": embedder.name, "spacy_model": SPACY_MODEL,
    }
    skipped = tuple({"source": e.source, "reason": e.reason} for e in skipped)
    # The same text given twice is one article, not two agreeing sources.
    articles = list({a.id: a for a in articles}.values())
    if len(articles) < 2:
        return Report(tuple(articles), (), versions, skipped=skipped)

    if analysis is None:
        per_article, claim_vecs, figure_vecs = analyse_articles(articles, settings, embedder)
    else:
        per_article, claim_vecs, figure_vecs = analysis.of(articles)

    def matrix_of(claims: list[Claim]) -> np.ndarray:
        return np.stack([claim_vecs[c.id] for c in claims]) if claims else np.zeros((0, 384), np.float32)

    pair_judge = get_pair_judge(settings)  # None: the offline rules decide statements too
    if pair_judge is not None:
        versions["judge"] = f"{judge.STAGE_VERSION}+{pair_judge.name}"
    phrases = judge.PhraseVectors(embedder)  # shared by the pairs: an event is embedded once
    labels = unique_labels(articles)  # reasons name two articles of one outlet apart, as the report does
    verdicts = []
    used: set[str] = set()
    best = [np.zeros(len(c)) for c in per_article]
    for i, j in itertools.combinations(range(len(articles)), 2):
        matrix = align.score_claims(per_article[i], per_article[j], matrix_of(per_article[i]),
                                    matrix_of(per_article[j]), settings)
        if matrix.score.size:
            best[i] = np.maximum(best[i], matrix.score.max(axis=1))
            best[j] = np.maximum(best[j], matrix.score.max(axis=0))
        ctx = judge.PairContext(articles[i], articles[j], per_article[i], per_article[j], matrix,
                                figure_vecs, settings, pair_judge, phrases, labels)
        verdicts += judge.judge_pair(ctx, used)
    verdicts = _figures_only_in_one(verdicts)
    for article, claims, scores in zip(articles, per_article, best):
        verdicts += judge.judge_unique(article, claims, scores, used, settings)
    return Report(tuple(articles), tuple(verdicts), versions, skipped=skipped)


def _figures_only_in_one(verdicts: list[Verdict]) -> list[Verdict]:
    """A figure one article reports is judged in each of its pairs. It is "reported only by" that
    article once, not once per pair that lacks it (five reports of a heist listed "85 million euros"
    three times), and not at all where another pair of articles paired it with a figure."""
    def key(e) -> tuple:
        return e.article_id, e.claim_id, e.highlights

    paired = {key(e) for v in verdicts if v.label != "only_in" and "left" in v.detail for e in v.evidence}
    kept, seen = [], set()
    for v in verdicts:
        if v.label == "only_in" and "figure" in v.detail:
            k = key(v.evidence[0])
            if k in paired or k in seen:
                continue
            seen.add(k)
        kept.append(v)
    return kept


def compare(articles_or_paths: Iterable[Article | str], settings: Settings | None = None) -> Report:
    """Compare articles (Article objects, or paths / "-" to read).

    Inputs that cannot be read are listed in `Report.skipped` with the reason;
    the rest are still compared.
    """
    from . import ingest

    settings = settings or load_settings()
    articles, paths = [], []
    for item in articles_or_paths:
        (articles if isinstance(item, Article) else paths).append(item)
    errors: list[InputError] = []
    if paths:
        loaded, errors = ingest.load_many([str(p) for p in paths], settings)
        articles += loaded
    return compare_articles(articles, settings, skipped=errors)
