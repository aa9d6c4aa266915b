"""Train the default judge's logistic model: `make train-judge`.

Training files: summedits-other-train.jsonl (SummEdits' non-news domains) and
the four SummaC val files (news: CNN/DM and BBC summaries). summedits-news-dev
is never read here: it is the one file the shipped model is scored on.

A SummaC file that is trained on cannot be scored by the shipped model, so
each one is scored leave-one-file-out: the whole procedure below (recipe
choice, threshold, fit) is run again without that file, and without any row
whose source document also occurs in it, and that model scores it. Those are
the SummaC figures in docs/evaluation.md; the script prints them and records
them in the model file.

The procedure, on whatever training rows it is given:

1. For each candidate recipe (sample weighting x regularisation), out-of-fold
   probabilities from 5 folds split by source document (GroupKFold), so every
   row is scored by a model that never saw its source.
2. The recipe's threshold is the one on those probabilities with the highest
   mean balanced accuracy over the news (SummaC) files, each file counted
   once; the recipe chosen is the one with the highest such mean. The files'
   consistent rates differ widely (7% to 88%), so each file's balanced
   accuracy is what counts, not the pooled rows'.
3. The final weights are refit on all the rows with the chosen recipe.

Reproducible: a fixed seed, deterministic features; the output is
src/storydiff/judge_model.json. Features are cached under build/judge-cache
so a rerun after a model change takes seconds; analyses already made by
`storydiff eval consistency --cache-dir` can be read with --read-cache.

    python scripts/train_judge.py [--data TRAIN] [--news FILE ...] [--out PATH]
        [--cache DIR] [--read-cache DIR ...] [--lofo-out PATH] [--limit N]

`--news` with no file trains on the training file alone (the model shipped
before 2026-11-26), choosing the threshold on its pooled rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT.parent / "shared" / "data" / "consistency"
DATA = DATA_DIR / "summedits-other-train.jsonl"
NEWS = [DATA_DIR / f"{name}-val.jsonl" for name in ("summeval", "factcc", "xsumfaith", "polytope")]
OUT = ROOT / "src" / "storydiff" / "judge_model.json"
CACHE = ROOT / "build" / "judge-cache"
SEED = 13
FOLDS = 5


@dataclass(frozen=True)
class Recipe:
    """How a model is fit: the sample weighting and the regularisation strength."""

    weighting: str  # "none" | "class" (each class weighs half) | "file-class" (each file's classes weigh equally)
    C: float

    @property
    def name(self) -> str:
        return f"{self.weighting}, C={self.C}"


RECIPES = [Recipe(w, c) for w in ("none", "class", "file-class") for c in (0.05, 0.5)]


def cached_per_row(examples, cache_dir: Path, read_dirs: list[Path], name: str, compute,
                   stamp_before: tuple[str, ...] = (), stamp_after: tuple[str, ...] = ()) -> list:
    """`compute(result)` for each example's source/derived `judge_derived` result, cached.

    The values live in `cache_dir/<name>-<stamp>.jsonl`, keyed by the two texts; the stamp is a
    digest of every stage that makes the result, between `stamp_before` and `stamp_after` (a new claims or judge version
    must not reuse old rows). Analyses come from `cache_dir/analyses`, also reading `read_dirs`.
    """
    from storydiff import align, judge
    from storydiff.backends.embedder import get_embedder
    from storydiff.consistency import judge_derived
    from storydiff.evaluate import AnalysisCache, code_digest
    from storydiff.nlp import claims
    from storydiff.settings import load_settings

    # fp32 vectors: the model must not depend on whether the training machine has bf16 (OpenVINO's bf16
    # moved its weights by up to 0.008); the judge reads the bf16 vectors no differently at run time
    settings = load_settings().with_overrides({"embedder": {"runtime": "onnxruntime"}})
    embedder = get_embedder(settings)
    cache = AnalysisCache(settings, embedder, cache_dir / "analyses", also_read=tuple(read_dirs))
    # and the code itself, so a change made without a new stage version never reads old rows
    versions = [*stamp_before, claims.STAGE_VERSION, align.STAGE_VERSION, judge.STAGE_VERSION, "order-judged",
                code_digest("nlp", "pipeline.py", "align.py", "judge.py", "judge_features.py", "consistency.py"),
                *stamp_after]
    stamp = hashlib.sha256("|".join(versions).encode()).hexdigest()[:8]
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"{name}-{stamp}.jsonl"
    known = {}
    if path.exists():
        for line in path.read_text().splitlines():
            row = json.loads(line)
            known[row["key"]] = row[name]
    values, start = [], time.time()
    with path.open("a") as out:
        for n, ex in enumerate(examples, 1):
            key = hashlib.sha256(f"{ex.source}\x00{ex.derived}".encode()).hexdigest()[:20]
            if key not in known:
                known[key] = compute(judge_derived(cache.get(ex.source, "source"), cache.get(ex.derived, "derived"),
                                                   settings, embedder))
                out.write(json.dumps({"key": key, name: known[key]}) + "\n")
            values.append(known[key])
            if n % 250 == 0:
                log(f"  {name} {n}/{len(examples)} ({time.time() - start:.0f}s)")
    return values


def compute_features(examples, cache_dir: Path, read_dirs: list[Path]):
    from storydiff.consistency import claim_verdicts
    from storydiff.judge_features import FEATURE_NAMES, FEATURES_VERSION, doc_features

    features = cached_per_row(
        examples, cache_dir, read_dirs, "features",
        lambda result: doc_features(result, list(range(len(result.derived.claims))), claim_verdicts(result)),
        stamp_before=(FEATURES_VERSION,), stamp_after=(",".join(FEATURE_NAMES),))
    return np.array([[row[name] for name in FEATURE_NAMES] for row in features], dtype=float), list(FEATURE_NAMES)


def balanced_accuracy(y, pred) -> float:
    return float((np.mean(pred[y == 1]) + np.mean(~pred[y == 0])) / 2)


def mean_file_ba(y, p, files, scored, t) -> float:
    """Mean over the `scored` files of each file's balanced accuracy at threshold t."""
    return float(np.mean([balanced_accuracy(y[files == f], p[files == f] >= t) for f in scored]))


