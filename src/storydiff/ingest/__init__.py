"""Every input becomes an `Article`, or a typed `InputError` that says why.

    load("story.html")                  -> [Article]
    load("-", stdin=...)                -> [Article]     (text, HTML or JSON on stdin)
    load_many(["a.txt", "b.jsonl"])     -> ([Article, ...], [InputError, ...])

Formats are sniffed from the content: JSON (an object or a list of objects),
JSONL (one object per line), HTML (via trafilatura), else plain text. Plain
text files pick up outlet/title/date/url from a `metadata.json` beside them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import EmptyInputError, InputError, NoArticleTextError, SettingsError, TooLargeError
from ..model import Article
from ..settings import Settings, load_settings
from .decoding import decode
from .fetch import fetch, is_url
from .html import extract_html, looks_like_html
from .reading import STDIN, read_path, read_stream
from .records import iter_json_records, iter_jsonl_records, parse_json, record_fields
from .sidecar import SIDECAR_NAME, sidecar_metadata

__all__ = ["article_id", "make_article", "text_limits", "Limits", "load", "load_many", "SIDECAR_NAME"]


def article_id(text: str) -> str:
    """Stable content hash: sha256 of the NFC-normalised, whitespace-collapsed text, 16 hex chars."""
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def make_article(
    text: str,
    source: str,
    *,
    title: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
    url: str | None = None,
) -> Article:
    """An Article whose id is the hash of its text; blank metadata becomes None.

    The text is stored NFC-normalised so that offsets and string matching
    downstream see the same characters the id was computed from.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    if not text.strip():
        raise EmptyInputError(source, "the article text is empty")
    text = unicodedata.normalize("NFC", text)
    return Article(
        id=article_id(text),
        text=text,
        source=source,
        title=_clean(title),
        outlet=_clean(outlet),
        published=_clean(published),
        url=_clean(url),
    )


