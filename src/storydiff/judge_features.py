"""The default judge: the compare engine's signals as features, and a small logistic model over them.

`doc_features` turns the rule verdicts and alignment between a source and
(some of) a derived text's claims into a fixed set of numbers; `JudgeModel`
applies weights learned by scripts/train_judge.py (judge_model.json, numpy
only at run time). The same features serve a whole derived text and a
single claim, so one model gives the document's probability of being
consistent and the per-claim score for claims the rules cannot call.
"""

from __future__ import annotations

import json
import math
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .align import content_words
from .errors import ModelUnavailableError
from .nlp.places import mentions_place

FEATURES_VERSION = "storydiff.judge_features.v2"  # v2: a country in any of its forms is not new
MODEL_PATH = Path(__file__).with_name("judge_model.json")

FEATURE_NAMES = (
    "n_claims_log", "no_claims", "share_unaligned", "min_best", "mean_best", "min_semantic", "mean_semantic",
    "min_lexical", "mean_lexical", "figure_conflicts", "time_conflicts", "quote_conflicts",
    "attribution_conflicts", "negation_conflicts", "only_in_figures", "share_unclear", "share_supported_rules",
    "novel_numbers", "novel_entities", "share_novel_entities", "novel_times", "novel_words", "share_novel_words",
    "max_claim_novel_share", "novel_capitalised", "novel_bigram_share", "negation_mismatch", "length_ratio_log",
)

_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+\b")
_TOKEN = re.compile(r"[a-z0-9]+")
_NEGATIONS = frozenset({"not", "no", "never", "n't", "none", "nobody", "nothing", "neither", "nor", "without"})


@dataclass(frozen=True)
class SourceIndex:
    """What a source contains, for novelty tests: built once per source text."""

    text: str
    lower: str
    words: frozenset[str]
    numbers: frozenset[str]
    entities: frozenset[str]
    times: frozenset[str]
    bigrams: frozenset[tuple[str, str]]


_INDEX_CACHE: OrderedDict[str, SourceIndex] = OrderedDict()


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


def _bigrams(text: str) -> set[tuple[str, str]]:
    tokens = _TOKEN.findall(text.lower())
    return set(zip(tokens, tokens[1:]))


def source_index(analysis) -> SourceIndex:
    key = analysis.article.id
    if key not in _INDEX_CACHE:
        text = analysis.article.text
        _INDEX_CACHE[key] = SourceIndex(
            text=text,
            lower=text.lower(),
            words=frozenset(content_words(text)),
            numbers=frozenset(_numbers(text)),
            entities=frozenset(e for c in analysis.claims for e in c.entities),
            times=frozenset(t.value or t.text.lower() for c in analysis.claims for t in c.times),
            bigrams=frozenset(_bigrams(text)),
        )
        while len(_INDEX_CACHE) > 256:
            _INDEX_CACHE.popitem(last=False)
    return _INDEX_CACHE[key]


def new_entities(src: SourceIndex, entities) -> set[str]:
    """Named entities (their keys: "rubio", "camp david") the source neither names nor spells out, in
    any form a country goes by ("u.k." is not new where the source says "British")."""
    return {e for e in entities if e not in src.entities and e not in src.lower and not mentions_place(src.text, e)}


def new_capitalised(src: SourceIndex, text: str) -> set[str]:
    """Capitalised words inside sentences ("… envoy Marco Rubio …") that the source never uses."""
    return {w for w in _CAPITALISED.findall(text) if w.lower() not in src.lower and not mentions_place(src.text, w)}


