"""A story's articles are analysed (claims, claim and figure vectors) once, not once per stage.

`show` and `brief` both compare a story and trace its provenance; the two read
the same analysis (`pipeline.analyse`). The story: the founding example
(examples/gaza-talks) and a syndicated near-copy of the Al Jazeera report (its
last paragraph dropped, one word changed), so the comparison (members less
near-copies) reads a part of the analysis that provenance reads whole.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import EXAMPLE, write_article
from storydiff import pipeline
from storydiff.cli import main
from storydiff.corpus import Corpus
from storydiff.ingest import load, make_article
from storydiff.nlp import claims as claims_stage
from storydiff.report import to_dict


def _near_copy(text: str) -> str:
    return "\n".join(text.split("\n")[:-2]).replace("Tuesday", "on Tuesday", 1)


@pytest.fixture
def story_db(tmp_path):
    """A fresh corpus with one story of three members, one of them a near-copy; (db, story id)."""
    aljazeera = (EXAMPLE / "aljazeera.txt").read_text(encoding="utf-8")
    folder = tmp_path / "news"
    folder.mkdir()
    write_article(folder, "aljazeera.json", aljazeera, outlet="Al Jazeera", published="2025-07-08")
    write_article(folder, "rewrite.json", (EXAMPLE / "rewrite.txt").read_text(encoding="utf-8"), outlet="Wire")
    write_article(folder, "syndicated.json", _near_copy(aljazeera), outlet="Syndicate", published="2025-07-09")
    db = tmp_path / "c.db"
    with Corpus(db) as corpus:
        summary = corpus.add([str(folder)])
        assert len(summary.added) == 2 and len(summary.near_copies) == 1
        stories = corpus.stories()
        while len(stories) > 1:  # one event: put them together if the clustering did not
            corpus.merge(stories[0].id, stories[1].id)
            stories = corpus.stories()
        [story] = stories
        assert story.size == 3 and len(corpus.compared_ids(story.id)) == 2
    return db, story.id


@pytest.fixture
def analysed(monkeypatch):
    """The article ids each `analyse_articles` / `iter_claims` (every claim extraction) call was given."""
    calls: dict[str, list[list[str]]] = {"analyse_articles": [], "iter_claims": []}
    for module, name in ((pipeline, "analyse_articles"), (claims_stage, "iter_claims")):
        real = getattr(module, name)

        def counted(articles, *args, _real=real, _name=name, **kwargs):
            calls[_name].append([a.id for a in articles])
            return _real(articles, *args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    return calls


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_first_show_of_a_story_analyses_its_articles_once(story_db, analysed):
    db, story_id = story_db
    _run("show", story_id, "--db", str(db), "-f", "json")
    assert len(analysed["analyse_articles"]) == 1 and len(analysed["iter_claims"]) == 1
    assert len(analysed["analyse_articles"][0]) == 3  # every member: provenance reads the near-copy too
    with Corpus(db) as corpus:
        assert corpus.is_cached(story_id) and corpus.story(story_id).traced

    _run("show", story_id, "--db", str(db), "-f", "json")  # compared and traced: nothing to analyse
    assert len(analysed["analyse_articles"]) == 1


def test_brief_of_a_story_analyses_once(story_db, analysed):
    db, story_id = story_db
    _run("brief", story_id, "--db", str(db), "-f", "json")
    assert len(analysed["analyse_articles"]) == 1 and len(analysed["iter_claims"]) == 1


def test_brief_of_files_analyses_once(analysed):
    _run("brief", str(EXAMPLE / "aljazeera.txt"), str(EXAMPLE / "rewrite.txt"), "-f", "json")
    assert len(analysed["analyse_articles"]) == 1 and len(analysed["iter_claims"]) == 1


def test_a_shared_analysis_gives_the_same_comparison():
    """The comparison of two articles reads the same claims and vectors from an analysis of three."""
    aljazeera, rewrite = (load(str(EXAMPLE / name))[0] for name in ("aljazeera.txt", "rewrite.txt"))
    syndicated = make_article(_near_copy(aljazeera.text), "syndicated.txt")
    analysis = pipeline.analyse([aljazeera, rewrite, syndicated])
    shared = pipeline.compare_articles([aljazeera, rewrite], analysis=analysis)
    assert to_dict(shared) == to_dict(pipeline.compare_articles([aljazeera, rewrite]))


def test_an_analysis_of_other_articles_is_refused():
    aljazeera, rewrite = (load(str(EXAMPLE / name))[0] for name in ("aljazeera.txt", "rewrite.txt"))
    with pytest.raises(ValueError, match="does not cover"):
        pipeline.compare_articles([aljazeera, rewrite], analysis=pipeline.analyse([aljazeera]))