def best_threshold(y, p, files, scored) -> tuple[float, float]:
    """The threshold with the highest mean balanced accuracy over `scored` files (ties: closest to 0.5)."""
    best = (-1.0, 0.5)
    for t in np.round(np.arange(0.05, 0.951, 0.01), 2):
        ba = mean_file_ba(y, p, files, scored, t)
        if ba > best[0] + 1e-9 or (abs(ba - best[0]) <= 1e-9 and abs(t - 0.5) < abs(best[1] - 0.5)):
            best = (ba, float(t))
    return best[1], best[0]


def sample_weights(y, files, weighting: str) -> np.ndarray:
    """Weights summing to the row count: none, per class, or per (file, class) cell equally."""
    cells = {"none": np.zeros(len(y), int), "class": y,
             "file-class": np.unique(np.char.add(files.astype(str), y.astype(str)), return_inverse=True)[1]}[weighting]
    counts = np.bincount(cells)
    w = 1.0 / counts[cells]
    return w * len(y) / w.sum()


def fit(X, y, files, recipe: Recipe):
    from sklearn.linear_model import LogisticRegression

    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    lr = LogisticRegression(C=recipe.C, max_iter=5000, random_state=SEED)
    lr.fit((X - mean) / scale, y, sample_weight=sample_weights(y, files, recipe.weighting))
    return mean, scale, lr


def predict(model, X) -> np.ndarray:
    mean, scale, lr = model
    return lr.predict_proba((X - mean) / scale)[:, 1]


def out_of_fold(X, y, files, groups, recipe: Recipe) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    p = np.zeros(len(y))
    for fit_idx, out_idx in GroupKFold(FOLDS).split(X, y, groups):
        p[out_idx] = predict(fit(X[fit_idx], y[fit_idx], files[fit_idx], recipe), X[out_idx])
    return p


def train(X, y, files, groups, scored: list[str], recipes: list[Recipe]):
    """Steps 1-3 of the module docstring on these rows. Returns (model, recipe, threshold, cv table)."""
    table = []
    for recipe in recipes:
        p = out_of_fold(X, y, files, groups, recipe)
        t, score = best_threshold(y, p, files, scored)
        per_file = {f: round(balanced_accuracy(y[files == f], p[files == f] >= t), 4) for f in np.unique(files)}
        table.append({"recipe": recipe.name, "threshold": t, "mean_balanced_accuracy": round(score, 4),
                      "per_file": per_file})
        log(f"    {recipe.name:<22} threshold {t:.2f}  mean {score:.3f}  "
            + "  ".join(f"{_short(f)} {v:.3f}" for f, v in per_file.items()))
    best = max(range(len(recipes)), key=lambda k: (table[k]["mean_balanced_accuracy"], -k))
    recipe, threshold = recipes[best], table[best]["threshold"]
    return fit(X, y, files, recipe), recipe, threshold, table


def log(line: str) -> None:
    print(line, file=sys.stderr)


