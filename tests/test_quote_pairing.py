"""Which quote answers which: real sentences from two reports of one ECB+ event each
(../shared/data/stories/ecbplus-dev.jsonl, article ids noted; one sentence each, never a record).

A quote respelled for another market, or given under a surname spelled another way, is the same
quote from the same speaker; two remarks that share only their opening words are not one quote.
"""

from __future__ import annotations

import storydiff
from storydiff.ingest import make_article


def verdicts(left: str, right: str) -> list:
    return storydiff.compare_articles([make_article(left, "left.txt"), make_article(right, "right.txt")]).verdicts


def test_a_respelled_quote_with_a_spaced_clock_time_is_the_same_quote():
    left = ('"Police locked down the neighborhood and negotiated with the suspect, who gave himself up to '
            'police just after 6: 00 p.m.," Fanning said in a statement.')  # ecb-18_1ecb
    right = ('"Police locked down the neighbourhood and negotiated with the suspect, who gave himself up to '
             'police just after 6 p.m.," Fanning said in the statement.')  # ecb-18_11ecb
    found = verdicts(left, right)
    assert [v.reason for v in found if v.label == "conflict"] == []
    assert any(v.label == "agree" and "quotation" in v.reason for v in found)


def test_two_remarks_that_share_only_their_opening_are_not_one_quote():
    left = ("'The man is an emotional wreck, ' Brooklyn Supreme Court Judge Vincent Del Giudice said, "
            "according to the Post.")  # ecb-33_3ecbplus
    right = '"The man is petrified, " Judge Vincent DelGiudice said.'  # ecb-33_1ecbplus
    assert [v.reason for v in verdicts(left, right) if v.label == "conflict"] == []


def test_a_surname_spelled_two_ways_is_one_speaker():
    # ecb-33_1ecbplus's quote under ecb-33_3ecbplus's attribution (the corpus has no one quote under both).
    left = "'The man is petrified, ' Brooklyn Supreme Court Judge Vincent Del Giudice said, according to the Post."
    right = '"The man is petrified, " Judge Vincent DelGiudice said.'  # ecb-33_1ecbplus
    assert [v.reason for v in verdicts(left, right) if v.conflict_kind == "attribution"] == []