def _body(text: str) -> str:
    """Unix newlines, without leading/trailing blank lines or trailing whitespace."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines).rstrip()


# spaCy refuses a longer text (nlp.max_length, error E088); the claims stage parses each paragraph,
# so only a text of one huge paragraph would reach it, but no longer text is an article either.
SPACY_MAX_CHARS = 1_000_000
# A derived text (a summary, a rewrite) may be one short sentence; less than this holds no claim ("ok").
SHORT_TEXT_MIN_CHARS = 5


@dataclass(frozen=True)
class Limits:
    """How much an input may hold, from [ingest]; `short_ok` relaxes the minimum for a summary."""

    max_bytes: int
    min_chars: int
    max_chars: int
    short_ok: bool = False

    def check_text(self, where: str, text: str) -> None:
        """Raise NoArticleTextError for too little text, TooLargeError for more than can be analysed."""
        if len(text) > self.max_chars:
            raise TooLargeError(where, f"has {len(text):,} characters of text; at most {self.max_chars:,} can be "
                                       "analysed ([ingest] max_article_chars); split it into smaller files")
        if len(text) < self.min_chars:
            advice = "pass at least one sentence" if self.short_ok else "pass the full article"
            raise NoArticleTextError(where, f"has only {len(text)} characters of text ({self.needed}); {advice}")

    @property
    def needed(self) -> str:
        """The minimum, and the setting it comes from, for messages."""
        if self.short_ok:
            return f"at least {self.min_chars} needed"
        return f"at least {self.min_chars} needed, [ingest] min_article_chars"


def text_limits(settings: Settings | None, short_ok: bool = False) -> Limits:
    settings = settings or load_settings()
    max_bytes = settings.get("ingest", "max_input_bytes")
    min_chars = settings.get("ingest", "min_article_chars")
    max_chars = settings.get("ingest", "max_article_chars")
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes < 1:
        raise SettingsError(f"[ingest] max_input_bytes must be a positive whole number, not {max_bytes!r}")
    if not isinstance(min_chars, int) or isinstance(min_chars, bool) or min_chars < 0:
        raise SettingsError(f"[ingest] min_article_chars must be a whole number >= 0, not {min_chars!r}")
    if not isinstance(max_chars, int) or isinstance(max_chars, bool) or not 1 <= max_chars <= SPACY_MAX_CHARS:
        raise SettingsError(f"[ingest] max_article_chars must be a whole number from 1 to {SPACY_MAX_CHARS:,} "
                            f"(the most the spaCy pipeline analyses), not {max_chars!r}")
    if short_ok:
        min_chars = min(min_chars, SHORT_TEXT_MIN_CHARS)
    return Limits(max_bytes, min_chars, max_chars, short_ok)


def _text_article(where: str, text: str, limits: Limits, **meta: str | None) -> Article:
    body = _body(text)
    limits.check_text(where, body)
    return make_article(body, where, **meta)


def _load(source: str, settings: Settings | None, stdin: BinaryIO | None,
          short_ok: bool = False) -> tuple[list[Article], list[InputError]]:
    """One input -> (articles, record errors); whole-input failures raise."""
    limits = text_limits(settings, short_ok)
    if is_url(source):  # http(s) only, with the SSRF, timeout and size rules of ingest.fetch
        fetched = fetch(source, settings)
        articles, errors = _parse(source, fetched.body, limits)
        return [a if a.url else dataclasses.replace(a, url=fetched.url) for a in articles], errors
    data = read_stream(stdin, limits.max_bytes) if source == STDIN else read_path(source, limits.max_bytes)
    return _parse(source, data, limits)


def _parse(source: str, data: bytes, limits: Limits) -> tuple[list[Article], list[InputError]]:
    text = decode(source, data)

    parsed = parse_json(source, text)
    if parsed is not None:
        kind, value = parsed
        pairs = iter_json_records(source, value) if kind == "json" else iter_jsonl_records(source, text)
        articles: list[Article] = []
        errors: list[InputError] = []
        for pair in pairs:
            if isinstance(pair, InputError):
                errors.append(pair)
                continue
            where, record = pair
            try:
                fields = record_fields(where, record)
                articles.append(_text_article(where, **fields, limits=limits))
            except InputError as err:
                errors.append(err)
        if not articles and not errors:
            raise EmptyInputError(source, "holds no JSON records")
        return articles, errors

    if looks_like_html(text, source):
        page = extract_html(source, text, limits.min_chars, needed=limits.needed)
        limits.check_text(source, page.text)
        article = make_article(
            page.text, source, title=page.title, outlet=page.outlet, published=page.published, url=page.url
        )
        return [article], []

    meta = {} if source == STDIN or is_url(source) else sidecar_metadata(Path(source), source)
    meta.pop("note", None)
    return [_text_article(source, text, limits, **meta)], []


def load(source: str, settings: Settings | None = None, stdin: BinaryIO | None = None, *,
         short_ok: bool = False) -> list[Article]:
    """Read one input (a path, or "-" for `stdin`) into its articles.

    Strict: any bad record in a JSON/JSONL input raises; use `load_many` to
    keep a file's good records alongside its errors. `short_ok` accepts a
    text shorter than [ingest] min_article_chars (a summary to check).
    """
    articles, errors = _load(source, settings, stdin, short_ok)
    if errors:
        first = errors[0]
        if len(errors) > 1:
            raise type(first)(first.source, f"{first.reason} (and {len(errors) - 1} more bad record(s) in {source})")
        raise first
    return articles


def load_many(
    sources: list[str], settings: Settings | None = None, stdin: BinaryIO | None = None
) -> tuple[list[Article], list[InputError]]:
    """Read every input; one bad input (or record) never stops the others."""
    settings = settings or load_settings()
    articles: list[Article] = []
    errors: list[InputError] = []
    for number, source in enumerate(sources):
        if source == STDIN and STDIN in sources[:number]:
            errors.append(InputError(source, "standard input can be read only once; give the other inputs as files"))
            continue
        try:
            good, bad = _load(source, settings, stdin)
        except InputError as err:
            errors.append(err)
            continue
        articles.extend(good)
        errors.extend(bad)
    return articles, errors
