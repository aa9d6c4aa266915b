"""Claim alignment across two articles: which claim says the same thing as which.

Three signals, weighted by settings: embedding cosine (paraphrase), content-word
overlap (shared specifics the embedding may blur) and entity agreement (the
same people and places).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .model import Alignment, Claim
from .settings import Settings

STAGE_VERSION = "storydiff.align.v1"

_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*|\d[\d,.]*")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS  # imports spaCy: only when words are needed

    return frozenset(STOP_WORDS)


def content_words(text: str) -> set[str]:
    """Lower-cased content words with possessives and plural -s folded."""
    words = set()
    stop = _stopwords()
    for raw in _WORD.findall(text):
        w = raw.lower().replace("’", "'")
        w = re.sub(r"'s?$", "", w)
        if w in stop or len(w) < 2:
            continue
        if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        words.add(w)
    return words


def _overlap(a: set, b: set) -> float:
    """Overlap coefficient: a short claim fully inside a long one still scores 1."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _entity_agreement(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    if not a or not b:
        return 0.5  # nothing to agree or disagree on
    sa, sb = set(a), set(b)
    return 2 * len(sa & sb) / (len(sa) + len(sb))  # Dice coefficient


@dataclass(frozen=True)
class ScoreMatrix:
    score: np.ndarray
    semantic: np.ndarray
    lexical: np.ndarray
    entity: np.ndarray

    def alignment(self, left: list[Claim], right: list[Claim], i: int, j: int) -> Alignment:
        return Alignment(
            left[i], right[j], float(self.score[i, j]), float(self.semantic[i, j]),
            float(self.lexical[i, j]), float(self.entity[i, j]),
        )


def score_claims(left: list[Claim], right: list[Claim], left_vecs: np.ndarray, right_vecs: np.ndarray,
                 settings: Settings) -> ScoreMatrix:
    semantic = np.clip(left_vecs @ right_vecs.T, 0.0, 1.0) if len(left) and len(right) else np.zeros((len(left), len(right)))
    left_words = [content_words(c.text) for c in left]
    right_words = [content_words(c.text) for c in right]
    lexical = np.array([[_overlap(a, b) for b in right_words] for a in left_words]).reshape(len(left), len(right))
    entity = np.array([[_entity_agreement(a.entities, b.entities) for b in right] for a in left]).reshape(len(left), len(right))
    w_sem = settings.get("align", "semantic_weight")
    w_lex = settings.get("align", "lexical_weight")
    w_ent = settings.get("align", "entity_weight")
    score = (w_sem * semantic + w_lex * lexical + w_ent * entity) / (w_sem + w_lex + w_ent)
    return ScoreMatrix(score, semantic, lexical, entity)


def align_claims(left: list[Claim], right: list[Claim], matrix: ScoreMatrix, settings: Settings,
                 top_k: int = 3) -> list[Alignment]:
    """Each left claim's counterparts (up to top_k) scoring at least [align] min_score."""
    min_score = settings.get("align", "min_score")
    alignments = []
    for i in range(len(left)):
        order = np.argsort(-matrix.score[i])[:top_k] if len(right) else []
        for j in order:
            if matrix.score[i, j] >= min_score:
                alignments.append(matrix.alignment(left, right, i, int(j)))
    return alignments
