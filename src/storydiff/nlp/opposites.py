"""Words that say the opposite of each other: "prices rose" / "prices fell", "yellow" / "white paint".

A rewrite that swaps one word for its opposite keeps almost every other word of the sentence, so
the sentence still aligns with its source and its figures still agree. The list is closed on
purpose: pairs whose two words cannot both describe one fact. Pairs that state one fact
with the roles reversed ("win" / "lose", "buy" / "sell", "hire" / "fire") are left out, since two
reports may each tell it from one side.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_PAIRS = """
rise fall|increase decrease|increase reduce|grow shrink|gain drop|raise lower|rise drop
high low|higher lower|more less|most least|maximum minimum|majority minority
support oppose|accept reject|approve reject|confirm deny|admit deny|allow ban|allow forbid|permit ban
guilty innocent|convict acquit|legal illegal|lawful unlawful
success failure|succeed fail|successful unsuccessful|strong weak|positive negative
rich poor|wealthy poor|large small|big small|early late|young old|alive dead
north south|east west|northern southern|eastern western|inside outside|upstairs downstairs
male female|man woman|men women|husband wife|son daughter|father mother|brother sister|boy girl|king queen
struggle thrive|struggling thriving|troubled thriving|open close|opened closed
public private|peaceful violent|safe dangerous|cheap expensive|full empty|top bottom|best worst
true false|hot cold|wet dry|maximum minimum|import export|domestic foreign|temporary permanent
rare common|easy difficult|fast slow|heavy light|win draw|lose draw|increase cut|boost cut
democrat republican|democratic republican|liberal conservative|ally enemy|friend enemy
profit loss|surplus deficit|free paid|maximize minimize|maximise minimise|include exclude|inclusive exclusive
strengthen weaken|easy hard|encourage discourage|agree disagree|like dislike|approve disapprove
honest dishonest|optimistic pessimistic|appear disappear|arrive depart|expand shrink|upgrade downgrade
overestimate underestimate|rural urban|junior senior|minor major|mandatory optional|voluntary compulsory
voluntary mandatory|always never|same different|similar different|inflation deflation|warm cold
sunny rainy|sunny cloudy|sunny snowy|ancient modern|input output|asset liability
"""

# Two different basic colours of one thing ("yellow and blue paint" / "yellow and white paint").
COLOURS = frozenset("red orange yellow green blue purple pink white black brown grey gray violet".split())

OPPOSITE: dict[str, frozenset[str]] = {}
for _pair in _PAIRS.replace("\n", "|").split("|"):
    if _pair.strip():
        _a, _b = _pair.split()
        OPPOSITE[_a] = OPPOSITE.get(_a, frozenset()) | {_b}
        OPPOSITE[_b] = OPPOSITE.get(_b, frozenset()) | {_a}
for _colour in COLOURS:
    OPPOSITE[_colour] = OPPOSITE.get(_colour, frozenset()) | (COLOURS - {_colour, "grey" if _colour == "gray"
                                                                          else "gray" if _colour == "grey" else ""})


# "unable" / "able", "inflexible" / "flexible": un- before any word, and in-, im-, il-, ir- before
# adjectives of these endings ("in" + "crease" or "im" + "prove" is no negation).
_NEGATING_PREFIXES = ("un", "in", "im", "il", "ir")
_ADJECTIVE_ENDINGS = ("able", "ible", "ent", "ant", "al", "ive", "ect", "ete", "ate", "ure", "ar", "ic", "id")


def _negated_form(word: str, other: str) -> bool:
    """Whether `word` is `other` with a negating prefix ("unsuitable", "suitable")."""
    for prefix in _NEGATING_PREFIXES:
        if word.startswith(prefix) and word[len(prefix):] == other and len(other) >= 3:
            return prefix == "un" or other.endswith(_ADJECTIVE_ENDINGS)
    return False


@lru_cache(maxsize=1)
def wordnet_opposites() -> dict[str, frozenset[str]]:
    """WordNet 3.0's direct antonyms of adjectives and adverbs ("short" / "long", "indoor" / "outdoor";
    wordnet_antonyms.txt, made by scripts/wordnet_antonyms.py), merged with the closed list. Broad, so
    only check's nearby-sentence rule reads it, where the derived word must also be new to the source;
    compare's verdicts between two reports keep the closed list."""
    found: dict[str, set[str]] = {word: set(others) for word, others in OPPOSITE.items()}
    for line in (Path(__file__).parent / "wordnet_antonyms.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            a, b = line.split()
            found.setdefault(a, set()).add(b)
            found.setdefault(b, set()).add(a)
    return {word: frozenset(others) for word, others in found.items()}


def opposite_words(source: tuple[str, ...] | set[str], derived: tuple[str, ...] | set[str]) -> tuple[str, str] | None:
    """(source word, derived word) where the derived sentence says a word whose opposite the source
    sentence says, and neither sentence says both; None when there is none. Both take lemmas."""
    source, derived = set(source), set(derived)
    only_source = source - derived
    for word in sorted(derived - source):
        for other in sorted(OPPOSITE.get(word, frozenset()) & only_source):
            return other, word
        for other in sorted(only_source):
            if _negated_form(word, other) or _negated_form(other, word):
                return other, word
    return None


def as_written(text: str, lemma: str) -> tuple[str, int, int]:
    """The word of `text` that `lemma` comes from, with its offsets, where its spelling shows it
    ("opposed" for "oppose"); else the lemma itself and (-1, -1) ("fall" for "fell")."""
    stem = lemma[:-1] if lemma.endswith("e") and len(lemma) > 3 else lemma
    found = re.search(rf"\b{re.escape(stem)}\w*", text, re.I)
    return (found.group(0), found.start(), found.end()) if found else (lemma, -1, -1)
