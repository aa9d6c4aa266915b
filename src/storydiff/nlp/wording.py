"""Word-level comparison of two wordings, with article offsets for highlights."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from ..model import Span

_TOKEN = re.compile(r"[\w’'-]+")


def _norm(word: str) -> str:
    # Typography is not wording: curly vs straight apostrophes, Hamas’s vs Hamas'.
    w = word.lower().replace("’", "'")
    return re.sub(r"'s?$", "", w)


def tokens(text: str, offset: int = 0) -> list[tuple[str, int, int]]:
    return [(_norm(m.group()), offset + m.start(), offset + m.end()) for m in _TOKEN.finditer(text)]


# British and American spellings of one word ("neighbourhood", "neighborhood"): wire copy is
# respelled for each market, and a respelled quote is the same quote. Words of six letters or
# more only, so that no two different words ("four", "for") are made one.
_SPELLINGS = [(re.compile(p), r) for p, r in (
    (r"our(s|ed|ing|ite|ites|able|hood|hoods|ful)?$", r"or\1"),  # colour, favourite, neighbourhood
    (r"(?<=[a-z]{2})is(e|es|ed|ing|ation|ations)$", r"iz\1"),  # organise, organisation
    (r"(?<=[a-z]{2}[tb])re(s?)$", r"er\1"),  # centre, metres, fibre
    (r"(?<=[a-z]{2})ence(s?)$", r"ense\1"),  # defence, licence
    (r"ogue(s?)$", r"og\1"),  # catalogue, dialogue
    (r"^(travel|cancel|label|model|level|fuel|signal|total|counsel|marvel|channel|tunnel|quarrel|jewel)l", r"\1"),
)]


def _spelling(word: str) -> str:
    if len(word) < 6:
        return word
    for pattern, repl in _SPELLINGS:
        word = pattern.sub(repl, word)
    return word


def _wording(text: str, offset: int) -> list[tuple[str, int, int]]:
    """Tokens for comparing two wordings: spelling variants made one, and the ":00" of a clock
    time dropped ("6:00 p.m." and "6 p.m." say the same)."""
    return [(_spelling(w), start, end) for w, start, end in tokens(text, offset)
            if not (w == "00" and re.search(r":\s?$", text[:start - offset]))]


def content_share(a: str, b: str) -> float:
    """Share of the shorter wording's content words (not "the", "is", ...) that the other also uses.

    "The man is an emotional wreck" and "The man is petrified" share three words of four,
    but only "man" of their content: they are two remarks, not one quote worded two ways.
    """
    from spacy.lang.en.stop_words import STOP_WORDS  # spaCy is loaded anyway by the claim stage

    wa, wb = ({w for w, _, _ in _wording(t, 0) if w not in STOP_WORDS} for t in (a, b))
    if not wa or not wb:
        return 1.0
    return len(wa & wb) / min(len(wa), len(wb))


def word_diff(a: str, b: str, a_offset: int = 0, b_offset: int = 0):
    """Return (similarity, a_changed, b_changed, ops).

    `similarity` is the share of the shorter wording matched in order, so a
    partial quote inside a longer one scores 1. Changed spans are limited to
    the stretch where the two wordings overlap.
    """
    ta, tb = _wording(a, a_offset), _wording(b, b_offset)
    if not ta or not tb:
        return 0.0, (), (), []
    matcher = SequenceMatcher(a=[t[0] for t in ta], b=[t[0] for t in tb], autojunk=False)
    blocks = [blk for blk in matcher.get_matching_blocks() if blk.size]
    matched = sum(blk.size for blk in blocks)
    similarity = matched / min(len(ta), len(tb))
    if not blocks:
        return 0.0, (), (), []
    a_lo, a_hi = blocks[0].a, blocks[-1].a + blocks[-1].size
    b_lo, b_hi = blocks[0].b, blocks[-1].b + blocks[-1].size
    inner = SequenceMatcher(a=[t[0] for t in ta[a_lo:a_hi]], b=[t[0] for t in tb[b_lo:b_hi]], autojunk=False)
    a_changed, b_changed, ops = [], [], []
    for i1, i2, j1, j2 in _change_regions(inner.get_opcodes()):
        if i2 - i1 == j2 - j1 == 1 and _one_possessive(a[ta[a_lo + i1][1] - a_offset : ta[a_lo + i1][2] - a_offset],
                                                       b[tb[b_lo + j1][1] - b_offset : tb[b_lo + j1][2] - b_offset]):
            continue
        tag = "replace" if i2 > i1 and j2 > j1 else "delete" if i2 > i1 else "insert"
        if i2 > i1:
            a_changed.append(Span(ta[a_lo + i1][1], ta[a_lo + i2 - 1][2]))
        if j2 > j1:
            b_changed.append(Span(tb[b_lo + j1][1], tb[b_lo + j2 - 1][2]))
        ops.append({
            "op": tag,
            "left": " ".join(a[t[1] - a_offset : t[2] - a_offset] for t in ta[a_lo + i1 : a_lo + i2]),
            "right": " ".join(b[t[1] - b_offset : t[2] - b_offset] for t in tb[b_lo + j1 : b_lo + j2]),
        })
    return similarity, tuple(a_changed), tuple(b_changed), ops


_POSSESSIVE = re.compile(r"['’]s?$")


def _one_possessive(a: str, b: str) -> bool:
    """"population's" and "populations'": one possessive, its apostrophe moved (a typo fixed in
    copy), not another word. Both must be possessives: "population" and "populations" differ."""
    if not (_POSSESSIVE.search(a) and _POSSESSIVE.search(b)):
        return False
    return _norm(a).removesuffix("s") == _norm(b).removesuffix("s")


def _change_regions(opcodes, max_gap: int = 1):
    """Changed stretches, joining those split by a single equal word.

    "We have still to" vs "We still have to" is one swap, "have still" ->
    "still have", not an insertion and a deletion.
    """
    regions: list[list[int]] = []
    last_equal = None
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            last_equal = (i2 - i1)
            continue
        if regions and last_equal is not None and last_equal <= max_gap:
            regions[-1][1], regions[-1][3] = i2, j2
        else:
            regions.append([i1, i2, j1, j2])
        last_equal = None
    return [tuple(r) for r in regions]
