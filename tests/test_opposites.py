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
