"""Where batch data comes from and goes: input files (local or any fsspec URL) and the output folder."""

from __future__ import annotations

import json

import pandas as pd

from ..errors import StorydiffError

INPUT_SUFFIXES = (".jsonl", ".ndjson", ".parquet")
DATASETS = ("articles", "claims", "stories", "verdicts", "skipped")
MANIFEST = "manifest.json"


class BatchError(StorydiffError):
    """A batch run cannot start or finish; the message says what to do."""


def _fs(url: str):
    try:
        import fsspec
    except ImportError:  # pragma: no cover - fsspec comes with the batch extra
        raise BatchError("storydiff batch needs fsspec; pip install 'storydiff[ray]'") from None
    return fsspec.core.url_to_fs(url)


def list_inputs(url: str) -> list[str]:
    """The input files in arrival order: one file, a glob, or a folder (searched recursively), sorted."""
    fs, path = _fs(url)
    protocol = url.split("://", 1)[0] + "://" if "://" in url else ""
    if any(ch in path for ch in "*?["):
        found = fs.glob(path)
    elif fs.isdir(path):
        found = [p for p in fs.find(path) if p.endswith(INPUT_SUFFIXES)]
    elif fs.exists(path):
        found = [path]
    else:
        raise BatchError(f"{url}: no such file or folder")
    files = sorted(p for p in found if p.endswith(INPUT_SUFFIXES))
    if not files:
        raise BatchError(f"{url}: no .jsonl, .ndjson or .parquet files there")
    return [protocol + p if protocol and not p.startswith(protocol) else p for p in files]


def prepare_output(url: str, overwrite: bool) -> None:
    fs, path = _fs(url)
    taken = [name for name in DATASETS + (MANIFEST,) if fs.exists(f"{path}/{name}")]
    if taken and not overwrite:
        raise BatchError(f"{url} already holds {', '.join(taken)}; choose an empty folder or pass --overwrite")
    for name in taken:
        fs.rm(f"{path}/{name}", recursive=True)
    fs.makedirs(path, exist_ok=True)


def write_table(url: str, name: str, df: pd.DataFrame) -> None:
    """One dataset as a folder holding one Parquet file (the local engine's layout)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    fs, path = _fs(url)
    fs.makedirs(f"{path}/{name}", exist_ok=True)
    with fs.open(f"{path}/{name}/part-00000.parquet", "wb") as f:
        pq.write_table(pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False), f)


def read_table(url: str, name: str) -> pd.DataFrame:
    """A dataset of a batch output (any engine's layout) as one DataFrame."""
    import pyarrow.parquet as pq

    fs, path = _fs(url)
    folder = f"{path}/{name}"
    if not fs.exists(folder):
        raise BatchError(f"{url} has no {name} dataset; is it the OUTPUT of `storydiff batch`?")
    files = sorted(p for p in fs.find(folder) if p.endswith(".parquet"))
    if not files:
        return pd.DataFrame()
    import pyarrow as pa

    frames = []
    for p in files:
        try:
            with fs.open(p, "rb") as f:
                frames.append(pq.read_table(f).to_pandas())
        except (pa.ArrowException, OSError) as err:
            raise BatchError(f"{url}: {p} is not a readable Parquet file ({err}); run `storydiff batch` again") from None
    return pd.concat(frames, ignore_index=True)


def write_manifest(url: str, manifest: dict) -> None:
    fs, path = _fs(url)
    with fs.open(f"{path}/{MANIFEST}", "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)


def read_manifest(url: str) -> dict:
    fs, path = _fs(url)
    if not fs.exists(path):
        raise BatchError(f"{url} does not exist; give the OUTPUT folder of `storydiff batch`")
    if not fs.exists(f"{path}/{MANIFEST}"):
        raise BatchError(f"{url} has no {MANIFEST}; is it the OUTPUT of a finished `storydiff batch`?")
    try:
        with fs.open(f"{path}/{MANIFEST}", "r") as f:
            manifest = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise BatchError(f"{url}: {MANIFEST} is not valid JSON ({err}); run `storydiff batch` again") from None
    if not isinstance(manifest, dict) or "versions" not in manifest:
        raise BatchError(f"{url}: {MANIFEST} is not a batch manifest (no versions); run `storydiff batch` again")
    return manifest