def _short(name: str) -> str:
    return name.removesuffix(".jsonl")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help="the non-news training file")
    parser.add_argument("--news", type=Path, nargs="*", default=NEWS,
                        help="news files trained on and scored leave-one-file-out (default: the four SummaC val files)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--cache", type=Path, default=CACHE, help="features and new analyses are written here")
    parser.add_argument("--read-cache", type=Path, nargs="*", default=[],
                        help="other analysis caches to read (e.g. build/eval-cache), never written")
    parser.add_argument("--lofo-out", type=Path, default=None, help="also write the leave-one-file-out scores here")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N rows of each file (development)")
    args = parser.parse_args(argv)
    if "train" not in args.data.name:
        parser.error(f"{args.data}: refusing to train on a file not named as training data")
    for path in args.news:
        if "dev" in path.name:
            parser.error(f"{path}: a dev file is scored, never trained on")

    from sklearn.metrics import roc_auc_score

    from storydiff import align, judge
    from storydiff.evaluate import Metrics, read_examples, reliability
    from storydiff.judge_features import FEATURES_VERSION
    from storydiff.nlp import claims

    paths = [args.data, *args.news]
    examples, file_of = [], []
    for path in paths:
        rows = read_examples(path, limit=args.limit)
        print(f"{path.name}: {len(rows)} rows, {sum(ex.consistent for ex in rows)} consistent", file=sys.stderr)
        examples += rows
        file_of += [path.name] * len(rows)
    X, names = compute_features(examples, args.cache, args.read_cache)
    y = np.array([ex.consistent for ex in examples], dtype=int)
    files = np.array(file_of)
    groups = np.array([hashlib.sha256(ex.source.encode()).hexdigest() for ex in examples])
    news = [p.name for p in args.news]

    # Leave one news file out: the whole procedure without it (nor rows sharing a source with it), then score it.
    lofo = {}
    for held in news:
        out = files == held
        keep = ~out & ~np.isin(groups, groups[out])
        log(f"without {held} ({int((keep != ~out).sum())} rows of other files share its sources and are left out too):")
        model, recipe, threshold, _ = train(X[keep], y[keep], files[keep], groups[keep],
                                            [f for f in news if f != held], RECIPES)
        p = predict(model, X[out])
        gold, prob = [bool(v) for v in y[out]], [float(v) for v in p]
        metrics = Metrics.from_labels(gold, [v >= threshold for v in prob])
        ece, table = reliability(gold, prob)
        lofo[held] = {"rows": int(out.sum()), "recipe": recipe.name, "threshold": threshold,
                      "balanced_accuracy": round(metrics.balanced_accuracy, 4),
                      "auc": round(float(roc_auc_score(y[out], p)), 4), "ece": ece,
                      "metrics": metrics.to_dict(), "reliability": [row for row in table if row["count"]]}
        log(f"  -> {held}: balanced accuracy {lofo[held]['balanced_accuracy']:.3f} (AUC {lofo[held]['auc']:.3f}) "
            f"with {recipe.name}, threshold {threshold}")

    log(f"all training files ({len(y)} rows):")
    scored = news or [args.data.name]
    model, recipe, threshold, table = train(X, y, files, groups, scored, RECIPES if news else [Recipe("none", 0.5)])
    chosen = next(row for row in table if row["recipe"] == recipe.name)
    log(f"chosen: {recipe.name}, threshold {threshold} (out-of-fold mean balanced accuracy over "
        f"{', '.join(map(_short, scored))}: {chosen['mean_balanced_accuracy']:.3f})")
    mean, scale, lr = model
    model_json = {
        "version": f"storydiff.judge.logreg.{hashlib.sha256(str(lr.coef_.round(6).tolist()).encode()).hexdigest()[:8]}",
        "kind": "logistic regression on standardised features: P(consistent)",
        "feature_names": names,
        "mean": [round(float(v), 8) for v in mean],
        "scale": [round(float(v), 8) for v in scale],
        "weights": [round(float(v), 8) for v in lr.coef_[0]],
        "bias": round(float(lr.intercept_[0]), 8),
        "threshold": threshold,
        "training": {
            "files": {name: {"rows": int((files == name).sum()), "consistent": int(y[files == name].sum())}
                      for name in dict.fromkeys(file_of)},
            "rows": len(y), "consistent": int(y.sum()),
            "recipe": {"weighting": recipe.weighting, "regularisation_C": recipe.C},
            "threshold_from": f"out-of-fold probabilities, GroupKFold({FOLDS}) by source, best mean balanced "
                              f"accuracy over {', '.join(scored)}",
            "cross_validation": table,
            "leave_one_file_out": {f: {k: v for k, v in row.items() if k not in ("metrics", "reliability")}
                                   for f, row in lofo.items()},
            "date": dt.date.today().isoformat(),
            "stages": {"features": FEATURES_VERSION, "claims": claims.STAGE_VERSION, "align": align.STAGE_VERSION,
                       "judge": judge.STAGE_VERSION},
        },
    }
    args.out.write_text(json.dumps(model_json, indent=1) + "\n", encoding="utf-8")
    if args.lofo_out:
        args.lofo_out.parent.mkdir(parents=True, exist_ok=True)
        args.lofo_out.write_text(json.dumps(lofo, indent=1) + "\n", encoding="utf-8")
    for name, w in sorted(zip(names, lr.coef_[0]), key=lambda t: -abs(t[1])):
        log(f"  {w:+.3f}  {name}")
    print("leave-one-file-out balanced accuracy (each from a model that never saw the file):")
    for held, row in lofo.items():
        print(f"  {_short(held):<18} {row['balanced_accuracy']:.3f}  (AUC {row['auc']:.3f}, ECE {row['ece']:.3f}, "
              f"{row['rows']} rows; {row['recipe']}, threshold {row['threshold']})")
    print(f"wrote {args.out} ({model_json['version']}, {recipe.name}, threshold {threshold})")


if __name__ == "__main__":
    main()
