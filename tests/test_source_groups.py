"""Independent sources in the corpus come from provenance: a wire story and its rewrites count once.

Articles: the founding example (examples/gaza-talks: Al Jazeera, 8 July 2025,
and an independent rewrite of another wire story) and an excerpt-style rewrite
of the Al Jazeera report: its own opening, then the report's first paragraphs
word for word. The excerpt is too short beside the full report to be a
MinHash near-copy, yet most of it is reused, so provenance joins them.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from conftest import EXAMPLE, write_article
from storydiff.cli import main
from storydiff.corpus import Corpus


def _stories_table(db) -> str:
    result = CliRunner().invoke(main, ["stories", "--db", str(db)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_rewrites_count_once_after_tracing(tmp_path):
    aljazeera = (EXAMPLE / "aljazeera.txt").read_text(encoding="utf-8")
    rewrite = (EXAMPLE / "rewrite.txt").read_text(encoding="utf-8")
    excerpt = ("Washington talks: what we know so far. Our correspondent sums up the day.\n"
               + "\n".join(aljazeera.split("\n")[:8]))
    folder = tmp_path / "news"
    folder.mkdir()
    write_article(folder, "aljazeera.json", aljazeera, title="Trump hosts Netanyahu as Gaza talks continue",
           outlet="Al Jazeera", published="2025-07-08")
    write_article(folder, "rewrite.json", rewrite, title="Trump and Netanyahu meet again", outlet="Wire",
           published="2025-07-09")
    write_article(folder, "excerpt.json", excerpt, title="Washington talks: what we know", outlet="Digest",
           published="2025-07-09")
    db = tmp_path / "c.db"
    with Corpus(db) as corpus:
        summary = corpus.add([str(folder)])
        assert len(summary.added) == 3 and summary.near_copies == []  # MinHash does not catch the excerpt
        stories = corpus.stories()
        while len(stories) > 1:  # one event: put the three together if the clustering did not
            corpus.merge(stories[0].id, stories[1].id)
            stories = corpus.stories()
        [story] = stories
        assert (story.size, story.independent, story.traced) == (3, 3, False)

    assert "≤3" in _stories_table(db)  # not traced yet: an upper bound, and marked as one

    traced = CliRunner().invoke(main, ["provenance", story.id[:8], "--db", str(db), "-f", "json"])
    assert traced.exit_code == 0, traced.output
    assert json.loads(traced.stdout)["independent_sources"] == 2
    with Corpus(db) as corpus:
        prov = corpus.provenance(story.id)
        grouped = next(g for g in prov.groups if len(g) == 2)
        outlets = {corpus.store.article(a).outlet for a in grouped}
        assert outlets == {"Al Jazeera", "Digest"}  # the excerpt joins its source; the rewrite stays apart
    with Corpus(db) as corpus:  # stored: a new process counts without tracing again
        [story] = corpus.stories()
        assert (story.independent, story.traced) == (2, True)
    table = _stories_table(db)
    assert "≤" not in table and " 2 " in table

    # A new member makes the stored grouping stale: back to the near-copy bound until traced again.
    write_article(folder, "rafah.json", (EXAMPLE / "rewrite.txt").read_text(encoding="utf-8").replace("Gaza", "Rafah"),
           title="Rafah talks", outlet="Other", published="2025-07-09")
    with Corpus(db) as corpus:
        corpus.add([str(folder / "rafah.json")])
        stories = corpus.stories()
        while len(stories) > 1:
            corpus.merge(stories[0].id, stories[1].id)
            stories = corpus.stories()
        assert stories[0].size == 4 and stories[0].traced is False
