"""The Corpus API and its CLI: add, stories, merge/split surviving re-clustering, cached comparisons, export."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from click.testing import CliRunner

from storydiff.cli import main
from storydiff.corpus import Corpus
from storydiff.errors import StorydiffError
from storydiff.store import StoreError

from conftest import EXAMPLE, FIXTURES, write_article

ALJAZEERA = (EXAMPLE / "aljazeera.txt").read_text(encoding="utf-8")
REWRITE = (EXAMPLE / "rewrite.txt").read_text(encoding="utf-8")
QUAKE = ("A magnitude 6.4 earthquake struck the island of Lombok on Sunday morning, killing at least 14 people "
         "and injuring 162, Indonesia's disaster agency said.\nThe quake was centred 50 km north-east of the "
         "provincial capital Mataram at a depth of 7 km, the US Geological Survey said.\nHundreds of houses "
         "were damaged and tourists trekking on Mount Rinjani were evacuated, officials told reporters.\n")


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "news"
    d.mkdir()
    write_article(d, "aljazeera.json", ALJAZEERA, title="Trump hosts Netanyahu as Gaza talks continue",
           outlet="Al Jazeera", published="2025-07-08")
    write_article(d, "rewrite.json", REWRITE, title="Trump and Netanyahu meet again", outlet="Wire",
           published="2025-07-09")
    write_article(d, "quake.json", QUAKE, title="Earthquake hits Lombok", outlet="Jakarta Daily", published="2023-08-05")
    # a repost of the Al Jazeera piece: new first line, the rest copied
    write_article(d, "repost.json", "From our partners: " + ALJAZEERA, title="Trump and Netanyahu (repost)",
           outlet="Aggregator", published="2025-07-08")
    hidden = d / ".cache"
    hidden.mkdir()
    write_article(hidden, "skip.txt", QUAKE + "Hidden copy that must not be read.")
    write_article(d, ".notes.txt", ALJAZEERA + "A hidden file.")
    return d


def test_add_is_idempotent_and_marks_near_copies(tmp_path, folder, stories_module):
    with Corpus(tmp_path / "c.db") as corpus:
        first = corpus.add([str(folder)])
        assert first.ok and first.failed == []
        assert len(first.added) == 3 and len(first.near_copies) == 1
        source, copy_id, original = first.near_copies[0]
        assert source.endswith("repost.json")
        assert corpus.store.article(original).outlet == "Al Jazeera"
        assert corpus.store.article_count() == 4  # hidden files were skipped

        again = corpus.add([str(folder), str(folder / "quake.json")])
        assert again.added == [] and again.near_copies == [] and len(again.duplicates) == 5
        assert corpus.store.article_count() == 4
        # every article is in exactly one story
        members = corpus.store.memberships()
        assert sorted(members) == sorted(a.id for a in corpus.store.articles())


def test_a_new_process_finds_copies_from_stored_signatures_or_from_texts_stored_without_them(tmp_path, folder):
    with Corpus(tmp_path / "c.db") as corpus:
        corpus.add([str(folder / "aljazeera.json")])
        (params, n), = corpus.store.db.execute("SELECT params, count(*) FROM minhashes GROUP BY params")
        assert n == 1 and "num_perm=128" in params
    copy = write_article(tmp_path, "copy.json", "Shared by a reader: " + ALJAZEERA, outlet="Blog")
    with Corpus(tmp_path / "c.db") as corpus:  # restores the index from the stored signature
        assert len(corpus.add([copy]).near_copies) == 1
    with Corpus(tmp_path / "c.db") as corpus:  # as a corpus written before signatures were stored
        with corpus.store.transaction() as db:
            db.execute("DELETE FROM minhashes")
        other = write_article(tmp_path, "other.json", "Reposted: " + ALJAZEERA, outlet="Forum")
        assert len(corpus.add([other]).near_copies) == 1


def test_stories_list_sizes_sources_and_central_title(tmp_path, folder, stories_module):
    with Corpus(tmp_path / "c.db") as corpus:
        corpus.add([str(folder)])
        infos = corpus.stories()
        assert sum(s.size for s in infos) == 4
        by_article = {a: s for s in infos for a in s.article_ids}
        quake_story = by_article[next(a.id for a in corpus.store.articles() if "Lombok" in a.text)]
        assert quake_story.title == "Earthquake hits Lombok" and quake_story.outlets == ("Jakarta Daily",)
        assert quake_story.first == quake_story.last == "2023-08-05"
        repost = next(a for a in corpus.store.articles() if a.outlet == "Aggregator")
        story = by_article[repost.id]
        if story.size > 1 and story.id == by_article[corpus.store.copies()[repost.id]].id:
            assert story.independent == story.size - 1  # the copy is not an independent source


def test_merge_and_split_survive_reclustering_and_new_articles(tmp_path, folder, stories_module):
    with Corpus(tmp_path / "c.db") as corpus:
        corpus.add([str(folder)])
        ids = {a.outlet: a.id for a in corpus.store.articles()}
        members = corpus.store.memberships()
        quake, gaza = members[ids["Jakarta Daily"]], members[ids["Al Jazeera"]]
        assert quake != gaza
        kept = corpus.merge(gaza, quake[:8])  # a unique prefix is enough
        assert corpus.store.memberships()[ids["Jakarta Daily"]] == kept == gaza
        new_story = corpus.split(kept, [ids["Wire"]])
        assert corpus.store.memberships()[ids["Wire"]] == new_story
        expected = corpus.store.memberships()

        corpus.recluster()
        after = corpus.store.memberships()
        assert after[ids["Jakarta Daily"]] == after[ids["Al Jazeera"]]  # the merge was re-applied
        assert after[ids["Wire"]] == new_story  # and the split
        assert [e["kind"] for e in corpus.store.edits()] == ["merge", "split"]
        assert corpus.store.manual_members() >= {ids["Jakarta Daily"], ids["Wire"]}
        assert after[ids["Wire"]] == expected[ids["Wire"]]

    # A later add in a new process restores the edited stories and keeps them.
    with Corpus(tmp_path / "c.db") as corpus:
        extra = folder.parent / "more"
        extra.mkdir()
        write_article(extra, "quake2.txt", QUAKE.replace("Sunday", "Monday") + "Aftershocks were felt in Bali.\n")
        corpus.add([str(extra)])
        now = corpus.store.memberships()
        assert now[ids["Wire"]] == new_story and now[ids["Jakarta Daily"]] == now[ids["Al Jazeera"]]


def test_an_open_corpus_sees_a_merge_another_process_made_before_it_adds(tmp_path, folder, stories_module):
    """Two processes on one file: B merges two stories while A holds its clusterer in memory. A's next
    article must join the merged story, not bring the merged-away one back."""
    db = tmp_path / "c.db"
    with Corpus(db) as a, Corpus(db) as b:  # two connections, as two processes have
        a.add([str(folder)])
        ids = {x.outlet: x.id for x in a.store.articles()}
        quake = a.store.memberships()[ids["Jakarta Daily"]]
        gaza = a.store.memberships()[ids["Al Jazeera"]]
        assert b.merge(gaza, quake) == gaza
        extra = folder.parent / "more"
        extra.mkdir()
        aftershock = write_article(extra, "quake2.txt",
                                   QUAKE.replace("Sunday", "Monday") + "Aftershocks were felt in Bali.\n")
        added = a.add([aftershock])
        assert added.ok and len(added.added) + len(added.near_copies) == 1  # a near-copy is stored too
        assert quake not in a.store.story_ids()  # not brought back
        assert set(added.stories.values()) <= set(a.store.story_ids())
        members = a.store.memberships()
        assert members[ids["Jakarta Daily"]] == members[ids["Al Jazeera"]] == gaza  # the merge holds


def test_split_and_merge_refuse_nonsense(tmp_path, folder, stories_module):
    with Corpus(tmp_path / "c.db") as corpus:
        corpus.add([str(folder)])
        story = corpus.stories()[0]
        with pytest.raises(StorydiffError, match="with itself"):
            corpus.merge(story.id, story.id)
        with pytest.raises(StorydiffError, match="no article of story .* matches 'ffffffffffff'"):
            corpus.split(story.id, ["ffffffffffff"])
        with pytest.raises(StorydiffError, match="nothing to split off"):
            corpus.split(story.id, list(story.article_ids))


def test_compare_story_is_cached_until_members_change(tmp_path, stories_module, monkeypatch):
    from storydiff import pipeline

    calls = []
    real = pipeline.compare_articles

    def counting(articles, *args, **kwargs):
        calls.append(sorted(a.id for a in articles))
        return real(articles, *args, **kwargs)

    monkeypatch.setattr(pipeline, "compare_articles", counting)
    with Corpus(tmp_path / "c.db") as corpus:
        corpus.add([str(EXAMPLE / "aljazeera.txt"), str(EXAMPLE / "rewrite.txt")])
        a, b = (x.id for x in corpus.store.articles())
        story = corpus.store.memberships()[a]
        if corpus.store.memberships()[b] != story:
            corpus.merge(story, corpus.store.memberships()[b])
        first = corpus.compare_story(story)
        assert len(first.articles) == 2 and first.conflicts
        second = corpus.compare_story(story)
        assert len(calls) == 1  # served from the store
        assert [v.reason for v in second.verdicts] == [v.reason for v in first.verdicts]
        assert corpus.is_cached(story)

        corpus.add([str(FIXTURES / "malformed" / "aljazeera-cp1252.txt")])
        c = next(x.id for x in corpus.store.articles() if x.id not in (a, b))
        if corpus.store.memberships()[c] != story:
            corpus.merge(story, corpus.store.memberships()[c])
        assert not corpus.is_cached(story)  # the membership changed
        third = corpus.compare_story(story)
        assert len(calls) == 2 and len(third.articles) == 3


def test_export_jsonl_csv_and_parquet(tmp_path, folder, stories_module):
    with Corpus(tmp_path / "c.db") as corpus:
        corpus.add([str(folder)])
        buf = io.StringIO()
        assert corpus.export("jsonl", buf) == 4
        rows = [json.loads(line) for line in buf.getvalue().splitlines()]
        assert {r["outlet"] for r in rows} == {"Al Jazeera", "Wire", "Jakarta Daily", "Aggregator"}
        assert all(r["story_id"] for r in rows)
        assert sum(1 for r in rows if r["copy_of"]) == 1
        out = tmp_path / "c.csv"
        corpus.export("csv", out)
        with out.open(encoding="utf-8", newline="") as f:
            parsed = list(csv.DictReader(f))
        assert [r["id"] for r in parsed] == [r["id"] for r in rows] and parsed[0]["text"] == rows[0]["text"]
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            with pytest.raises(StorydiffError, match="pip install pyarrow"):
                corpus.export("parquet", tmp_path / "c.parquet")
        else:
            corpus.export("parquet", tmp_path / "c.parquet")
            import pyarrow.parquet as pq

            assert pq.read_table(tmp_path / "c.parquet").num_rows == 4


# --- the CLI ----------------------------------------------------------------------------


def test_cli_add_stories_show_export(tmp_path, folder, stories_module):
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    result = runner.invoke(main, ["add", str(folder), "--db", db])
    assert result.exit_code == 0, result.output
    assert "added" in result.output and "near-copy" in result.output

    listed = runner.invoke(main, ["stories", "--db", db, "-f", "json"])
    assert listed.exit_code == 0, listed.output
    stories = json.loads(listed.stdout)
    assert sum(s["size"] for s in stories) == 4
    # -f json as every other command takes it; the old --json still works, with a note on stderr
    old = runner.invoke(main, ["stories", "--db", db, "--json"])
    assert json.loads(old.stdout) == stories and "--json is deprecated; use -f json" in old.stderr
    assert json.loads(runner.invoke(main, ["stories", "list", "--db", db, "-f", "json"]).stdout) == stories
    table = runner.invoke(main, ["stories", "list", "--db", db])
    assert "Lombok" in table.stdout and "Jakarta" in table.stdout
    # CliRunner's terminal is 80 columns, as a pipe's is: the ids are printed whole, to paste into `show`,
    # and the other columns wrap rather than cut words off
    assert all(s["id"] in table.stdout for s in stories)

    quake = next(s for s in stories if s["title"] == "Earthquake hits Lombok")
    shown = runner.invoke(main, ["show", quake["id"][:6], "--db", db, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    report = json.loads(shown.stdout)
    assert [a["outlet"] for a in report["articles"]] == ["Jakarta Daily"]  # one source: nothing to compare
    written = tmp_path / "story.json"
    to_file = runner.invoke(main, ["show", quake["id"], "--db", db, "--format", "json", "-o", str(written)])
    assert to_file.exit_code == 0 and json.loads(written.read_text(encoding="utf-8")) == report

    exported = runner.invoke(main, ["export", "--db", db, "--format", "csv"])
    assert exported.exit_code == 0 and exported.stdout.count("Jakarta Daily") == 1
    binary = runner.invoke(main, ["export", "--db", db, "--format", "parquet"])  # no -o: a usage error
    assert binary.exit_code == 2 and "give -o FILE" in binary.output


def added_by_cli(tmp_path, folder) -> tuple[CliRunner, str, list[dict]]:
    """`storydiff add` of the folder into a new corpus: the runner, the db path and `stories --json`."""
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    runner.invoke(main, ["add", str(folder), "--db", db])
    return runner, db, json.loads(runner.invoke(main, ["stories", "--db", db, "-f", "json"]).stdout)


def test_cli_merge_then_split(tmp_path, folder, stories_module):
    runner, db, stories = added_by_cli(tmp_path, folder)
    a, b = stories[0], stories[-1]
    merged = runner.invoke(main, ["stories", "merge", a["id"], b["id"], "--db", db])
    assert merged.exit_code == 0 and f"{a['size'] + b['size']} articles" in merged.stdout
    split = runner.invoke(main, ["stories", "--db", db, "split", a["id"], b["article_ids"][0]])
    assert split.exit_code == 0, split.output
    assert "new story split-" in split.stdout
    bad = runner.invoke(main, ["stories", "merge", a["id"], "no-such-story", "--db", db])
    assert bad.exit_code == 1 and "no story 'no-such-story'" in bad.output


def test_a_merged_away_story_id_still_opens_the_story_it_went_into(tmp_path, folder, stories_module):
    """A saved story id (a note, a link) must not break when its story is merged into another."""
    runner, db, stories = added_by_cli(tmp_path, folder)
    kept, gone = stories[0], stories[-1]
    assert runner.invoke(main, ["stories", "merge", kept["id"], gone["id"], "--db", db]).exit_code == 0
    assert gone["id"] not in [s["id"] for s in json.loads(runner.invoke(main, ["stories", "--db", db, "-f", "json"]).stdout)]
    shown = runner.invoke(main, ["show", gone["id"], "--db", db, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert f"story {gone['id']} was merged into story {kept['id']}" in shown.stderr
    report = json.loads(shown.stdout)
    assert {a["id"] for a in report["articles"]} >= set(gone["article_ids"])
    with Corpus(db) as corpus:
        assert corpus.story(gone["id"]).id == kept["id"]
        corpus.recluster()  # re-clustering renames stories: every old id still leads somewhere
        for old in (kept["id"], gone["id"]):
            assert set(corpus.story(old).article_ids) >= set(gone["article_ids"])  # the merge holds


def test_cli_refuses_a_non_sqlite_db_and_leaves_it(tmp_path, folder, stories_module):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes, not a database\n" * 20)
    before = notes.read_bytes()
    for args in (["add", str(folder)], ["stories"], ["export"]):
        result = CliRunner().invoke(main, [*args, "--db", str(notes)])
        assert result.exit_code == 1
        assert str(notes) in result.output and "not an SQLite file" in result.output
    assert notes.read_bytes() == before


def test_the_corpus_own_db_is_never_added(tmp_path, stories_module):
    d = tmp_path / "news"
    d.mkdir()
    write_article(d, "quake.txt", QUAKE)
    db = d / "corpus.db"
    with Corpus(db) as corpus:
        assert corpus.add([str(d)]).ok
        summary = corpus.add([str(d)])
    assert summary.ok and summary.failed == [] and len(summary.duplicates) == 1
    assert sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_corpus_is_exported_from_the_package(tmp_path):
    import storydiff

    assert storydiff.Corpus is Corpus and "Corpus" in storydiff.__all__
    with pytest.raises(StoreError):
        (tmp_path / "x.db").write_text("nope" * 10)
        storydiff.Corpus(tmp_path / "x.db")


def test_a_corpus_reopened_marks_the_same_near_copies_as_one_left_open(tmp_path):
    """A new process restores the near-copy index from the store (in bulk); what it finds must not
    depend on whether the corpus was closed between two adds."""
    from conftest import real_texts

    texts = real_texts(24)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    for i, text in enumerate(texts[:16]):
        write_article(first, f"{i:02}.txt", text)
        if i % 4 == 0:  # copies within the first add
            write_article(first, f"{i:02}-repost.txt", "From our partners:\n" + text)
    for i, text in enumerate(texts[16:]):
        write_article(second, f"{i:02}.txt", text)
    for i in range(0, 16, 3):  # copies, in the second add, of first-add originals and first-add copies
        write_article(second, f"{i:02}-shared.txt", "Shared by a reader:\n" + texts[i] + "\nMore to follow.")

    def near_copies(summary):
        return sorted((source.rsplit("/", 1)[-1], copy_of) for source, _, copy_of in summary.near_copies)

    with Corpus(tmp_path / "open.db") as corpus:
        open_first = near_copies(corpus.add([str(first)]))
        open_second = near_copies(corpus.add([str(second)]))
    with Corpus(tmp_path / "reopened.db") as corpus:
        reopened_first = near_copies(corpus.add([str(first)]))
    with Corpus(tmp_path / "reopened.db") as corpus:  # empty in-memory state, as in a new process
        reopened_second = near_copies(corpus.add([str(second)]))
        assert len(corpus._dupes) == 16 + 4 + 8 + 6
    assert open_first == reopened_first and len(open_first) == 4
    assert open_second == reopened_second and len(open_second) == 6


def test_a_story_without_headlines_is_listed_by_its_opening_line(tmp_path, stories_module):
    d = tmp_path / "dump"
    d.mkdir()
    write_article(d, "quake.txt", QUAKE)  # a text dump: no headline anywhere
    runner = CliRunner()
    db = str(tmp_path / "c.db")
    assert runner.invoke(main, ["add", str(d), "--db", db]).exit_code == 0
    (story,) = json.loads(runner.invoke(main, ["stories", "--db", db, "-f", "json"]).stdout)
    assert story["title"] is None
    # the first line is too long for a list: cut at a word, and marked as cut
    assert story["lead"].startswith("A magnitude 6.4 earthquake struck the island of Lombok")
    assert story["lead"].endswith("…") and len(story["lead"]) <= 101
    table = runner.invoke(main, ["stories", "--db", db], env={"COLUMNS": "200"})
    assert "A magnitude 6.4 earthquake" in table.stdout and "opening line" in table.stderr
    shown = runner.invoke(main, ["show", story["id"], "--db", db, "--width", "200"])
    coverage = shown.stdout.split("storydiff ·")[0]  # the table of articles, before the comparison
    assert coverage.count("A magnitude 6.4 earthquake") == 2  # the story's name, and the article's


def test_titles_with_brackets_are_shown_as_written_not_read_as_markup(tmp_path, stories_module):
    # Outlets tag headlines with brackets ("[VIDEO]", "[UPDATED]"); "[/" would end markup that never began.
    d = tmp_path / "news"
    d.mkdir()
    title = "[VIDEO] Earthquake hits Lombok [/updated] [bold]14 dead[/bold]"
    write_article(d, "quake.json", QUAKE, title=title, outlet="Jakarta [Daily]")
    runner = CliRunner()
    db = str(tmp_path / "c.db")
    assert runner.invoke(main, ["add", str(d), "--db", db]).exit_code == 0
    listed = runner.invoke(main, ["stories", "--db", db], env={"COLUMNS": "300"})
    assert listed.exit_code == 0, listed.output
    assert title in listed.stdout and "Jakarta [Daily]" in listed.stdout
    (story,) = json.loads(runner.invoke(main, ["stories", "--db", db, "-f", "json"]).stdout)
    shown = runner.invoke(main, ["show", story["id"], "--db", db, "--width", "300"])
    assert shown.exit_code == 0, shown.output
    assert title in shown.stdout and "Jakarta [Daily]" in shown.stdout


@pytest.mark.parametrize("text, expected", [
    # opening lines of ECB+ dev articles (../shared/data/stories/ecbplus-dev.jsonl, topic 1)
    ("May 2, 2013, 1: 12 PM\nLawyer: Lindsay Lohan checks into rehab facility\nUpdated 4: 08 p. m. ET",
     "Lawyer: Lindsay Lohan checks into rehab facility"),
    ("THURSDAY, JUNE 30, 2005\nRIP LA County Sheriff Deputy Jerry Ortiz", "RIP LA County Sheriff Deputy Jerry Ortiz"),
    ("Lindsay Lohan checks into Betty Ford Center\nMay 03, 2013\nAfter skipping out",
     "Lindsay Lohan checks into Betty Ford Center"),
    # a long first line ends at its first sentence when that is not too short
    ("A publicist says Tara Reid has checked herself into rehab. Jack Ketsoyan said Friday that the star went "
     "into Promises Treatment Center.", "A publicist says Tara Reid has checked herself into rehab."),
])
def test_opening_line_passes_over_datelines(text, expected):
    from storydiff.corpus import opening_line

    assert opening_line(text) == expected


# --- robustness: missing files, output paths, progress ------------------------------------


def test_read_only_commands_refuse_a_missing_db_and_create_nothing(tmp_path, folder, stories_module):
    db = tmp_path / "typo.db"
    runner = CliRunner()
    for args in (["export"], ["stories"], ["stories", "list"], ["stories", "merge", "a", "b"],
                 ["stories", "split", "a", "b"], ["show", "a"], ["revisions", "https://example.org/a"],
                 ["provenance", "a"], ["brief", "a"], ["timeline", "a"]):
        result = runner.invoke(main, [*args, "--db", str(db)])
        assert result.exit_code == 1, args
        assert f"error: no corpus at {db}; add articles first with storydiff add --db {db}" in \
            " ".join(result.output.split()), args
        assert not db.exists() and list(tmp_path.glob("typo.db*")) == [], args
    with pytest.raises(StorydiffError, match="no corpus at"):
        Corpus(db, create=False)
    result = runner.invoke(main, ["add", str(folder / "quake.json"), "--db", str(db)])
    assert result.exit_code == 0 and db.exists()
    assert "into 1 story " in " ".join(result.output.split()) + " "


def test_export_into_a_missing_folder_is_refused_before_any_work(tmp_path, folder, stories_module):
    db = str(tmp_path / "c.db")
    CliRunner().invoke(main, ["add", str(folder / "quake.json"), "--db", db])
    target = tmp_path / "no-such-folder" / "out.csv"
    result = CliRunner().invoke(main, ["export", "--db", db, "--format", "csv", "-o", str(target)])
    assert result.exit_code == 2
    assert f"error: cannot write {target}: the folder {target.parent} does not exist" in " ".join(result.output.split())


def test_parquet_columns_are_strings_even_when_all_empty(tmp_path, stories_module):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    d = tmp_path / "news"
    d.mkdir()
    write_article(d, "quake.txt", QUAKE)  # no url, no publication date, no title, no outlet
    with Corpus(tmp_path / "c.db") as corpus:
        corpus.add([str(d)])
        corpus.export("parquet", tmp_path / "c.parquet")
    schema = pq.read_schema(tmp_path / "c.parquet")
    assert {name: schema.field(name).type for name in schema.names} == {
        name: pa.string() for name in ("id", "story_id", "copy_of", "title", "outlet", "published", "url",
                                       "source", "added_at", "text")}


def test_add_reports_progress_by_record_of_a_jsonl_file(tmp_path, stories_module):
    day = tmp_path / "day.jsonl"
    day.write_text("".join(json.dumps({"text": t}) + "\n" for t in (ALJAZEERA, QUAKE, "too short")), encoding="utf-8")
    events = []
    with Corpus(tmp_path / "c.db") as corpus:
        corpus.add([str(day)], progress=lambda kind, value: events.append((kind, value)))
    assert sum(v for k, v in events if k == "total") == 3
    assert [v for k, v in events if k == "done"] == [f"line {n} of {day}" for n in (1, 2, 3)]
