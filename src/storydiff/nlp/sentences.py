"""Sentence splitting that keeps quotations whole and respects paragraphs."""

from __future__ import annotations

import re

from ..model import Sentence

_PARAGRAPH = re.compile(r"[^\n]+")
_OPEN_QUOTES = "“"
_CLOSE_QUOTES = "”"


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Non-blank lines with their offsets: news text puts one paragraph per line."""
    return [(m.start(), m.group()) for m in _PARAGRAPH.finditer(text) if m.group().strip()]


def _quote_depth(text: str) -> int:
    curly = text.count(_OPEN_QUOTES) - text.count(_CLOSE_QUOTES)
    straight = text.count('"') % 2
    return curly + straight


def split_sentences(docs_with_offsets, first_index: int = 0) -> list[Sentence]:
    """Sentences from spaCy docs of paragraphs, merging splits inside an open quote.

    spaCy splits "…we'll have an agreement. Ten live hostages will be
    released," Witkoff told reporters — into three sentences; the quote and
    its speaker belong together. Sentences are numbered from `first_index`
    (an article's paragraphs may arrive one at a time).
    """
    sentences: list[Sentence] = []
    for offset, doc in docs_with_offsets:
        pending: tuple[int, int] | None = None
        for sent in doc.sents:
            start = offset + sent.start_char
            end = offset + sent.end_char
            if pending is not None:
                start = pending[0]
            if _quote_depth(doc.text[start - offset : end - offset]) > 0 and sent.end < len(doc):
                pending = (start, end)
                continue
            pending = None
            _append(sentences, doc.text, offset, start, end, first_index)
        if pending is not None:
            _append(sentences, doc.text, offset, *pending, first_index)
    return sentences


def _append(sentences: list[Sentence], para: str, offset: int, start: int, end: int, first_index: int) -> None:
    """Add a sentence with surrounding whitespace trimmed off its offsets."""
    raw = para[start - offset : end - offset]
    start += len(raw) - len(raw.lstrip())
    end -= len(raw) - len(raw.rstrip())
    if end > start:
        sentences.append(Sentence(first_index + len(sentences), start, end, para[start - offset : end - offset]))
