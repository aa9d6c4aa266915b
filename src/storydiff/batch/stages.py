"""The batch stages: each a pure function (or a class that loads its model once) over a DataFrame of rows.

An engine only decides where these run: `local.py` calls them in-process,
`ray_engine.py` maps them over a Ray Dataset. The work inside is the local
pipeline's own code: `make_article` (via ingest), `signals_for` with the
story embedder, `StoryClusterer`, and `analyse` + `compare_articles` +
`to_dict`, whose claims are also the claims dataset.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import numpy as np
import pandas as pd

from ..errors import InputError
from ..model import Article
from ..settings import Settings
from .clustering import present, signal_columns

# ----------------------------------------------------------------------------- columns

ARTICLE_COLUMNS = ["id", "seq", "file_index", "line", "source", "title", "outlet", "published", "url", "text"]
SKIPPED_COLUMNS = ["seq", "source", "reason"]
CLAIM_COLUMNS = ["id", "article_id", "sentence_index", "start", "end", "text", "kind", "entities", "negated",
                 "quantities", "quotes", "times"]
SIGNAL_COLUMNS = ["vector", "entities", "figures", "published_utc"]
STORY_COLUMNS = ["story_id", "size", "article_ids", "first", "last", "report"]
VERDICT_COLUMNS = ["story_id", "index", "label", "reason", "confidence", "conflict_kind", "severity", "only_in",
                   "evidence", "detail"]


def seq_of(file_index: int, line: int) -> int:
    """Arrival order across the input: files in sorted order, then lines (records) within a file."""
    return (int(file_index) << 32) | int(line)


# ----------------------------------------------------------------------------- 0. read

def read_input_file(path: str, file_index: int) -> pd.DataFrame:
    """One JSONL or Parquet file (local path or fsspec URL) -> raw records, one row each.

    Columns: file_index, line (1-based line or row number), source ("line N of PATH"),
    record (the JSON object as text, or an error message).
    """
    import fsspec

    rows = []
    if path.endswith(".parquet"):
        import pyarrow.parquet as pq

        with fsspec.open(path, "rb") as f:
            table = pq.read_table(f)
        for number, record in enumerate(table.to_pylist(), start=1):
            rows.append((number, f"row {number} of {path}", json.dumps(record, ensure_ascii=False, default=str), ""))
    else:
        from ..ingest.records import iter_jsonl_records

        with fsspec.open(path, "r", encoding="utf-8") as f:
            text = f.read()
        for item in iter_jsonl_records(path, text):
            if isinstance(item, InputError):
                number = int(item.source.split()[1])
                rows.append((number, item.source, "", item.reason))
            else:
                where, record = item
                rows.append((int(where.split()[1]), where, json.dumps(record, ensure_ascii=False), ""))
    df = pd.DataFrame(rows, columns=["line", "source", "record", "error"])
    return df.assign(file_index=np.int64(file_index)).astype({"line": np.int64})


# ----------------------------------------------------------------------------- 1. normalise

def normalise(df: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Raw records -> article rows, or skipped rows that say why (column `reason`)."""
    from ..ingest import _text_article, text_limits  # the local reader's own normalisation and length check
    from ..ingest.records import record_fields

    limits = text_limits(settings)
    out = []
    for r in df.itertuples(index=False):
        seq = seq_of(r.file_index, r.line)
        if r.error:
            out.append({"seq": seq, "source": r.source, "reason": r.error})
            continue
        try:
            fields = record_fields(r.source, json.loads(r.record))
            a = _text_article(r.source, **fields, limits=limits)
        except InputError as err:
            out.append({"seq": seq, "source": r.source, "reason": err.reason})
            continue
        out.append({"id": a.id, "seq": seq, "file_index": int(r.file_index), "line": int(r.line), "source": a.source,
                    "title": a.title, "outlet": a.outlet, "published": a.published, "url": a.url, "text": a.text,
                    "reason": None})
    frame = pd.DataFrame(out, columns=ARTICLE_COLUMNS + ["reason"])
    return frame.astype({"seq": np.int64})


def first_of_each_text(df: pd.DataFrame) -> pd.DataFrame:
    """The same text twice is one article: its first arrival is kept (as `storydiff add` does),
    later ones get a `reason` naming the first."""
    df = df.sort_values("seq", kind="stable").reset_index(drop=True)
    first = df.groupby("id", sort=False)["source"].transform("first")
    later = df["id"].duplicated(keep="first")
    reason = df["reason"].astype(object).where(~later, "the same text as " + first)
    return df.assign(reason=reason)


def article_of(row) -> Article:
    return Article(id=row.id, text=row.text, source=row.source, title=present(row.title),
                   outlet=present(row.outlet), published=present(row.published), url=present(row.url))


# ----------------------------------------------------------------------------- 2. embeddings + story signals

