"""Opposite words (nlp/opposites.py), on lemmas of sentence pairs from news: the paint protest of
summedits-news-dev (sn), the gaza-talks example (A), and an edit of it."""

from __future__ import annotations

import pytest

from storydiff.nlp.opposites import opposite_words


@pytest.mark.parametrize("source, derived, expected", [
    # sn: "dumped gallons of yellow and blue paint" / "… of yellow and white paint"
    (("dump", "gallon", "yellow", "blue", "paint"), ("dump", "gallon", "yellow", "white", "paint"), ("blue", "white")),
    # A: "Trump has strongly supported Netanyahu", edited
    (("trump", "strongly", "support", "netanyahu"), ("trump", "strongly", "oppose", "netanyahu"), ("support", "oppose")),
    (("price", "rise", "percent"), ("price", "fall", "percent"), ("rise", "fall")),
    (("plead", "guilty", "manslaughter"), ("plead", "innocent", "manslaughter"), ("guilty", "innocent")),
])
def test_a_word_swapped_for_its_opposite(source, derived, expected):
    assert opposite_words(source, derived) == expected


@pytest.mark.parametrize("source, derived", [
    (("price", "rise", "fall"), ("price", "fall")),          # the source says both: no contradiction
    (("yellow", "blue", "paint"), ("yellow", "paint")),      # a colour left out is no other colour
    (("team", "win", "match"), ("team", "lose", "match")),   # one fact told from either side: not listed
    (("grey", "suit"), ("gray", "suit")),                    # one colour, two spellings
    (("trump", "support", "netanyahu"), ("trump", "back", "netanyahu")),
])
def test_no_opposite(source, derived):
    assert opposite_words(source, derived) is None


def _opposite_conflicts(left: str, right: str) -> list:
    import storydiff
    from storydiff.ingest import make_article

    report = storydiff.compare_articles([make_article(left, "left.txt"), make_article(right, "right.txt")])
    return [v for v in report.conflicts if "left_word" in v.detail]


def test_compare_sets_a_word_against_its_opposite_with_both_words_marked():
    from conftest import EXAMPLE

    source = (EXAMPLE / "aljazeera.txt").read_text(encoding="utf-8")
    edited = source.replace("Trump has strongly supported Netanyahu", "Trump has strongly opposed Netanyahu")
    [conflict] = _opposite_conflicts(source, edited)
    assert (conflict.detail["left_word"], conflict.detail["right_word"]) == ("supported", "opposed")
    assert conflict.conflict_kind == "other" and "say opposite things" in conflict.reason
    left, right = conflict.evidence
    assert source[left.highlights[0].start:left.highlights[0].end] == "supported"
    assert edited[right.highlights[0].start:right.highlights[0].end] == "opposed"
    assert _opposite_conflicts(source, source) == []


def test_a_denied_word_is_no_opposite():
    # "did not rise" and "fell" can both be true
    left = "Oil prices did not rise on Monday after the OPEC meeting in Vienna, traders said."
    right = "Oil prices fell on Monday after the OPEC meeting in Vienna, traders said."
    assert _opposite_conflicts(left, right) == []


@pytest.mark.parametrize("source, derived, expected", [
    # summedits-other-train edits: a word against its negated form
    (("plan", "suitable", "family"), ("plan", "unsuitable", "family"), ("suitable", "unsuitable")),
    (("schedule", "flexible"), ("schedule", "inflexible"), ("flexible", "inflexible")),
    (("company", "report", "profit"), ("company", "report", "loss"), ("profit", "loss")),
])
def test_more_opposites(source, derived, expected):
    assert opposite_words(source, derived) == expected


@pytest.mark.parametrize("source, derived", [
    (("prove", "point"), ("improve", "point")),      # "im" + "prove" is no negation
    (("crease", "fabric"), ("increase", "fabric")),
    (("cover", "story"), ("discover", "story")),     # dis- is listed pair by pair, never read as a prefix
])
def test_prefixes_that_negate_nothing(source, derived):
    assert opposite_words(source, derived) is None


@pytest.mark.parametrize("source, derived, expected", [
    # spaCy lemmatises "financially struggling" to the verb and "financially thriving" to the adjective
    (("financially", "struggle", "company"), ("financially", "thriving", "company"), ("struggle", "thriving")),
    (("price", "rise", "sharply"), ("sharply", "dropped", "price"), ("rise", "dropped")),
    (("claim", "deny"), ("claim", "confirmed"), ("deny", "confirmed")),
])
def test_a_participle_counts_as_its_verb(source, derived, expected):
    assert opposite_words(source, derived) == expected


def test_a_participle_the_other_sentence_says_as_a_verb_is_no_new_word():
    # "thriving" and "thrive" are one word: the derived sentence says nothing the source does not
    assert opposite_words(("company", "thrive", "struggle"), ("company", "thriving")) is None


def test_wordnet_adjectives_take_no_participle_form():
    from storydiff.nlp.opposites import opposed_in, wordnet_opposites

    table = wordnet_opposites()
    assert "distant" in table["close"] and "odd" in table["even"]
    # "closed" (shut) is no form of "close" (near), nor "evening" of "even"
    assert opposed_in("closed", {"distant", "open"}, table) == ["open"]
    assert opposed_in("evening", {"odd"}, table) == []


def test_compare_sets_a_participle_against_the_verb_it_opposes():
    # Modelled on an AP report of Ozy Media's founder's arrest (a SummEdits news source): spaCy tags
    # "struggling" as a verb and "thriving" as an adjective, so the lemmas were "struggle" and "thriving"
    from storydiff.nlp.language import load_nlp

    left = "The founder of the financially struggling start-up was arrested on Thursday on fraud charges, prosecutors said."
    right = left.replace("struggling", "thriving")
    lemmas = {t.text: t.lemma_ for t in load_nlp()(left + " " + right)}
    assert (lemmas["struggling"], lemmas["thriving"]) == ("struggle", "thriving")
    [conflict] = _opposite_conflicts(left, right)
    assert (conflict.detail["left_word"], conflict.detail["right_word"]) == ("struggling", "thriving")


def test_a_word_inside_a_hyphenated_compound_takes_no_other_form():
    from storydiff.nlp.opposites import compound_parts

    # summedits-other-train's sales emails: "a cutting-edge cloud-based platform" against "a 35% increase"
    parts = compound_parts("Our flagship product is a cutting-edge cloud-based platform.")
    assert {"cutting", "edge", "cloud", "based"} <= parts and "platform" not in parts
    assert compound_parts("A cutting-edge tool; we are cutting costs.") == {"edge"}
    source, derived = ("cutting", "edge", "platform"), ("platform", "increase", "productivity")
    assert opposite_words(source, derived) == ("cutting", "increase")  # read as "cut"
    assert opposite_words(source, derived, parts) is None
