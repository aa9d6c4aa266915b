"""Score story clustering against gold labels: B-cubed and pairwise P/R/F1.

    evaluate_stories("../shared/data/stories/ecbplus-dev.jsonl", settings) -> dict

The file is JSON Lines with `id`, `story` (the gold event) and `text`, and
optionally `title`, `outlet` and `date`. Articles are clustered incrementally
in file order, and, where every row has a date, once more in date order
(the order a live feed would deliver them).

`baselines` measures the two simple references from issue #4 on the same
rows: average-link agglomerative clustering over TF-IDF vectors and over
MiniLM document vectors, each with its distance threshold tuned on the very
file it is scored on (an optimistic upper bound for them). They need
scikit-learn, which is a training/evaluation dependency only.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import FormatError
from .ingest import make_article
from .ingest.records import json_error
from .model import Article
from .settings import Settings, load_settings


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> Scores:
    """B-cubed (Bagga & Baldwin 1998): per-item precision and recall, averaged over items."""
    _check_lengths(predicted, gold)
    if not gold:
        return Scores(0.0, 0.0, 0.0)
    joint = Counter(zip(predicted, gold))
    pred_size = Counter(predicted)
    gold_size = Counter(gold)
    precision = sum(n * n / pred_size[p] for (p, _), n in joint.items()) / len(gold)
    recall = sum(n * n / gold_size[g] for (_, g), n in joint.items()) / len(gold)
    return Scores(precision, recall, _f1(precision, recall))


def pairwise(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> Scores:
    """Precision and recall over the unordered pairs of items put in one cluster."""
    _check_lengths(predicted, gold)

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    both = sum(pairs(n) for n in Counter(zip(predicted, gold)).values())
    in_pred = sum(pairs(n) for n in Counter(predicted).values())
    in_gold = sum(pairs(n) for n in Counter(gold).values())
    precision = both / in_pred if in_pred else 1.0  # no pairs claimed, none wrong
    recall = both / in_gold if in_gold else 1.0
    return Scores(precision, recall, _f1(precision, recall))


def _check_lengths(predicted: Sequence, gold: Sequence) -> None:
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predicted labels for {len(gold)} gold labels")


@dataclass(frozen=True)
class GoldArticle:
    article: Article
    story: str
    date: str | None


def read_gold(path: str | Path) -> list[GoldArticle]:
    """Rows of a labelled JSONL file; a bad row raises `FormatError` naming its line."""
    rows: list[GoldArticle] = []
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise FormatError(str(path), f"is not UTF-8 text ({err.reason}); re-save it as UTF-8 JSON Lines") from None
    except OSError as err:
        raise FormatError(str(path), f"cannot be read: {err.strerror or err}") from None
    for number, line in enumerate(text.split("\n"), 1):  # not splitlines: U+2028 may sit inside a JSON string
        if not line.strip():
            continue
        where = f"line {number} of {path}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise FormatError(where, f"is not valid JSON ({json_error(err, number)})") from None
        if not isinstance(record, dict):
            raise FormatError(where, "is not a JSON object; each row needs id, story and text")
        missing = [k for k in ("id", "story", "text") if not record.get(k)]
        if missing:
            raise FormatError(where, f"lacks {', '.join(missing)}; each row needs id, story and text")
        if not isinstance(record["text"], str):
            raise FormatError(where, "has a text that is not a string")
        date = record.get("date") or record.get("published")
        article = make_article(
            record["text"], where, title=record.get("title"), outlet=record.get("outlet"), published=date
        )
        rows.append(GoldArticle(article, str(record["story"]), date))
    if not rows:
        raise FormatError(str(path), "no rows; each line should be a JSON object with id, story and text")
    return rows


def _score(predicted: Sequence[str], gold: Sequence[str]) -> dict:
    return {
        "bcubed": bcubed(predicted, gold).as_dict(),
        "pairwise": pairwise(predicted, gold).as_dict(),
        "predicted_stories": len(set(predicted)),
        "gold_stories": len(set(gold)),
    }


def cluster_in_order(signals, settings: Settings, order: Sequence[int]) -> list[str]:
    """Story id for each signal, feeding them to a fresh clusterer in `order`."""
    from .stories import StoryClusterer

    clusterer = StoryClusterer(settings)
    for i in order:
        clusterer.add(signals[i])
    clusterer.refine()  # as `Corpus.add` does at the end of each batch
    return [clusterer.story_of(s.article_id) for s in signals]


def evaluate_stories(
    path: str | Path,
    settings: Settings | None = None,
    *,
    baselines: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Cluster the file's articles incrementally and score them against its `story` labels.

    Returns {"rows", "file_order": {...scores}, "date_order": {...} or None,
    "articles_per_s", "baselines": {...} or None}. Articles whose text is
    identical share one id and are scored once per row all the same.
    `progress(done, total)` is called as articles are clustered.
    """
    from .stories import StoryClusterer, signals_for

    settings = settings or load_settings()
    rows = read_gold(path)
    articles = [r.article for r in rows]
    gold = [r.story for r in rows]
    total = len(rows)

    if articles:
        signals_for(articles[:1], settings)  # load the models outside the timed part
    started = time.perf_counter()
    signals = signals_for(articles, settings)
    clusterer = StoryClusterer(settings)
    for done, signal in enumerate(signals, 1):
        clusterer.add(signal)
        if progress:
            progress(done, total)
    clusterer.refine()  # the whole file as one `storydiff add` would leave it
    elapsed = time.perf_counter() - started
    file_order = [clusterer.story_of(s.article_id) for s in signals]

    result = {
        "path": str(path),
        "rows": total,
        "file_order": _score(file_order, gold),
        "date_order": None,
        "articles_per_s": total / elapsed if elapsed else float("inf"),
        "baselines": None,
    }
    if rows and all(r.date for r in rows):
        order = sorted(range(total), key=lambda i: (rows[i].date, i))
        result["date_order"] = _score(cluster_in_order(signals, settings, order), gold)
    if baselines:
        result["baselines"] = measure_baselines(articles, gold, settings, signals=signals)
    return result


def _best_threshold(labels_at: Callable[[float], list], gold: Sequence[str], grid) -> tuple[float, dict]:
    best: tuple[float, dict] | None = None
    for threshold in grid:
        scores = _score(labels_at(threshold), gold)
        if best is None or scores["bcubed"]["f1"] > best[1]["bcubed"]["f1"]:
            best = (threshold, scores)
    assert best is not None
    return best


def measure_baselines(articles: list[Article], gold: Sequence[str], settings: Settings, signals=None) -> dict:
    """TF-IDF and MiniLM average-link baselines, each at its best threshold on these rows."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    from .backends.embedder import get_embedder

    def average_link(matrix) -> Callable[[float], list]:
        def labels_at(threshold: float) -> list:
            model = AgglomerativeClustering(
                n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
            )
            return list(model.fit_predict(matrix))

        return labels_at

    grid = [round(x, 3) for x in np.arange(0.30, 0.99, 0.01)]
    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(
        [a.text for a in articles]
    ).toarray()
    tfidf_threshold, tfidf_scores = _best_threshold(average_link(tfidf), gold, grid)

    # Whole-text MiniLM vectors (the model reads its first 256 tokens).
    vectors = get_embedder(settings).encode([a.text for a in articles])
    minilm_threshold, minilm_scores = _best_threshold(average_link(vectors), gold, grid)
    return {
        "tfidf_average_link": {"threshold": tfidf_threshold, **tfidf_scores},
        "minilm_average_link": {"threshold": minilm_threshold, **minilm_scores},
    }
