"""The batch runner: the compare pipeline over a large input, on one machine or a Ray cluster.

    summary = run_batch("news/*.jsonl", "out/", engine="local")    # or engine="ray", address="ray://..."
    load_batch("out/", corpus)                                     # into a local store: stories, show, serve

INPUT is JSONL or Parquet (a file, a glob or a folder; a local path or any
fsspec URL). OUTPUT is a folder of Parquet datasets: articles (with their
story and story signals), claims, stories (with each story's full report),
verdicts, and skipped (every dropped record with the reason). Both engines
run the same stage functions (`stages.py`, `clustering.py`) and give the
same result; see docs/scale.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..settings import Settings, load_settings
from .clustering import STAGE_VERSION, BlockParams
from .io import BatchError, list_inputs, prepare_output, read_table, write_manifest
from .load import load_batch

__all__ = ["ENGINES", "BatchError", "BatchSummary", "BlockParams", "load_batch", "read_table", "run_batch"]

ENGINES = ("local", "ray")


@dataclass(frozen=True)
class BatchSummary:
    output: str
    engine: str
    counts: dict
    seconds: dict


def _versions(settings: Settings) -> dict:
    from .. import align, judge, stories
    from ..nlp import claims
    from ..nlp.language import SPACY_MODEL

    return {"batch": STAGE_VERSION, "stories": stories.STAGE_VERSION,
            # the same keys `Corpus.compare_story` caches a comparison under, so `load` can store them
            "comparison": {"claims": claims.STAGE_VERSION, "align": align.STAGE_VERSION,
                           "judge": judge.STAGE_VERSION, "spacy_model": SPACY_MODEL,
                           "settings": {s: settings.values.get(s, {}) for s in ("embedder", "align", "judge")}}}


def run_batch(input_url: str, output_url: str, *, engine: str = "local", address: str | None = None,
              settings: Settings | None = None, params: BlockParams | None = None, workers: int = 2,
              batch_size: int = 64, gpus_per_actor: float | None = None, overwrite: bool = False) -> BatchSummary:
    """Every stage over INPUT, datasets written under OUTPUT; BatchError says what went wrong."""
    if engine not in ENGINES:
        raise BatchError(f"unknown engine {engine!r}; valid: {', '.join(ENGINES)}")
    if workers < 1 or batch_size < 1:
        raise BatchError(f"workers and batch size must be >= 1, not {workers} / {batch_size}")
    settings = settings or load_settings()
    params = params or BlockParams.from_settings(settings)
    if engine == "ray":
        from .ray_engine import import_ray

        import_ray()  # fail before touching the output folder
    files = list_inputs(input_url)
    prepare_output(output_url, overwrite)
    started = time.time()
    if engine == "local":
        from . import local

        result = local.run(files, output_url, settings, params, batch_size=batch_size)
    else:
        from . import ray_engine

        result = ray_engine.run(files, output_url, settings, params, address=address, workers=workers,
                                batch_size=batch_size, gpus_per_actor=gpus_per_actor)
    write_manifest(output_url, {
        "engine": engine, "input": input_url, "files": files, "counts": result["counts"],
        "seconds": result["seconds"], "started": started, "params": params.__dict__,
        "versions": _versions(settings), "workers": workers if engine == "ray" else 1,
    })
    return BatchSummary(output_url, engine, result["counts"], result["seconds"])