def doc_features(result, indices: list[int], by_claim: dict) -> dict[str, float]:
    """Features of the derived claims at `indices` (all of them: the document) against the source."""
    src = source_index(result.source)
    derived = result.derived
    claims = [derived.claims[j] for j in indices]
    whole = len(indices) == len(derived.claims)
    text = derived.article.text if whole or not claims else " ".join(c.text for c in claims)
    min_score = result.settings.get("align", "min_score")
    f = dict.fromkeys(FEATURE_NAMES, 0.0)
    f["n_claims_log"] = math.log1p(len(claims))
    f["no_claims"] = float(not claims)

    if claims and result.source.claims:
        m = result.matrix
        best_i = [int(np.argmax(m.score[:, j])) for j in indices]
        best = np.array([m.score[i, j] for i, j in zip(best_i, indices)])
        semantic = np.array([m.semantic[:, j].max() for j in indices])
        lexical = np.array([m.lexical[:, j].max() for j in indices])
        f["share_unaligned"] = float(np.mean(best < min_score))
        f["min_best"], f["mean_best"] = float(best.min()), float(best.mean())
        f["min_semantic"], f["mean_semantic"] = float(semantic.min()), float(semantic.mean())
        f["min_lexical"], f["mean_lexical"] = float(lexical.min()), float(lexical.mean())
        f["negation_mismatch"] = float(sum(
            result.source.claims[i].negated != derived.claims[j].negated for i, j in zip(best_i, indices)))
    elif claims:
        f["share_unaligned"] = 1.0

    verdicts = {id(v): v for c in claims for v in by_claim.get(c.id, [])}.values()
    kinds = {"figure": "figure_conflicts", "duration": "figure_conflicts", "time": "time_conflicts",
             "quote_wording": "quote_conflicts", "attribution": "attribution_conflicts",
             "negation": "negation_conflicts"}
    for v in verdicts:
        if v.label == "conflict":
            f[kinds.get(v.conflict_kind, "negation_conflicts")] += 1
        elif v.label == "only_in" and v.detail.get("figure"):
            f["only_in_figures"] += 1
    if claims:
        labels = [{v.label for v in by_claim.get(c.id, [])} for c in claims]
        f["share_unclear"] = float(np.mean([ls == {"unclear"} for ls in labels]))
        f["share_supported_rules"] = float(np.mean([bool(ls & {"agree", "compatible"}) for ls in labels]))

    f["novel_numbers"] = float(len(_numbers(text) - src.numbers))
    entities = {e for c in claims for e in c.entities}
    novel_entities = new_entities(src, entities)
    f["novel_entities"] = float(len(novel_entities))
    f["share_novel_entities"] = len(novel_entities) / len(entities) if entities else 0.0
    times = {t.value or t.text.lower() for c in claims for t in c.times}
    f["novel_times"] = float(len({t for t in times if t not in src.times and t not in src.lower}))
    words = content_words(text)
    novel = words - src.words
    f["novel_words"] = float(len(novel))
    f["share_novel_words"] = len(novel) / len(words) if words else 0.0
    shares = [len(cw - src.words) / len(cw) for cw in (content_words(c.text) for c in claims) if cw]
    f["max_claim_novel_share"] = max(shares, default=f["share_novel_words"])
    f["novel_capitalised"] = float(len(new_capitalised(src, text)))
    bigrams = _bigrams(text)
    f["novel_bigram_share"] = len(bigrams - src.bigrams) / len(bigrams) if bigrams else 0.0
    f["length_ratio_log"] = math.log((len(text) + 1) / (len(result.source.article.text) + 1))
    return f


@dataclass(frozen=True)
class JudgeModel:
    """Logistic regression on standardised features: P(consistent) = sigmoid(w · (x - mean) / scale + b)."""

    feature_names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float
    version: str
    meta: dict

    def vector(self, features: dict[str, float]) -> np.ndarray:
        return np.array([features[name] for name in self.feature_names], dtype=float)

    def probabilities(self, X: np.ndarray) -> np.ndarray:
        z = ((X - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def probability(self, features: dict[str, float]) -> float:
        return float(self.probabilities(self.vector(features)[None, :])[0])


_MODEL_CACHE: dict[str, JudgeModel] = {}


def load_judge_model(path: str | Path | None = None) -> JudgeModel:
    path = Path(path or MODEL_PATH)
    key = str(path)
    if key not in _MODEL_CACHE:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            names = tuple(data["feature_names"])
            missing = [n for n in names if n not in FEATURE_NAMES]
            if missing:
                raise ModelUnavailableError(
                    f"{path}: the judge model uses features this version does not compute ({', '.join(missing)}); "
                    "retrain it with `make train-judge`")
            _MODEL_CACHE[key] = JudgeModel(
                names, np.array(data["mean"], float), np.array(data["scale"], float),
                np.array(data["weights"], float), float(data["bias"]), float(data["threshold"]),
                data.get("version", "unknown"), data.get("training", {}),
            )
        except FileNotFoundError:
            raise ModelUnavailableError(f"{path}: the judge model is missing; train it with `make train-judge`") from None
        except (KeyError, ValueError) as err:
            raise ModelUnavailableError(f"{path}: not a judge model file ({err}); retrain with `make train-judge`") from None
    return _MODEL_CACHE[key]
