"""A real article (examples/gaza-talks/aljazeera.txt) and a hand-edited revision of it."""

from __future__ import annotations

import json

import pytest

from conftest import EXAMPLE
from storydiff.ingest import load, make_article
from storydiff.revisions import diff_revisions


@pytest.fixture(scope="module")
def original():
    return load(str(EXAMPLE / "aljazeera.txt"))[0]


def test_exactly_the_edited_figure_and_quote(original):
    edited = (original.text
              .replace("killed at least 95 Palestinians", "killed at least 105 Palestinians")
              .replace("“We are hopeful that by the end", "“We are very hopeful that by the end"))
    changes = diff_revisions(original, make_article(edited, "revision-2")).changes
    assert sorted(c.kind for c in changes) == ["figure", "quote_wording"]
    figure = next(c for c in changes if c.kind == "figure")
    assert figure.reason == "figure changed: “at least 95” → “at least 105”"
    quote = next(c for c in changes if c.kind == "quote_wording")
    assert "adds “very”" in quote.reason
    assert "We are hopeful" in quote.before and "We are very hopeful" in quote.after


def test_a_removed_and_an_added_paragraph(original):
    paragraphs = original.text.split("\n")
    dropped = next(p for p in paragraphs if p.startswith("Critics say"))
    edited = original.text.replace(dropped + "\n", "") + \
        "\nQatar's foreign ministry said more time was needed to reach a conclusive agreement."
    changes = diff_revisions(original, make_article(edited, "revision-3")).changes
    kinds = {c.kind: c for c in changes}
    assert set(kinds) == {"removed", "added"}
    assert kinds["removed"].before == dropped and "Qatar" in kinds["added"].after


def test_the_same_text_has_no_changes(original):
    assert diff_revisions(original, original).changes == ()


def test_a_url_added_again_with_edits_is_a_new_version(tmp_path, original):
    from storydiff.corpus import Corpus

    url = "https://www.aljazeera.com/news/2025/7/8/trump-netanyahu-meet-again"
    edited = original.text.replace("killed at least 95 Palestinians", "killed at least 105 Palestinians")
    with Corpus(tmp_path / "c.db") as corpus:
        for version, text in enumerate((original.text, edited, edited), start=1):
            record = tmp_path / f"v{version}.json"
            record.write_text(json.dumps({"text": text, "url": url, "outlet": "Al Jazeera"}), encoding="utf-8")
            corpus.add([str(record)])
        assert len(corpus.store.versions(url)) == 2  # the third add was the same text: no new version
        [diff] = corpus.revisions(url)
        assert [c.reason for c in diff.changes] == ["figure changed: “at least 95” → “at least 105”"]


def test_revisions_of_one_version_or_an_unknown_url_say_what_to_do(tmp_path, original):
    from click.testing import CliRunner

    from storydiff.cli import main

    url = "https://www.aljazeera.com/news/2025/7/8/trump-netanyahu-meet-again"
    record = tmp_path / "v1.json"
    record.write_text(json.dumps({"text": original.text, "url": url, "outlet": "Al Jazeera"}), encoding="utf-8")
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    assert runner.invoke(main, ["add", str(record), "--db", db]).exit_code == 0
    one = runner.invoke(main, ["revisions", url, "--db", db])
    said = " ".join(one.output.split())
    assert one.exit_code == 0 and "1 stored version nothing to compare yet" in said
    unknown = runner.invoke(main, ["revisions", url + "/", "--db", db])
    assert unknown.exit_code == 1 and " ".join(unknown.output.split()).startswith("error: no stored article has the URL")


def test_revisions_takes_format_json_and_the_old_json_flag_alike(tmp_path, original):
    from click.testing import CliRunner

    from storydiff.cli import main

    url = "https://www.aljazeera.com/news/2025/7/8/trump-netanyahu-meet-again"
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    for version, text in enumerate((original.text, original.text.replace("at least 95", "at least 105")), 1):
        record = tmp_path / f"v{version}.json"
        record.write_text(json.dumps({"text": text, "url": url, "outlet": "Al Jazeera"}), encoding="utf-8")
        assert runner.invoke(main, ["add", str(record), "--db", db]).exit_code == 0
    new = runner.invoke(main, ["revisions", url, "--db", db, "--format", "json"])
    old = runner.invoke(main, ["revisions", url, "--db", db, "--json"])
    assert new.exit_code == old.exit_code == 0, (new.output, old.output)
    [diff] = json.loads(new.stdout)
    assert [c["kind"] for c in diff["changes"]] == ["figure"] and json.loads(old.stdout) == [diff]
    assert "deprecated" in old.stderr
