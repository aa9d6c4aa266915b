"""Word diffs on the reworded Netanyahu quote from the example pair."""

from storydiff.nlp.wording import word_diff

ALJAZEERA = "We have still to finish the job in Gaza, release all our hostages, eliminate and destroy Hamas’s military and government capabilities"
REWRITE = "We still have to finish the job in Gaza, release all our hostages, eliminate and destroy Hamas' military and government capabilities"


def test_swapped_words_are_one_change():
    similarity, left, right, ops = word_diff(ALJAZEERA, REWRITE)
    assert [ALJAZEERA[s.start:s.end] for s in left] == ["have still"]
    assert [REWRITE[s.start:s.end] for s in right] == ["still have"]
    assert ops == [{"op": "replace", "left": "have still", "right": "still have"}]
    assert similarity > 0.9


def test_typography_is_not_wording():
    similarity, left, right, _ = word_diff("Hamas’s military", "Hamas' military")
    assert (left, right, similarity) == ((), (), 1.0)


def test_offsets_point_into_the_articles():
    _, left, right, _ = word_diff(ALJAZEERA, REWRITE, a_offset=1000, b_offset=50)
    assert left[0].start == 1000 + ALJAZEERA.index("have still")
    assert right[0].start == 50 + REWRITE.index("still have")


def test_partial_quote_inside_a_longer_one_matches_fully():
    similarity, left, right, _ = word_diff("finish the job in Gaza", ALJAZEERA)
    assert similarity == 1.0 and left == () and right == ()


def test_unrelated_wording_scores_low():
    similarity, *_ = word_diff("Ten live hostages will be released", "concentration camps near the border")
    assert similarity < 0.3


def test_british_and_american_spellings_are_one_wording():
    # ecb-18_1ecb against ecb-18_11ecb: the same quote respelled, with the clock written two ways
    similarity, left, right, _ = word_diff("locked down the neighborhood ... just after 6: 00 p.m.",
                                           "locked down the neighbourhood ... just after 6 p.m.")
    assert (left, right, similarity) == ((), (), 1.0)


def test_other_minutes_are_still_a_change():
    _, _, _, ops = word_diff("just after 6:30 p.m.", "just after 6 p.m.")
    assert ops == [{"op": "delete", "left": "30", "right": ""}]


def test_a_possessive_whose_apostrophe_moved_is_the_same_word():
    # ECB+ dev, ecb-8_9ecbplus and ecb-8_3ecbplus (two reports quoting Strauss-Kahn in Athens):
    # one wrote "populations'", the other "population's".
    nine = "I completely understand the Greek populations' anger, its incomprehension at the size of the economic catastrophe"
    three = "I completely understand the Greek population's anger, its incomprehension at the size of the economic catastrophe"
    _, left, right, ops = word_diff(nine, three)
    assert (left, right, ops) == ((), (), [])
    # Not a possessive on both sides: a changed number of people is a changed word.
    _, left, right, ops = word_diff("the Greek populations anger us", "the Greek population's anger us")
    assert ops and left and right
