"""Story clustering that scales: block by time, cluster each block, stitch neighbouring blocks.

The single-pass `StoryClusterer` sees every article in arrival order. That
is one process holding every vector: fine for a corpus, not for a year of
news. Here the same clusterer runs on independent blocks and the blocks are
joined afterwards, so every step is a group-by that a distributed engine can
run in parallel:

1. `assign_block`: an article with a publication time goes to the time block
   `floor(days since 1970 / block_days)`; one without a date goes to an
   arrival block (its input file and `line // undated_block`).
2. `cluster_block`: one `StoryClusterer` per block, articles added in
   arrival order (`seq`). Each row gets its in-block story and what the
   stitching step needs to know about that story.
3. `boundary_rows` + `stitch_boundary`: for each pair of neighbouring blocks
   P -> B, the stories of P still live at the boundary (a member within
   `margin_days` before it, or among P's last `undated_margin` arrivals) are
   restored into a fresh clusterer, and B's articles near the boundary are
   added in arrival order. When the clusterer puts one of them into a story
   of P, the two stories are joined (an edge).
4. `resolve_merges`: union-find over the edges; a joined story keeps the id
   of its earliest-founded part, as the single pass would.

Every function takes and returns plain rows (a pandas DataFrame) and sorts
its input by `seq` first, so the result does not depend on how an engine
partitioned or ordered the data. See docs/scale.md for the cost.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from ..errors import SettingsError
from ..settings import Settings, load_settings
from ..stories import StoryClusterer, StoryParams, StorySignals

STAGE_VERSION = "storydiff.batch.stories.v1"
DATED, UNDATED = 0, 1
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class BlockParams:
    block_days: float = 7.0  # width of a time block
    margin_days: float = 2.0  # how far either side of a boundary stitching looks
    undated_block: int = 5000  # articles without a date: lines of one input file per block
    undated_margin: int = 500  # ... and how many arrivals either side of a boundary are stitched

    def __post_init__(self):
        if not self.block_days > 0:
            raise SettingsError(f"[batch] block_days must be > 0, not {self.block_days!r}")
        if not 0 <= self.margin_days <= self.block_days:
            raise SettingsError(f"[batch] margin_days must be between 0 and block_days ({self.block_days}), "
                                f"not {self.margin_days!r}")
        if self.undated_block < 1 or not 0 <= self.undated_margin <= self.undated_block:
            raise SettingsError("[batch] undated_block must be >= 1 and undated_margin between 0 and it, "
                                f"not {self.undated_block!r} / {self.undated_margin!r}")

    @classmethod
    def from_settings(cls, settings: Settings, **overrides) -> BlockParams:
        section = dict(settings.values.get("batch", {}))
        section.update({k: v for k, v in overrides.items() if v is not None})
        known = {k: section[k] for k in cls.__dataclass_fields__ if k in section}
        return cls(**known)


# --------------------------------------------------------------------------- rows <-> signals

def present(value):
    """A cell's value, or None for a missing one (None, NaN or pandas NA, whatever the engine made of it)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def signals_of(row) -> StorySignals:
    """The StorySignals of one article row (vector bytes, JSON lists, ISO time)."""
    published = datetime.fromisoformat(row.published_utc) if present(row.published_utc) else None
    return StorySignals(article_id=row.id, vector=np.frombuffer(row.vector, dtype="<f4").astype(np.float32),
                        entities=frozenset(json.loads(row.entities)), figures=frozenset(json.loads(row.figures)),
                        published=published)


def signal_columns(signals: StorySignals) -> dict:
    return {"vector": np.asarray(signals.vector, dtype="<f4").tobytes(),
            "entities": json.dumps(sorted(signals.entities)), "figures": json.dumps(sorted(signals.figures)),
            "published_utc": signals.published.isoformat() if signals.published else None}


def _days(iso: str) -> float:
    return (datetime.fromisoformat(iso) - _EPOCH).total_seconds() / 86400.0


# --------------------------------------------------------------------------- 1. blocks

def assign_block(df: pd.DataFrame, params: BlockParams) -> pd.DataFrame:
    """Add `block` ("0:<time block>" or "1:<file>:<chunk>"), sortable within each kind."""
    blocks = []
    for published, file_index, line in zip(df["published_utc"], df["file_index"], df["line"]):
        if present(published):
            blocks.append(f"{DATED}:{math.floor(_days(published) / params.block_days):+012d}")
        else:
            blocks.append(f"{UNDATED}:{int(file_index):08d}:{int(line) // params.undated_block:08d}")
    return df.assign(block=blocks)


def previous_blocks(blocks, params: BlockParams) -> dict[str, str]:
    """block -> the block before it that stitching joins it to (absent: the first of its run)."""
    out: dict[str, str] = {}
    ordered = sorted(set(blocks))
    for prev, block in zip(ordered, ordered[1:]):
        if block.startswith(f"{DATED}:"):
            if prev.startswith(f"{DATED}:") and int(block[2:]) == int(prev[2:]) + 1:
                out[block] = prev  # a gap of a whole block is longer than any margin: nothing to stitch
        elif prev.startswith(f"{UNDATED}:"):
            out[block] = prev  # arrival blocks follow each other
    return out


