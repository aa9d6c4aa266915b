"""One country, many names (nlp/places.py). Phrases from news copy: the gaza-talks example, the ECB+ and
SummEdits news files in ../shared/data (short phrases only), and wire copy."""

from __future__ import annotations

import pytest

from storydiff.nlp.places import mentions_place, place_of


@pytest.mark.parametrize("one, other", [
    ("U.K.", "British"),             # "U.K. activists" / "British activists" (SummEdits news)
    ("UK", "Britain"),
    ("the UK", "United Kingdom"),
    ("Britons", "Great Britain"),    # plural demonym
    ("US", "United States"),         # the gaza-talks example writes both
    ("U.S.", "Americans"),
    ("Israel's", "Israeli"),         # possessive
    ("Israelis", "Israel"),
    ("UAE", "Emirati"),
    ("Türkiye", "Turkish"),
    ("Myanmar", "Burmese"),
    ("Netherlands", "Dutch"),
    ("Saudi", "Saudi Arabia"),
    ("Palestinians", "Palestinian"),
])
def test_forms_of_one_country(one, other):
    assert place_of(one) is not None and place_of(one) == place_of(other)


@pytest.mark.parametrize("one, other", [
    ("U.K.", "Moscow"),              # a capital is not its country's form, nor another's
    ("Israel", "Palestinian"),
    ("Niger", "Nigerian"),
    ("Austria", "Australian"),
    ("Sudan", "South Sudan"),
    ("North Korea", "South Korean"),
])
def test_different_countries_stay_apart(one, other):
    assert place_of(one) != place_of(other)


def test_words_that_are_no_country():
    assert place_of("White House") is None and place_of("Hamas") is None and place_of("London") is None


def test_mentions_read_every_form_in_the_text():
    source = "British activists poured paint on the road outside the Russian embassy in London."
    assert mentions_place(source, "u.k.") and mentions_place(source, "Britain")
    assert mentions_place(source, "Russia") and not mentions_place(source, "Ukraine")


def test_abbreviations_are_matched_as_written():
    # "us" the pronoun is not the country; "U.S." inside a longer token is not either.
    assert not mentions_place("Trump told us he would sign it.", "U.S.")
    assert mentions_place("Netanyahu's third visit to the US since January.", "U.S.")
    assert mentions_place("the U.S.-brokered deal", "American")
    assert not mentions_place("the Ukrainian delegation", "U.K.")


def test_a_name_that_is_no_country_is_never_mentioned_as_one():
    assert not mentions_place("Hamas said on Tuesday.", "Hamas")
