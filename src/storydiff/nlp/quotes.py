"""Direct quotations with their speaker.

textacy's rule-based `direct_quotations` does the attribution; it gives up on
a paragraph with an odd number of quote marks, so that case falls back to
pairing the marks ourselves and taking the subject of the nearest reporting
verb as the speaker.
"""

from __future__ import annotations

import re

from ..model import Quote

_QUOTE_RE = re.compile(r"[“\"]([^”\"]{12,}?)[”\"]")
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you"}
_STRIP = " ,.;:–—-\u2019\u2018'"


def _clean(content: str, start: int) -> tuple[str, int, int]:
    """Strip quote marks and trailing punctuation; return text and its offsets."""
    inner_start = start
    text = content
    while text and text[0] in "“”\"‘’' ":
        text, inner_start = text[1:], inner_start + 1
    while text and (text[-1] in "“”\"" or text[-1] in _STRIP):
        text = text[:-1]
    return text, inner_start, inner_start + len(text)


def _speaker_name(tokens) -> str | None:
    if not tokens:
        return None
    words = [t.text for t in tokens if not t.is_punct]
    return " ".join(words) or None


def quotes_from_doc(doc, offset: int = 0) -> list[Quote]:
    """Quotes in one spaCy doc (a paragraph); offsets shifted by `offset`."""
    from textacy.extract.triples import direct_quotations

    try:
        triples = list(direct_quotations(doc))
    except ValueError:
        return _fallback_quotes(doc, offset)
    quotes = []
    for triple in triples:
        content = triple.content
        text, start, end = _clean(content.text, content.start_char)
        if len(text.split()) < 2:
            continue
        speaker = _speaker_name(triple.speaker)
        cue = " ".join(t.text for t in triple.cue) or None
        quotes.append(Quote(text, offset + start, offset + end, speaker, cue))
    return quotes


def _fallback_quotes(doc, offset: int) -> list[Quote]:
    from textacy.constants import REPORTING_VERBS

    verbs = REPORTING_VERBS["en"]
    quotes = []
    for m in _QUOTE_RE.finditer(doc.text):
        text, start, end = _clean(m.group(), m.start())
        if len(text.split()) < 2:
            continue
        sent = doc.char_span(m.start(), m.end(), alignment_mode="expand").sent
        speaker = cue = None
        for tok in sent:
            inside = m.start() <= tok.idx < m.end()
            if not inside and tok.lemma_ in verbs and tok.pos_ == "VERB":
                cue = tok.text
                subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
                if subj:
                    speaker = _speaker_name(list(subj[0].subtree))
                break
        quotes.append(Quote(text, offset + start, offset + end, speaker, cue))
    return quotes


def is_named_speaker(speaker: str | None) -> bool:
    """A pronoun or a bare role ("leader") cannot contradict a name."""
    return bool(speaker) and speaker.lower() not in _PRONOUNS and speaker[0].isupper()
