"""Provenance and the corroborated brief on the founding example (examples/gaza-talks)."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

import storydiff
from conftest import EXAMPLE
from storydiff.brief import build_brief
from storydiff.ingest import load, make_article
from storydiff.provenance import trace_provenance, verbatim_passages
from storydiff.report.extras import render_brief, render_provenance


@pytest.fixture(scope="module")
def pair():
    return [load(str(EXAMPLE / f))[0] for f in ("aljazeera.txt", "rewrite.txt")]


@pytest.fixture(scope="module")
def provenance(pair):
    return trace_provenance(pair)


def test_shared_quote_is_a_verbatim_passage(provenance):
    [reuse] = provenance.pairs
    verbatim = [p for p in reuse.passages if p.kind == "verbatim"]
    assert any("finish the job in Gaza, release all our hostages" in p.left_text for p in verbatim)
    for p in verbatim:  # spans quote their articles
        assert provenance.articles[0].text[slice(*p.left)] == p.left_text


def test_the_two_reports_are_independent_sources(provenance):
    [reuse] = provenance.pairs
    assert reuse.left_share < 0.5 and reuse.right_share < 0.5
    assert provenance.independent_sources == 2


def test_a_rewrite_counts_once_and_points_back_to_its_source(pair):
    # A wire-style repost: the Al Jazeera text with a new first paragraph.
    original = dataclasses.replace(pair[0], published="2025-07-08T22:00:00Z")
    body = original.text.split("\n", 2)[2]
    repost = make_article("Trump and Netanyahu met again on Tuesday, sources said.\n" + body, "repost.txt",
                          outlet="Repost", published="2025-07-09T06:00:00Z")
    prov = trace_provenance([original, repost, pair[1]])
    reuse = next(p for p in prov.pairs if {p.left, p.right} == {original.id, repost.id})
    assert min(reuse.left_share, reuse.right_share) > 0.9
    assert reuse.source == original.id and "published first" in reuse.direction_reason
    assert prov.independent_sources == 2
    # Without dates, the article that is mostly reused material is the copy.
    excerpt = make_article("\n".join(pair[0].text.split("\n")[:6]), "excerpt.txt")
    [reuse] = trace_provenance([pair[0], excerpt]).pairs
    assert reuse.source == pair[0].id


def test_verbatim_runs_ignore_typography():
    a = make_article("He said: “We have still to finish the job in Gaza, release all our hostages” on Monday.", "a")
    b = make_article("He said \"We have still to finish the job in Gaza, release all our hostages\" to reporters.", "b")
    [passage] = verbatim_passages(a, b)
    assert passage.left_text.startswith("He said") and passage.left_text.endswith("release all our hostages")


def _source_sentences(articles):
    return [s for a in articles for s in re.split(r"(?<=[.!?”\"])\s+", a.text)]


def test_brief_holds_only_source_sentences_with_two_sources(pair, provenance):
    brief = build_brief(storydiff.compare_articles(pair), provenance)
    agreed = [i for i in brief.items if i.kind == "agreed"]
    assert 3 <= len(agreed) <= 7 and brief.headline
    labels = {a.label for a in pair}
    for item in brief.items:
        assert set(item.sources) == labels
        for _, sentence in item.sentences:
            assert any(sentence in a.text for a in pair), sentence  # extractive: verbatim from a source
    conflict_texts = [s for i in brief.items if i.kind == "conflict" for _, s in i.sentences]
    assert any("just over an hour" in s for s in conflict_texts)
    assert any("about two hours" in s for s in conflict_texts)
    # The brief states the weaker figure both support, never the uncorroborated one.
    text = " ".join(s for i in agreed for _, s in i.sentences)
    assert "57,575" not in text


def test_brief_from_one_source_says_why_it_is_empty(pair):
    prov = trace_provenance(pair[:1])
    brief = build_brief(storydiff.compare_articles(pair[:1]), prov)
    assert brief.items == () and "independent" in brief.note


def test_renderers(pair, provenance):
    text = render_provenance(provenance, "terminal", color=False, width=100)
    assert "2 independent source(s)" in text and "finish the job in Gaza" in text
    data = json.loads(render_provenance(provenance, "json"))
    assert data["independent_sources"] == 2 and len(data["graph"]["nodes"]) == 2
    brief = build_brief(storydiff.compare_articles(pair), provenance)
    assert json.loads(render_brief(brief, "json"))["schema"] == "storydiff.brief"
    md = render_brief(brief, "markdown")
    # a conflict says what differs, and each pair of sentences is stated once
    assert md.startswith("# ") and "Sources differ (the quote is worded differently: “have still” → “still have”)." in md
    sides = [i.sentences for i in brief.items if i.kind == "conflict"]
    assert len(sides) == len(set(sides)) and all(i.reason for i in brief.items if i.kind == "conflict")
    # the headline is the agreed sentence nearest the top of its article (a lede)
    assert brief.headline.startswith("In their second meeting in two days")


def test_terminal_labels_are_printed_as_written(pair):
    # outlet names are the user's text: "[/wire]" must neither vanish nor break the rendering
    renamed = [make_article(a.text, a.source, outlet=outlet) for a, outlet in zip(pair, ("AJ [/wire]", "[red]Desk"))]
    text = render_provenance(trace_provenance(renamed), "terminal", color=False, width=120)
    assert "AJ [/wire]" in text and "[red]Desk" in text
