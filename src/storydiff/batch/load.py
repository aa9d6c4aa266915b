"""A batch OUTPUT into the local store, so `storydiff stories`, `show` and `serve` work on it.

Idempotent: articles are content-addressed (INSERT OR IGNORE), signals and
story memberships are upserts, and each story's comparison replaces the one
stored for that story. Loading the same OUTPUT twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .io import BatchError, read_manifest, read_table


@dataclass(frozen=True)
class LoadSummary:
    articles: int  # rows in the batch output
    new_articles: int  # of those, not stored before
    stories: int
    comparisons: int


def load_batch(output_url: str, corpus) -> LoadSummary:
    """Store the articles, their story signals, story memberships and per-story reports of a batch run."""
    from .stages import article_of
    from ..store import members_hash
    from .clustering import signals_of

    manifest = read_manifest(output_url)
    articles = read_table(output_url, "articles").sort_values("seq", kind="stable")
    stories = read_table(output_url, "stories")
    store = corpus.store
    from ..stories import STAGE_VERSION as STORIES_VERSION

    if manifest["versions"]["stories"] != STORIES_VERSION:
        raise BatchError(f"{output_url} was clustered by {manifest['versions']['stories']}, this storydiff has "
                         f"{STORIES_VERSION}; run `storydiff batch` again")
    model = corpus._model_name()  # the name `storydiff add` stores signals under
    versions = corpus._versions()  # the key `Corpus.compare_story` looks its cache up by
    # Reports made with other stages or settings are not stored; `show` computes those afresh.
    same = json.dumps(manifest["versions"]["comparison"], sort_keys=True) == json.dumps(versions, sort_keys=True)
    with store.transaction():
        new = store.insert_articles(
            article_of(r) for r in articles.itertuples(index=False))
        store.put_signals((signals_of(r) for r in articles.itertuples(index=False)), model=model)
        store.assign(dict(zip(articles["id"], articles["story_id"])))
        for s in stories.itertuples(index=False) if same else ():
            ids = json.loads(s.article_ids)
            store.put_comparison(s.story_id, members_hash(ids), versions, json.loads(s.report))
    corpus._clusterer = None  # a later `add` restores the clusterer from the store, with these stories
    return LoadSummary(len(articles), len(new), len(stories), len(stories) if same else 0)
