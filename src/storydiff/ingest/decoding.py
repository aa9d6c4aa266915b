"""Bytes -> str: refuse binaries by their magic numbers, then find the encoding."""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile

import charset_normalizer

from ..errors import BinaryInputError, EmptyInputError, EncodingError

# Byte-order marks, longest first: a UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_CONVERT = "convert it to text or HTML first"
_MAGIC = (
    (b"%PDF-", "a PDF file", _CONVERT + " (e.g. `pdftotext FILE`)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "storydiff reads article text, not images"),
    (b"\xff\xd8\xff", "a JPEG image", "storydiff reads article text, not images"),
    (b"GIF87a", "a GIF image", "storydiff reads article text, not images"),
    (b"GIF89a", "a GIF image", "storydiff reads article text, not images"),
    (b"\x1f\x8b", "a gzip-compressed file", "decompress it first (e.g. `gunzip FILE`)"),
    (b"\xfd7zXZ\x00", "an xz-compressed file", "decompress it first (e.g. `unxz FILE`)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "unpack it and pass the files inside"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Microsoft Office document (.doc)", _CONVERT),
)

# Encodings whose bytes are ASCII-compatible enough for a <meta charset> sniff.
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# WHATWG: these labels mean windows-1252 on the web.
_WEB_1252 = {"latin1", "latin_1", "iso8859_1", "ascii", "cp1252"}


def _zip_kind(data: bytes) -> tuple[str, str]:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        mimetype = zipfile.ZipFile(io.BytesIO(data)).read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return "a ZIP archive", "unpack it and pass the files inside"
    if "word/document.xml" in names:
        return "a Word document (DOCX)", "save it as plain text or HTML first"
    if b"opendocument.text" in mimetype:
        return "an OpenDocument text file (ODT)", "save it as plain text or HTML first"
    if b"epub" in mimetype:
        return "an EPUB e-book", _CONVERT
    return "a ZIP archive", "unpack it and pass the files inside"


def refuse_binary(source: str, data: bytes) -> None:
    """Raise BinaryInputError if the bytes are a known binary format or hold NULs."""
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return  # UTF-16/32 text legitimately holds NUL bytes
    for magic, what, todo in _MAGIC:
        if data.startswith(magic):
            raise BinaryInputError(source, f"looks like {what}; {todo}")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        what, todo = _zip_kind(data)
        raise BinaryInputError(source, f"looks like {what}; {todo}")
    if b"\x00" in data:
        raise BinaryInputError(
            source,
            "contains NUL bytes, so it looks like a binary file, not text; "
            "if it is UTF-16 text without a byte-order mark, re-save it as UTF-8",
        )


def _declared_html_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name.replace("-", "_")
    except (LookupError, UnicodeDecodeError):
        return None
    return "cp1252" if name in _WEB_1252 else name


def _detect(source: str, data: bytes) -> str:
    results = charset_normalizer.from_bytes(data)
    best = results.best()
    if best is None:
        raise EncodingError(
            source,
            "is not UTF-8 and no other text encoding fits its bytes; "
            "if it is text, re-save it as UTF-8 (it may also be a binary file)",
        )
    # charset_normalizer often ranks Baltic or Central European code pages
    # above cp1252 for short Western text, turning "à" into "ŕ". cp1252 is by
    # far the commonest legacy encoding for news text, so take it whenever it
    # fits nearly as well as the best guess.
    for match in results:
        if match.chaos <= best.chaos + 0.1 and "cp1252" in match.could_be_from_charset:
            try:
                return data.decode("cp1252")
            except UnicodeDecodeError:
                break
    return str(best)


def decode(source: str, data: bytes) -> str:
    """Decode bytes to text: BOM, then UTF-8, then a declared HTML charset, then detection."""
    if not data:
        raise EmptyInputError(source, "is empty (0 bytes); pass a file with article text")
    refuse_binary(source, data)
    text = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as err:
                raise EncodingError(
                    source, f"starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()} "
                    f"(bad bytes at offset {err.start}); re-save it as UTF-8",
                ) from None
            break
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            declared = _declared_html_charset(data)
            if declared and declared not in ("utf_8", "utf8"):
                try:
                    text = data.decode(declared)
                except UnicodeDecodeError:
                    text = None
            if text is None:
                text = _detect(source, data)
    if not text.strip():
        raise EmptyInputError(source, "contains only whitespace; pass a file with article text")
    controls = sum(1 for ch in text if ch not in "\t\n\r\f\v" and unicodedata.category(ch) == "Cc")
    if controls >= 4 and controls > len(text) / 100:
        raise BinaryInputError(
            source, f"contains {controls} control characters, so it looks like a binary file, not text",
        )
    return text
