"""The story clusterer's ANN index, saved beside the database so a new process need not rebuild it.

    path = ann_path(db_path)                       # news.db -> news.db.stories-ann
    save(path, payload, header)                    # atomic: temp file, fsync, rename
    found = read(path)                             # (header, payload), or why it cannot be used

Rebuilding the HNSW index from every stored vector is most of what a new
process pays before its first add (docs/benchmarks.md, "Corpus growth");
loading a saved one takes milliseconds. The database stays the source of
truth: this file is a cache that is trusted only when its header says it
holds exactly the articles the store holds, in the same order, for the same
story model (the caller checks that), and its payload matches the checksum
in the header. Anything else (missing, truncated, garbage, from another
corpus, written by another model or usearch version) is a reason to rebuild,
never an error.

Layout, one file so it is replaced in one rename (a kill -9 during a save
leaves the old file or the new one, never a mix):

    MAGIC (14 bytes) | header length (4 bytes, little-endian) | header (UTF-8 JSON) | payload

The payload is usearch's own serialisation (`Index.save()` to a buffer,
`Index.restore(buffer)`); the header records what it covers:

    format          FORMAT
    model           the story model (embedder + stories stage version) the vectors came from
    usearch         the usearch version that wrote the payload
    count           how many vectors, keyed 0..count-1 in arrival order
    ids_sha256      digest of those articles' ids in key order (`ids_digest`)
    max_seq         the store's highest article seq when it was saved (for people reading it)
    payload_bytes, payload_sha256
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import struct
from collections.abc import Iterable
from pathlib import Path

__all__ = ["FORMAT", "SUFFIX", "ann_path", "ids_digest", "save", "read"]

FORMAT = "storydiff.stories-ann.v1"
SUFFIX = ".stories-ann"
MAGIC = b"storydiff-ann\n"
_MAX_HEADER = 1 << 20


def ann_path(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + SUFFIX)


def ids_digest(article_ids: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(article_ids).encode()).hexdigest()


def save(path: Path, payload: bytes | bytearray | memoryview, header: dict) -> None:
    """Write the index to `path` atomically; raises OSError (the old file, if any, is left as it was)."""
    header = {**header, "format": FORMAT, "payload_bytes": len(payload),
              "payload_sha256": hashlib.sha256(payload).hexdigest()}
    head = json.dumps(header, sort_keys=True).encode()
    _remove_abandoned_temp_files(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(MAGIC + struct.pack("<I", len(head)) + head)
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the name points at them
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_folder(path.parent)


def read(path: Path) -> tuple[dict, memoryview] | str:
    """(header, payload) when the file is whole and ours; otherwise why not, as a short phrase."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return "no saved index"
    except OSError as err:
        return f"the saved index cannot be read ({err.strerror or err})"
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
        return "the saved index is not a storydiff index file"
    (size,) = struct.unpack_from("<I", data, len(MAGIC))
    start = len(MAGIC) + 4
    if size > _MAX_HEADER or start + size > len(data):
        return "the saved index is truncated"
    try:
        header = json.loads(data[start:start + size])
    except ValueError:
        return "the saved index has a corrupt header"
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return f"the saved index is in another format ({header.get('format') if isinstance(header, dict) else '?'})"
    payload = memoryview(data)[start + size:]
    if len(payload) != header.get("payload_bytes"):
        return "the saved index is truncated"
    if hashlib.sha256(payload).hexdigest() != header.get("payload_sha256"):
        return "the saved index is corrupt (checksum mismatch)"
    return header, payload


def _remove_abandoned_temp_files(path: Path) -> None:
    """Temp files of saves that were killed before their rename (their process is gone)."""
    for tmp in path.parent.glob(f"{path.name}.*.tmp"):
        pid = tmp.name[len(path.name) + 1:-len(".tmp")]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                tmp.unlink()


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # os.kill(pid, 0) would end the process on Windows: leave the file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or no way to tell: leave its file
    return True


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); where folders cannot be opened this is skipped."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