# --------------------------------------------------------------------------- 2. within a block

CLUSTER_COLUMNS = ["story_local", "story_first_seq", "story_last", "story_max_rank", "block_rank", "block_size"]


def cluster_block(df: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """One block: every article through one StoryClusterer in arrival order."""
    df = df.sort_values("seq", kind="stable").reset_index(drop=True)
    clusterer = StoryClusterer(settings)
    story_ids = clusterer.add_and_refine([signals_of(r) for r in df.itertuples(index=False)])
    df = df.assign(story_local=story_ids, block_rank=np.arange(len(df), dtype=np.int64),
                   block_size=np.int64(len(df)))
    grouped = df.groupby("story_local", sort=False)
    first_seq = grouped["seq"].transform("min")
    last = grouped["published_utc"].transform(lambda s: max((v for v in s if present(v)), default=None,
                                                             key=_days))
    return df.assign(story_first_seq=first_seq.astype(np.int64), story_last=last,
                     story_max_rank=grouped["block_rank"].transform("max").astype(np.int64))


# --------------------------------------------------------------------------- 3. stitching

def boundary_rows(df: pd.DataFrame, previous: dict[str, str], params: BlockParams) -> pd.DataFrame:
    """Each clustered row near a block boundary, tagged with that boundary (the later block) and its side."""
    following = {prev: block for block, prev in previous.items()}
    parts = []
    for block, rows in df.groupby("block", sort=False):
        if block in previous:  # B's head: its early articles look back into P
            if block.startswith(f"{DATED}:"):
                start = int(block[2:]) * params.block_days
                head = rows[[_days(p) < start + params.margin_days for p in rows["published_utc"]]]
            else:
                head = rows[rows["block_rank"] < params.undated_margin]
            parts.append(head.assign(boundary=block, side="right"))
        if block in following:  # P's tail: the stories still live at its end
            if block.startswith(f"{DATED}:"):
                end = (int(block[2:]) + 1) * params.block_days
                tail = rows[[present(last) is not None and _days(last) >= end - params.margin_days
                             for last in rows["story_last"]]]
            else:
                tail = rows[rows["story_max_rank"] >= rows["block_size"] - params.undated_margin]
            parts.append(tail.assign(boundary=following[block], side="left"))
    if not parts:
        return df.iloc[0:0].assign(boundary=pd.Series(dtype=object), side=pd.Series(dtype=object))
    return pd.concat(parts, ignore_index=True)


EDGE_COLUMNS = ["story_a", "first_seq_a", "story_b", "first_seq_b"]


def stitch_boundary(df: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """One boundary: which stories of the later block the clusterer would join to the earlier block's."""
    df = df.sort_values("seq", kind="stable")
    left, right = df[df["side"] == "left"], df[df["side"] == "right"]
    edges = []
    if len(left) and len(right):
        # It only asks where each article would join: a refinement here (every `refine_every` adds)
        # could split an earlier story and lose that answer, so it never runs.
        params = replace(StoryParams.from_settings(settings or load_settings()), refine_every=0)
        clusterer = StoryClusterer(params=params)
        clusterer.restore((signals_of(r), r.story_local) for r in left.itertuples(index=False))
        first_seq = dict(zip(left["story_local"], left["story_first_seq"]))
        for r in right.itertuples(index=False):
            joined = clusterer.add(signals_of(r))
            if joined in first_seq:
                edges.append((joined, int(first_seq[joined]), r.story_local, int(r.story_first_seq)))
    return pd.DataFrame(edges, columns=EDGE_COLUMNS).astype({"first_seq_a": np.int64, "first_seq_b": np.int64})


# --------------------------------------------------------------------------- 4. joining

def resolve_merges(edges: pd.DataFrame) -> dict[str, str]:
    """in-block story -> final story id, for every story that was joined (the rest keep their id)."""
    parent: dict[str, str] = {}
    founded: dict[str, int] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, sa, b, sb in edges[EDGE_COLUMNS].itertuples(index=False):
        for story, seq in ((a, sa), (b, sb)):
            parent.setdefault(story, story)
            founded[story] = int(seq)
        ra, rb = find(a), find(b)
        if ra != rb:  # the earlier-founded story names the union, whatever order edges come in
            keep, drop = (ra, rb) if (founded[ra], ra) <= (founded[rb], rb) else (rb, ra)
            parent[drop] = keep
    return {story: find(story) for story in parent if find(story) != story}


def apply_merges(df: pd.DataFrame, merges: dict[str, str]) -> pd.DataFrame:
    return df.assign(story_id=[merges.get(s, s) for s in df["story_local"]])
