"""`--engine ray`: the same stage functions mapped over Ray Datasets.

Ray is an optional extra (pip install 'storydiff[ray]'). Models load once
per actor (`SignalStage`, `CompareStage`); everything else is a stateless
task. Rows may arrive in any order and any grouping: every stage sorts by
`seq` where order matters, so the result equals `--engine local`.
"""

from __future__ import annotations

import time

import pandas as pd

from ..backends.embedder import runs_on_gpu
from ..settings import Settings
from ..stories import story_backend
from . import clustering, stages
from .io import BatchError, write_table

RAY_MISSING = "--engine ray needs Ray: pip install 'storydiff[ray]' (or use --engine local)"


def import_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as err:
        raise BatchError(f"{RAY_MISSING} ({err})") from None
    return ray


# Module-level wrappers, so Ray pickles a plain function reference.

def _read(batch: pd.DataFrame) -> pd.DataFrame:
    frames = [stages.read_input_file(p, i) for p, i in zip(batch["path"], batch["file_index"])]
    return pd.concat(frames, ignore_index=True)


def _kept(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["reason"].isna()][stages.ARTICLE_COLUMNS]


def _kept_with_reason(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["reason"].isna()]


def _dropped(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["reason"].notna()][stages.SKIPPED_COLUMNS]


def _gpus_per_actor(ray, settings: Settings, requested: float | None, backend: str) -> float:
    """Explicit when given; else one GPU per model actor when the cluster has GPUs and the actor's
    embedder (`backend`) would run on one."""
    if requested is not None:
        return requested
    has_gpu = ray.cluster_resources().get("GPU", 0) > 0
    return 1.0 if has_gpu and runs_on_gpu(backend, settings.get("embedder", "device")) else 0.0


def run(files: list[str], output: str, settings: Settings, params: clustering.BlockParams, *,
        address: str | None = None, workers: int = 2, batch_size: int = 64,
        gpus_per_actor: float | None = None) -> dict:
    ray = import_ray()
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    try:
        return _run(ray, files, output, settings, params, workers, batch_size, gpus_per_actor)
    finally:
        if started_here:
            ray.shutdown()


def _write(ds, output: str, name: str, columns: list[str]) -> None:
    if ds.count():
        ds.write_parquet(f"{output.rstrip('/')}/{name}")
    else:  # Ray writes no file for an empty dataset; the folder should still be there
        write_table(output, name, pd.DataFrame(columns=columns))