class SignalStage:
    """Articles -> their story signals. Loads the embedder once per worker (a Ray actor, or once locally)."""

    def __init__(self, settings: Settings):
        from ..stories import story_embedder

        self.settings = settings
        self.embedder = story_embedder(settings)

    def __call__(self, df: pd.DataFrame) -> pd.DataFrame:
        from ..stories import signals_for

        df = df.sort_values("seq", kind="stable").reset_index(drop=True)
        signals = signals_for([article_of(r) for r in df.itertuples(index=False)], self.settings, self.embedder)
        columns = pd.DataFrame([signal_columns(s) for s in signals], columns=SIGNAL_COLUMNS, index=df.index)
        return pd.concat([df[ARTICLE_COLUMNS], columns], axis=1)


# ----------------------------------------------------------------------------- 4. comparison per story, and its claims

def pack_story(df: pd.DataFrame) -> pd.DataFrame:
    """One story's article rows -> one row holding them (arrival order), ready for `CompareStage`."""
    df = df.sort_values("seq", kind="stable")
    articles = [{k: present(getattr(r, k)) for k in ("id", "source", "title", "outlet", "published", "url", "text")}
                for r in df.itertuples(index=False)]
    return pd.DataFrame([{"story_id": df["story_id"].iloc[0], "articles": json.dumps(articles, ensure_ascii=False)}])


class CompareStage:
    """Packed stories -> one story row each with its full report (to_dict) and its articles' claims
    (column `claims`, JSON rows for `story_claim_rows`). Loads the embedder once."""

    def __init__(self, settings: Settings):
        from ..backends.embedder import get_embedder

        self.settings = settings
        self.embedder = get_embedder(settings)

    def __call__(self, df: pd.DataFrame) -> pd.DataFrame:
        from ..report import to_dict

        rows = []
        for story_id, packed in zip(df["story_id"], df["articles"]):
            articles = [Article(**a) for a in json.loads(packed)]
            report, claims = self.compare(articles)
            dates = sorted(a.published for a in articles if a.published)
            rows.append({"story_id": story_id, "size": len(articles),
                         "article_ids": json.dumps([a.id for a in articles]),
                         "first": dates[0] if dates else None, "last": dates[-1] if dates else None,
                         "report": json.dumps(to_dict(report), ensure_ascii=False, allow_nan=False),
                         "claims": json.dumps(claim_rows(claims), ensure_ascii=False)})
        return pd.DataFrame(rows, columns=STORY_COLUMNS + ["claims"]).astype({"size": np.int64})

    def compare(self, articles: list[Article]):
        """The story's report and its articles' claims: each article's claims are extracted once, for both."""
        from ..nlp.claims import extract_claims_many
        from ..pipeline import analyse, compare_articles

        if len(articles) < 2:  # a single article is not compared, so its claims need no vectors
            per_article = extract_claims_many(articles)
            report = compare_articles(articles, self.settings, embedder=self.embedder)
        else:
            analysis = analyse(articles, self.settings, self.embedder)
            report = compare_articles(articles, self.settings, embedder=self.embedder, analysis=analysis)
            per_article = list(analysis.claims.values())
        return report, [c for claims in per_article for c in claims]


def _jsonable(items) -> str:
    return json.dumps([asdict(x) for x in items], ensure_ascii=False)


def claim_rows(claims) -> list[dict]:
    """Claims -> rows of the claims dataset; nested parts as JSON text."""
    return [{"id": c.id, "article_id": c.article_id, "sentence_index": c.sentence_index,
             "start": c.start, "end": c.end, "text": c.text, "kind": c.kind,
             "entities": json.dumps(list(c.entities), ensure_ascii=False), "negated": c.negated,
             "quantities": _jsonable(c.quantities), "quotes": _jsonable(c.quotes), "times": _jsonable(c.times)}
            for c in claims]


def story_claim_rows(stories: pd.DataFrame) -> pd.DataFrame:
    """Story rows of `CompareStage` -> the claims dataset, one row per claim."""
    rows = [row for packed in stories["claims"] for row in json.loads(packed)]
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS).astype(
        {"sentence_index": np.int64, "start": np.int64, "end": np.int64, "negated": bool})


def verdict_rows(stories: pd.DataFrame) -> pd.DataFrame:
    """Story rows -> one row per verdict, in the report's order."""
    rows = []
    for s in stories.itertuples(index=False):
        for i, v in enumerate(json.loads(s.report)["verdicts"]):
            rows.append({"story_id": s.story_id, "index": i, "label": v["label"], "reason": v["reason"],
                         "confidence": v["confidence"], "conflict_kind": v.get("conflict_kind"),
                         "severity": v.get("severity"), "only_in": v.get("only_in"),
                         "evidence": json.dumps(v["evidence"], ensure_ascii=False),
                         "detail": json.dumps(v.get("detail") or {}, ensure_ascii=False)})
    return pd.DataFrame(rows, columns=VERDICT_COLUMNS).astype({"index": np.int64, "confidence": float,
                                                               "severity": float})
