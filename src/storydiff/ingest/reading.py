"""Bytes in, with the size limit enforced before anything large is read."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError, TooLargeError

STDIN = "-"
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    raise AssertionError("unreachable")


def _too_large(source: str, size: str, limit: int) -> TooLargeError:
    return TooLargeError(
        source,
        f"is {size}, over the {human_size(limit)} limit ([ingest] max_input_bytes); "
        "split it into smaller files or raise the limit in your settings",
    )


def read_path(source: str, limit: int) -> bytes:
    """Read a file, refusing it from its size on disk before reading it all."""
    if _URL.match(source):
        raise InputError(
            source,
            "only http and https URLs can be fetched; save the page first (e.g. `curl -o page.html URL`) "
            "and pass the file",
        )
    path = Path(source)
    try:
        stat = path.stat()
        if path.is_dir():
            raise InputError(source, "is a directory, not a file; pass the files inside it (e.g. DIR/*.txt)")
        if stat.st_size > limit:
            raise _too_large(source, human_size(stat.st_size), limit)
        with path.open("rb") as f:
            # Read one byte past the limit: pipes and /proc files report size 0.
            data = f.read(limit + 1)
    except FileNotFoundError:
        raise InputError(source, "no such file; check the path") from None
    except PermissionError:
        raise InputError(source, "cannot be read: permission denied; check the file's permissions") from None
    except IsADirectoryError:
        raise InputError(source, "is a directory, not a file; pass the files inside it (e.g. DIR/*.txt)") from None
    except OSError as err:
        raise InputError(source, f"cannot be read: {err.strerror or err}") from None
    if len(data) > limit:
        raise _too_large(source, f"more than {human_size(limit)}", limit)
    return data


def read_stream(stream: BinaryIO | None, limit: int, source: str = STDIN) -> bytes:
    """Read at most limit+1 bytes from a stream (default: standard input)."""
    if stream is None:
        stream = sys.stdin.buffer
    stream = getattr(stream, "buffer", stream)  # a text stream: read its bytes
    data = stream.read(limit + 1)
    if isinstance(data, str):  # a text stream without a buffer, e.g. io.StringIO
        data = data.encode("utf-8")
    if len(data) > limit:
        raise _too_large(source, f"more than {human_size(limit)}", limit)
    return data