def _run(ray, files, output, settings, params, workers, batch_size, gpus_per_actor) -> dict:
    import logging
    import os

    from ray.data import ActorPoolStrategy, DataContext
    from ray.data.context import ShuffleStrategy

    context = DataContext.get_current()
    context.enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # one line per operator is noise at this size
    if "RAY_DATA_DEFAULT_SHUFFLE_STRATEGY" not in os.environ and ray.cluster_resources().get("CPU", 0) < 8:
        # Hash shuffles hold CPUs in aggregator actors; on a small cluster they starve the model
        # actors of the next stage and the run never finishes. Sort-based shuffles use plain tasks.
        context.shuffle_strategy = ShuffleStrategy.SORT_SHUFFLE_PULL_BASED
    t0 = time.perf_counter()
    listing = ray.data.from_items([{"path": p, "file_index": i} for i, p in enumerate(files)])
    raw = listing.map_batches(_read, batch_size=1, batch_format="pandas")
    rows = raw.map_batches(stages.normalise, fn_kwargs={"settings": settings}, batch_format="pandas").materialize()
    n_records = rows.count()
    unreadable = rows.map_batches(_dropped, batch_format="pandas")
    # The same text twice is one article: group by content hash, keep the first arrival.
    rows = rows.map_batches(_kept_with_reason, batch_format="pandas").groupby("id").map_groups(
        stages.first_of_each_text, batch_format="pandas").materialize()
    articles = rows.map_batches(_kept, batch_format="pandas")
    skipped = unreadable.union(rows.map_batches(_dropped, batch_format="pandas")).materialize()
    n_articles = articles.count()
    if not n_articles:
        raise BatchError("no article could be read from the input; see the reasons in the skipped dataset")
    # Enough blocks for every worker to get some, no more than one per batch.
    articles = articles.repartition(_blocks(n_articles, workers, batch_size)).materialize()

    # Materialised above, so the embedding actors never hold the CPUs their input still needs.
    signals = articles.map_batches(
        stages.SignalStage, fn_constructor_args=(settings,), batch_size=batch_size, batch_format="pandas",
        compute=ActorPoolStrategy(size=workers),
        num_gpus=_gpus_per_actor(ray, settings, gpus_per_actor, story_backend(settings)))
    blocked = signals.map_batches(clustering.assign_block, fn_kwargs={"params": params}, batch_format="pandas")
    clustered = blocked.groupby("block").map_groups(clustering.cluster_block, fn_kwargs={"settings": settings},
                                                    batch_format="pandas").materialize()

    previous = clustering.previous_blocks(clustered.unique("block"), params)
    near = clustered.map_batches(clustering.boundary_rows, fn_kwargs={"previous": previous, "params": params},
                                 batch_format="pandas").materialize()
    if near.count():
        edges = near.groupby("boundary").map_groups(clustering.stitch_boundary, fn_kwargs={"settings": settings},
                                                    batch_format="pandas").to_pandas()
    else:
        edges = pd.DataFrame(columns=clustering.EDGE_COLUMNS)
    merges = ray.put(clustering.resolve_merges(edges))
    final = clustered.map_batches(_apply, fn_kwargs={"merges": merges}, batch_format="pandas").materialize()

    # Grouping (a shuffle: tasks) is kept apart from the model actors, so the two never wait on each other's CPUs.
    packed = final.groupby("story_id").map_groups(stages.pack_story, batch_format="pandas")
    packed = packed.repartition(_blocks(packed.count(), workers, 8)).materialize()
    compared = packed.map_batches(
        stages.CompareStage, fn_constructor_args=(settings,), batch_size=1, batch_format="pandas",
        compute=ActorPoolStrategy(size=workers),
        num_gpus=_gpus_per_actor(ray, settings, gpus_per_actor, settings.get("embedder", "backend"))).materialize()
    # The comparison extracted each article's claims; the claims dataset is made from them.
    claims = compared.map_batches(stages.story_claim_rows, batch_format="pandas").materialize()
    stories = compared.select_columns(stages.STORY_COLUMNS).materialize()
    verdicts = stories.map_batches(stages.verdict_rows, batch_format="pandas").materialize()

    _write(final, output, "articles", list(final.schema().names))
    _write(claims, output, "claims", stages.CLAIM_COLUMNS)
    _write(stories, output, "stories", stages.STORY_COLUMNS)
    _write(verdicts, output, "verdicts", stages.VERDICT_COLUMNS)
    _write(skipped, output, "skipped", stages.SKIPPED_COLUMNS)
    return {"counts": {"records": n_records, "articles": n_articles, "skipped": skipped.count(), "claims": claims.count(),
                       "blocks": len(clustered.unique("block")),
                       "boundary_joins": len(edges), "stories": stories.count(), "verdicts": verdicts.count()},
            "seconds": {"total": round(time.perf_counter() - t0, 4)}}


def _blocks(rows: int, workers: int, batch_size: int) -> int:
    """Blocks to split `rows` into: a few per worker (more for big inputs), never fewer rows than a batch each."""
    wanted = max(4 * workers, -(-rows // 10_000))
    return max(1, min(wanted, -(-rows // batch_size)) if rows >= batch_size * 2 else min(rows, 2 * workers))


def _apply(df: pd.DataFrame, merges) -> pd.DataFrame:
    import ray

    if not isinstance(merges, dict):
        merges = ray.get(merges)
    return clustering.apply_merges(df, merges)
