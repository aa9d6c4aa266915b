"""Pairwise verdicts gathered into points (points.py) and shown as one card per point."""

from __future__ import annotations

import json

import pytest

from storydiff.model import Article, Evidence, Report, Span, Verdict
from storydiff.report import render
from storydiff.report.jsonfmt import to_dict
from storydiff.points import group_verdicts
from storydiff.report.view import build_view

from conftest import ECB

# Sentences from the ECB+ reports of the Qeshm island earthquake (ecb-20ecb, ../shared/data/stories),
# where five outlets give three injury counts; short quotes, for the grouping rules alone.
SENTENCES = {
    "a": "A 5.6 magnitude earthquake hit an island off Iran's southern coast on Sunday, injuring five people.",
    "b": "The tremor struck an area around the town of Dargahan on Qeshm island, injuring five people.",
    "c": "The quake on the outskirts of Dargahan, a small town on the island, injured two people.",
    "d": "Iran's state television says a magnitude-5.2 quake has injured three people.",
}


def _evidence(article: str, word: str | None = None) -> Evidence:
    sentence = SENTENCES[article]
    spans = ()
    if word is not None:
        start = sentence.index(word)
        spans = (Span(start, start + len(word)),)
    return Evidence(article, f"{article}:0", sentence, 0, spans)


def _verdict(label: str, left: Evidence, right: Evidence, kind: str | None = None) -> Verdict:
    return Verdict(label, f"{label} {left.article_id}/{right.article_id}", 0.7, (left, right),
                   conflict_kind=kind, severity=1.0 if label == "conflict" else None)


def test_a_chain_of_agreements_is_cut_into_stars_not_joined_end_to_end():
    # a~b, b~c, c~d: connected components would make one point of four sentences whose ends never met.
    verdicts = [_verdict("agree", _evidence(x), _evidence(y)) for x, y in ("ab", "bc", "cd")]
    points = group_verdicts(verdicts)
    assert sorted(i for p in points for i in p) == [0, 1, 2]
    assert len(points) == 2
    assert [0, 1] in points  # b is the first hub: it meets a and c directly


def test_conflicts_about_one_figure_across_sources_are_one_point():
    a, b, c, d = (_evidence(x, w) for x, w in zip("abcd", ("five", "five", "two", "three")))
    verdicts = [
        _verdict("conflict", a, c, "figure"), _verdict("conflict", a, d, "figure"),
        _verdict("conflict", b, c, "figure"), _verdict("conflict", b, d, "figure"),
        _verdict("conflict", c, d, "figure"),
        _verdict("agree", a, b),  # a and b agree on "five": an agreement, never inside the conflict
        Verdict("only_in", "only in a", 0.5, (a,), only_in="a"),
    ]
    points = group_verdicts(verdicts)
    assert sorted(points) == [[0, 1, 2, 3, 4], [5]]  # only-in verdicts belong to no point


def test_two_figures_of_one_sentence_are_two_points():
    sentence = "The quake killed at least seven people and injured 40."
    SENTENCES["e"], SENTENCES["f"] = sentence, "The quake killed six people and injured almost 50."
    try:
        verdicts = [
            _verdict("conflict", _evidence("e", "seven"), _evidence("f", "six"), "figure"),
            _verdict("conflict", _evidence("e", "40"), _evidence("f", "almost 50"), "figure"),
        ]
        assert sorted(group_verdicts(verdicts)) == [[0], [1]]
    finally:
        del SENTENCES["e"], SENTENCES["f"]


