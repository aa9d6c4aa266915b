"""Scoring the consistency judge on labelled data: read, predict, measure.

Files are JSON Lines with `source`, `derived` and `consistent` (true when the
derived text says only what the source says), as in
../shared/data/consistency/. The same source often appears in many rows, so
each distinct text is analysed once (`AnalysisCache`, keyed by article id;
optionally kept on disk).

Metrics follow the SummEdits and SummaC papers: balanced accuracy, the mean
of the recall on each class. "Positive" below is the consistent class.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import StorydiffError
from .ingest.records import json_error


class EvalFileError(StorydiffError):
    """An evaluation file is missing or not in the expected format; the message names it."""

    code = "E201"


@dataclass(frozen=True)
class Example:
    id: str
    source: str
    derived: str
    consistent: bool
    extra: dict = field(default_factory=dict, hash=False, compare=False)


def read_examples(path: str | Path, limit: int | None = None) -> list[Example]:
    """Rows of a consistency JSONL file; a missing file or bad row raises EvalFileError naming it."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise EvalFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise EvalFileError(f"{path}: is a directory, not a JSONL file") from None
    except UnicodeDecodeError as err:
        raise EvalFileError(f"{path}: not UTF-8 text ({err.reason})") from None
    examples = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise EvalFileError(f"{path}, line {number}: not valid JSON ({json_error(err, number)})") from None
        if not isinstance(row, dict):
            raise EvalFileError(f"{path}, line {number}: expected a JSON object")
        missing = [k for k in ("source", "derived", "consistent") if k not in row]
        if missing:
            raise EvalFileError(f"{path}, line {number}: missing field(s) {', '.join(missing)}; "
                                "each row needs source, derived and consistent")
        if not isinstance(row["consistent"], bool) or not isinstance(row["source"], str) \
                or not isinstance(row["derived"], str):
            raise EvalFileError(f"{path}, line {number}: source and derived must be strings, consistent true/false")
        extra = {k: v for k, v in row.items() if k not in ("id", "source", "derived", "consistent")}
        examples.append(Example(str(row.get("id", f"{path.name}:{number}")), row["source"], row["derived"],
                                row["consistent"], extra))
        if limit is not None and len(examples) >= limit:
            break
    if not examples:
        raise EvalFileError(f"{path}: no rows")
    return examples


# ---------------------------------------------------------------- analysis cache

def code_digest(*packages: str, root: Path | None = None) -> str:
    """A digest of what the code of these storydiff modules or packages ("nlp", "pipeline.py") does:
    their syntax trees without docstrings, so comments and docs do not count but any changed
    statement does. Cache keys carry it beside the stage versions: a trial that changed a stage
    without a new version (and was reverted) once left analyses that a later, real version of the
    same number read back (docs/evaluation.md, claims v26)."""
    import ast

    root = root or Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in packages:
        target = root / name
        for path in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                body = getattr(node, "body", None)
                if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                        and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
                    node.body = body[1:] or [ast.Pass()]
            digest.update(path.name.encode() + ast.dump(tree).encode())
    return digest.hexdigest()[:8]


class AnalysisCache:
    """Analyses (claims + embeddings) by article id, in memory and optionally on disk.

    The disk key includes the claim stage and embedder versions and a digest of
    the code that analyses (`code_digest`), so a changed stage never reads stale
    analyses. `also_read` names other cache directories (another checkout's, the
    evaluation's) that are read, never written.
    """

    def __init__(self, settings, embedder, directory: str | Path | None = None,
                 also_read: tuple[str | Path, ...] = ()):
        from .ingest import make_article

        self.settings = settings
        self.embedder = embedder
        self._make_article = make_article
        self.directory = Path(directory) if directory else None
        self.memory: dict[str, object] = {}
        from .nlp.claims import STAGE_VERSION

        self.read_only: list[Path] = []
        if self.directory or also_read:  # a disk key; in memory only, no need to parse the stage's code
            code = code_digest("nlp", "pipeline.py")
            stamp = hashlib.sha256(f"{STAGE_VERSION}|{embedder.name}|{code}".encode()).hexdigest()[:8]
            self.read_only = [Path(d) / stamp for d in also_read]
            if self.directory:
                self.directory = self.directory / stamp
                self.directory.mkdir(parents=True, exist_ok=True)

    def get(self, text: str, role: str):
        from .consistency import analyse

        article = self._make_article(text, f"<{role} text>")
        if article.id in self.memory:
            return self.memory[article.id]
        path = self.directory / f"{article.id}.pkl" if self.directory else None
        analysis = _read_cached(path) if path and path.exists() else None
        for other in self.read_only:
            if analysis is None and (other / f"{article.id}.pkl").exists():
                analysis = _read_cached(other / f"{article.id}.pkl")
        if analysis is None:
            analysis = analyse(article, self.embedder)
            if path:
                tmp = path.with_suffix(".tmp")
                with tmp.open("wb") as f:
                    pickle.dump(analysis, f, protocol=pickle.HIGHEST_PROTOCOL)
                tmp.replace(path)
        if role == "source":  # sources repeat; derived texts rarely do
            self.memory[article.id] = analysis
        return analysis


