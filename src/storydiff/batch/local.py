"""`--engine local`: the batch stages in this process, one after another (same functions as on Ray)."""

from __future__ import annotations

import time

import pandas as pd

from ..settings import Settings
from . import clustering, stages
from .io import BatchError, write_table


def _chunks(df: pd.DataFrame, size: int):
    for start in range(0, len(df), size):
        yield df.iloc[start:start + size]


def _concat(frames, columns) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def run(files: list[str], output: str, settings: Settings, params: clustering.BlockParams,
        batch_size: int = 64) -> dict:
    """Run every stage; write the datasets; return counts and seconds per stage."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 4)
        clock = now

    raw = _concat((stages.read_input_file(p, i) for i, p in enumerate(files)), ["line"])
    rows = stages.normalise(raw, settings)
    unreadable = rows[rows["reason"].notna()]
    rows = stages.first_of_each_text(rows[rows["reason"].isna()])
    skipped = pd.concat([unreadable, rows[rows["reason"].notna()]], ignore_index=True)
    articles = rows[rows["reason"].isna()][stages.ARTICLE_COLUMNS]
    if not len(articles):
        reasons = "; ".join(f"{s}: {r}" for s, r in zip(skipped["source"][:3], skipped["reason"][:3]))
        raise BatchError("no article could be read from the input"
                         + (f"; first reasons: {reasons}" if reasons else ": it holds no records"))
    lap("normalise")
    signal_stage = stages.SignalStage(settings)
    signals = _concat((signal_stage(c) for c in _chunks(articles, batch_size)), stages.ARTICLE_COLUMNS)
    lap("signals")
    blocked = clustering.assign_block(signals, params)
    clustered = _concat((clustering.cluster_block(g, settings) for _, g in blocked.groupby("block", sort=True)),
                        list(blocked.columns))
    lap("cluster_blocks")
    previous = clustering.previous_blocks(clustered["block"], params)
    near = clustering.boundary_rows(clustered, previous, params)
    edges = _concat((clustering.stitch_boundary(g, settings) for _, g in near.groupby("boundary", sort=True)),
                    clustering.EDGE_COLUMNS)
    final = clustering.apply_merges(clustered, clustering.resolve_merges(edges))
    lap("stitch")
    compare_stage = stages.CompareStage(settings)
    packed = _concat((stages.pack_story(g) for _, g in final.groupby("story_id", sort=True)), ["story_id"])
    stories = _concat((compare_stage(c) for c in _chunks(packed, 1)), stages.STORY_COLUMNS + ["claims"])
    verdicts = stages.verdict_rows(stories)
    # The comparison extracted the claims; they are written in arrival order, as articles are.
    order = dict(zip(final["id"], final["seq"]))
    claims = stages.story_claim_rows(stories).sort_values("article_id", key=lambda ids: ids.map(order),
                                                          kind="stable")
    lap("compare")

    write_table(output, "articles", final.sort_values("seq"))
    write_table(output, "claims", claims)
    write_table(output, "stories", stories[stages.STORY_COLUMNS])
    write_table(output, "verdicts", verdicts)
    write_table(output, "skipped", skipped[stages.SKIPPED_COLUMNS].sort_values("seq"))
    lap("write")
    return {"counts": {"records": len(raw), "articles": len(final), "skipped": len(skipped), "claims": len(claims),
                       "blocks": int(final["block"].nunique()) if len(final) else 0, "boundary_joins": len(edges),
                       "stories": len(stories), "verdicts": len(verdicts)},
            "seconds": timings}