def test_a_point_is_one_card_with_each_reading_and_its_sources():
    articles = tuple(Article(id=x, text=SENTENCES[x], source=f"{x}.txt", outlet=f"Outlet {x.upper()}")
                     for x in "abcd")
    a, b, c, d = (_evidence(x, w) for x, w in zip("abcd", ("five", "five", "two", "three")))
    verdicts = tuple(_verdict("conflict", left, right, "figure")
                     for left, right in ((a, c), (a, d), (b, c), (b, d), (c, d)))
    report = Report(articles, verdicts)
    view = build_view(report)
    assert len(view.conflicts) == 1
    card = view.conflicts[0]
    assert card.pairs == 5 and [s.article_id for s in card.sides] == ["a", "b", "c", "d"]
    assert "“five” (Outlet A, Outlet B)" in card.reason and "“three” (Outlet D)" in card.reason
    assert view.summary[0].text == "1 conflict (5 sentence pairs)"
    text = render(report, "terminal", color=False, width=100)
    assert text.count("magnitude-5.2 quake") == 1  # each sentence once, not once per pair
    data = to_dict(report)
    assert data["points"] == [{"label": "conflict", "conflict_kind": "figure", "severity": 1.0, "confidence": 0.7,
                               "reason": card.reason, "verdicts": [0, 1, 2, 3, 4],
                               "articles": ["a", "b", "c", "d"]}]
    markdown = render(report, "markdown")
    assert markdown.count("**Outlet D**") == 1 and "| Outlet A | Outlet B |" not in markdown  # listed, not 4 columns
    html = render(report, "html")
    assert html.count('class="rows"') == 1 and "4 sources, 5 sentence pairs" in html


def test_the_founding_example_keeps_one_card_per_conflict_and_agreement(example_report):
    view = build_view(example_report)
    assert len(view.conflicts) == len(example_report.conflicts)
    assert len(view.agreements) == len(example_report.agreements)
    assert all(len(card.sides) == 2 for card in view.conflicts + view.agreements)


@pytest.fixture(scope="module")
def quake_report():
    if not ECB.exists():
        pytest.skip(f"{ECB} not found: the five ECB+ quake reports are read from ../shared/data")
    import storydiff
    from storydiff.ingest import make_article

    rows = [json.loads(line) for line in ECB.open(encoding="utf-8")]
    quake = [make_article(r["text"], f"{r['id']}.txt") for r in rows if r["story"] == "ecb-20ecb"]
    assert len(quake) == 5
    return quake, storydiff.compare_articles(quake)


def test_five_real_reports_of_a_quake_give_one_card_for_the_injured_and_one_for_the_magnitude(quake_report):
    _, quake_report = quake_report
    view = build_view(quake_report)
    injured = [c for c in view.conflicts if c.pairs > 1 and "injure" in c.reason]
    assert len(injured) == 1, [c.reason for c in view.conflicts]
    assert "“five”" in injured[0].reason and "“two”" in injured[0].reason and "“three”" in injured[0].reason
    magnitude = [c for c in view.agreements if c.reason.startswith("“5.6”")]
    assert len(magnitude) == 1 and len({s.article_id for s in magnitude[0].sides}) == 5
    # Fewer cards than verdicts, and every verdict but only-in is in exactly one point; the Python
    # API's Report.points holds the same points as the JSON.
    points = to_dict(quake_report)["points"]
    assert [[quake_report.verdicts.index(v) for v in p] for p in quake_report.points] == \
        [p["verdicts"] for p in points]
    counted = sorted(i for p in points for i in p["verdicts"])
    assert counted == [i for i, v in enumerate(quake_report.verdicts) if v.label != "only_in"]
    assert len(points) < len(counted)


def test_the_brief_of_five_reports_gives_each_point_once_with_all_its_sources(quake_report):
    from storydiff.brief import build_brief
    from storydiff.provenance import trace_provenance

    articles, report = quake_report
    brief = build_brief(report, trace_provenance(articles))
    injured = [i for i in brief.items if i.kind == "conflict" and any("three people" in s for _, s in i.sentences)]
    assert len(injured) == 1 and len(injured[0].sources) == 4  # not one item per pair of sources
    magnitude = [i for i in brief.items if i.kind == "agreed" and "5.6" in i.sentences[0][1]]
    assert any(len(i.sources) == 5 for i in magnitude)


def test_a_near_copy_of_the_hub_joins_its_point_but_a_chain_does_not():
    # a and b say "five" (b a near-copy of a), c "two", d "three": a-c, a-d, b-c, b-d conflict. Star on a
    # alone would leave b-c and b-d as a second card about the same figure.
    a, b, c, d = (_evidence(x, w) for x, w in zip("abcd", ("five", "five", "two", "three")))
    verdicts = [_verdict("conflict", left, right, "figure") for left, right in ((a, c), (a, d), (b, c), (b, d))]
    assert group_verdicts(verdicts) == [[0, 1, 2, 3]]
