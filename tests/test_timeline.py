"""The figure timeline on real reports of one evolving event: the Qeshm earthquake
of 27 November 2005 (ECB+ topic 20, in ../shared/data), where the toll moved from
"several" to ten over two days."""

from __future__ import annotations

import json

import pytest

from conftest import SHARED_DATA
from storydiff.ingest import make_article
from storydiff.timeline import article_date, figure_timeline, plot_timeline

ECB = SHARED_DATA / "stories" / "ecbplus-dev.jsonl"
needs_ecb = pytest.mark.skipif(not ECB.exists(), reason=f"{ECB} not found (the labelled data lives beside the project)")


@pytest.fixture(scope="module")
def quake_reports():
    with ECB.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [make_article(r["text"], r["id"], outlet=r.get("outlet")) for r in rows if r["story"] == "ecb-20ecbplus"]


@needs_ecb
def test_killed_figures_by_date(quake_reports, tmp_path):
    points = figure_timeline(quake_reports, "killed")
    dated = [p for p in points if p.date]
    assert [p.date for p in dated] == sorted(p.date for p in dated)  # in time order
    assert {"2005-11-27", "2005-11-28"} <= {p.date for p in dated}
    values = {(p.source, p.quantity.text) for p in points}
    assert ("cbc.ca", "at least 10") in values  # the early, hedged toll
    assert any(p.quantity.value == 10 and p.quantity.hedge is None for p in dated if p.date == "2005-11-28")
    assert all(p.quantity.kind not in ("ordinal", "fraction") for p in points)
    # A term keeps figures about it: the 80 in "80 Hurt" is not a death toll by the words.
    assert len(points) < len(figure_timeline(quake_reports))

    png = tmp_path / "quake.png"
    drawn = plot_timeline(points, str(png), "Qeshm earthquake: killed")
    assert drawn == len(dated) and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "quake.svg"
    plot_timeline(points, str(svg))
    assert "<svg" in svg.read_text()


def test_dates_come_from_publication_else_the_dateline():
    dated = make_article("Posted: Nov 27, 2005 8: 20 AM ET\nAn earthquake hit southern Iran on Sunday.", "a")
    assert article_date(dated) == ("2005-11-27", "dateline")
    published = make_article("An earthquake hit on Sunday, killing 10.", "b", published="2005-11-28T02:24:00Z")
    assert article_date(published) == ("2005-11-28", "published")
    assert article_date(make_article("An earthquake hit on Sunday, killing 10.", "c")) == (None, None)


def test_a_conversion_is_no_second_point():
    # ecb-24_3ecb: the dollars restate the euros; the timeline shows the report once
    article = make_article("Armed robbers stole diamonds valued at 85 million euros ($108 million) from the Paris "
                           "branch of jeweler Harry Winston, the city prosecutors ' office said.", "ecb-24_3ecb")
    points = figure_timeline([article])
    assert [(p.quantity.text, p.quantity.unit) for p in points] == [("85 million euros", "EUR")]


def test_a_chart_with_nothing_to_plot_says_so_in_the_chart_and_on_stderr(tmp_path):
    from click.testing import CliRunner

    from storydiff.cli import main

    texts = ("The talks ended without an agreement, officials said, and both delegations left the capital quietly.",
             "Negotiators left the capital without a deal; officials said both sides would return for more talks.")
    paths = []
    for name, text in zip(("a.txt", "b.txt"), texts):
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    result = CliRunner().invoke(main, ["timeline", *paths, "--plot", str(tmp_path / "empty.svg")])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines()[-1].startswith("nothing to plot: the articles give no figures;")
    assert "no figures or times to plot" in (tmp_path / "empty.svg").read_text(encoding="utf-8")
    plot_timeline([], str(tmp_path / "empty.png"))
    assert (tmp_path / "empty.png").read_bytes()[:4] == b"\x89PNG"

