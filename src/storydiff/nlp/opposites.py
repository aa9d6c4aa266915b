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


@lru_cache(maxsize=65536)
def word_forms(lemma: str) -> frozenset[str]:
    """The lemma and the verbs it may be a participle of: "thriving" -> "thrive", "troubled" -> "trouble",
    "dropped" -> "drop". spaCy lemmatises a participle it tags as a verb to the verb ("the company is
    struggling" -> "struggle") and one it tags as an adjective to itself ("a financially thriving company"
    -> "thriving"), so one sentence's "struggle" must meet the other's "thriving". Some forms are no word
    ("thriv"); they match nothing."""
    forms = {lemma}
    for suffix in ("ing", "ed"):
        stem = lemma[:-len(suffix)]
        if lemma.endswith(suffix) and len(stem) >= 3:
            forms |= {stem, stem + "e"}
            if stem[-1] == stem[-2]:  # "dropped", "running"
                forms.add(stem[:-1])
            if suffix == "ed" and stem.endswith("i"):  # "denied"
                forms.add(stem[:-1] + "y")
    return frozenset(forms)


def all_forms(lemmas, parts: frozenset[str] = frozenset()) -> set[str]:
    """Every form (word_forms) of every lemma; a word of `parts` (compound_parts) is only itself."""
    return {form for lemma in lemmas for form in _forms(lemma, parts)}


def _forms(lemma: str, parts: frozenset[str]) -> frozenset[str]:
    return frozenset({lemma}) if lemma in parts else word_forms(lemma)


def opposed_in(word: str, others, table: dict[str, frozenset[str]] = OPPOSITE,
               parts: frozenset[str] = frozenset()) -> list[str]:
    """The lemmas of `others` that say the opposite of `word`: as they are, on `table`, or in any of their
    forms on the closed list, whose verbs a participle may stand for. WordNet's adjectives take no other
    form: "closed" is no form of the adjective "close" (near), nor "evening" of "even". Nor does a word of
    `parts`, written inside a hyphenated compound: "cutting-edge" cuts nothing."""
    exact = table.get(word, frozenset())
    by_form = {o for form in _forms(word, parts) for o in OPPOSITE.get(form, ())}
    return sorted(other for other in others if other in exact or _forms(other, parts) & by_form)


def opposite_words(source: tuple[str, ...] | set[str], derived: tuple[str, ...] | set[str],
                   parts: frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """(source word, derived word) where the derived sentence says a word whose opposite the source
    sentence says, and neither sentence says both; None when there is none. Both take lemmas, and any
    form of a word counts as the word ("struggle" / "thriving"), but for the words of `parts`
    (compound_parts of either sentence)."""
    source_forms, derived_forms = all_forms(source, parts), all_forms(derived, parts)
    only_source = {w for w in source if not _forms(w, parts) & derived_forms}
    for word in sorted(w for w in set(derived) if not _forms(w, parts) & source_forms):
        for other in opposed_in(word, only_source, parts=parts):
            return other, word
        for other in sorted(only_source):
            if _negated_form(word, other) or _negated_form(other, word):
                return other, word
    return None


_COMPOUND = re.compile(r"\b[^\W_]+(?:-[^\W_]+)+\b")
_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=8192)
def compound_parts(text: str) -> frozenset[str]:
    """Lower-case words that `text` uses only inside hyphenated compounds: "cutting" of "cutting-edge",
    "closed" of "closed-door". They take no other form: a "cutting-edge" tool cuts nothing."""
    parts = {w.lower() for compound in _COMPOUND.findall(text) for w in compound.split("-")}
    alone = {w.lower() for w in _WORD.findall(_COMPOUND.sub(" ", text))}
    return frozenset(parts - alone)


def as_written(text: str, lemma: str) -> tuple[str, int, int]:
    """The word of `text` that `lemma` comes from, with its offsets, where its spelling shows it
    ("opposed" for "oppose"); else the lemma itself and (-1, -1) ("fall" for "fell")."""
    stem = lemma[:-1] if lemma.endswith("e") and len(lemma) > 3 else lemma
    found = re.search(rf"\b{re.escape(stem)}\w*", text, re.I)
    return (found.group(0), found.start(), found.end()) if found else (lemma, -1, -1)