def _read_cached(path: Path):
    """A cached analysis, or None when it no longer loads (written by a version whose classes moved)."""
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except (pickle.UnpicklingError, EOFError, ImportError, AttributeError):
        return None  # analysed again and overwritten


# ---------------------------------------------------------------- running

@dataclass(frozen=True)
class Prediction:
    example: Example
    consistent: bool
    probability: float
    reason: str
    claims: list[dict]

    def to_dict(self) -> dict:
        return {
            "id": self.example.id, "consistent": self.example.consistent, "predicted": self.consistent,
            "probability": self.probability, "correct": self.consistent == self.example.consistent,
            "reason": self.reason, "claims": self.claims,
            **{k: v for k, v in self.example.extra.items() if k in ("edit_types", "domain")},
        }


def predict(examples: list[Example], cache: AnalysisCache, on_row: Callable[[], None] | None = None,
            **check_options) -> Iterator[Prediction]:
    from .consistency import check_analysed

    for example in examples:
        src = cache.get(example.source, "source")
        der = cache.get(example.derived, "derived")
        report = check_analysed(src, der, cache.settings, embedder=cache.embedder, **check_options)
        claims = [{"text": c.claim.text, "label": c.label, "reason": c.reason,
                   "evidence": c.evidence.sentence if c.evidence else None} for c in report.claims]
        yield Prediction(example, report.consistent, report.probability, report.reason, claims)
        if on_row:
            on_row()


# ---------------------------------------------------------------- metrics

@dataclass(frozen=True)
class Metrics:
    """Confusion counts with consistent as the positive class."""

    tp: int  # consistent, predicted consistent
    fn: int  # consistent, predicted inconsistent
    fp: int  # inconsistent, predicted consistent
    tn: int  # inconsistent, predicted inconsistent

    @classmethod
    def from_labels(cls, gold: list[bool], predicted: list[bool]) -> Metrics:
        pairs = list(zip(gold, predicted))
        return cls(sum(g and p for g, p in pairs), sum(g and not p for g, p in pairs),
                   sum(p and not g for g, p in pairs), sum(not g and not p for g, p in pairs))

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    @property
    def n(self) -> int:
        return self.tp + self.fn + self.fp + self.tn

    @property
    def recall_consistent(self) -> float:
        return self._ratio(self.tp, self.tp + self.fn)

    @property
    def recall_inconsistent(self) -> float:
        return self._ratio(self.tn, self.tn + self.fp)

    @property
    def precision_consistent(self) -> float:
        return self._ratio(self.tp, self.tp + self.fp)

    @property
    def precision_inconsistent(self) -> float:
        return self._ratio(self.tn, self.tn + self.fn)

    @property
    def balanced_accuracy(self) -> float:
        return (self.recall_consistent + self.recall_inconsistent) / 2

    @property
    def accuracy(self) -> float:
        return self._ratio(self.tp + self.tn, self.n)

    def to_dict(self) -> dict:
        return {
            "n": self.n, "balanced_accuracy": round(self.balanced_accuracy, 4), "accuracy": round(self.accuracy, 4),
            "consistent": {"precision": round(self.precision_consistent, 4), "recall": round(self.recall_consistent, 4)},
            "inconsistent": {"precision": round(self.precision_inconsistent, 4),
                             "recall": round(self.recall_inconsistent, 4)},
            "confusion": {"tp": self.tp, "fn": self.fn, "fp": self.fp, "tn": self.tn},
        }


def reliability(gold: list[bool], probabilities: list[float], bins: int = 10) -> tuple[float, list[dict]]:
    """Expected calibration error of P(consistent), and the table behind it (equal-width bins)."""
    y = np.asarray(gold, dtype=float)
    p = np.asarray(probabilities, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    table, ece = [], 0.0
    for k in range(bins):
        in_bin = (p >= edges[k]) & ((p < edges[k + 1]) if k < bins - 1 else (p <= edges[k + 1]))
        count = int(in_bin.sum())
        row = {"low": round(float(edges[k]), 2), "high": round(float(edges[k + 1]), 2), "count": count,
               "mean_probability": None, "observed": None}
        if count:
            row["mean_probability"] = round(float(p[in_bin].mean()), 4)
            row["observed"] = round(float(y[in_bin].mean()), 4)
            ece += count / len(y) * abs(row["mean_probability"] - row["observed"])
        table.append(row)
    return round(float(ece), 4), table
