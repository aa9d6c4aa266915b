"""What the web app asks of the library, as plain functions and data.

Nothing here knows about HTTP: it turns request fields into `Article`s,
runs compare / check / the corpus, and shapes stories into JSON-ready
dicts. Errors stay typed (`InputError`, `UnknownStoryError`, ...); the app
turns them into HTTP errors at the edge.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, StorydiffError
from ..model import Article, Report
from ..settings import Settings


class RequestTooLargeError(StorydiffError):
    """A request asks for more work than the server allows ([web] max_articles)."""

    code = "E301"


@dataclass(frozen=True)
class ArticleInput:
    """One article as a request gives it: its text, or a URL to fetch (with optional metadata)."""

    text: str | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None

    @property
    def fetches(self) -> bool:
        return not (self.text and self.text.strip()) and bool(self.url)


def check_count(inputs: list[ArticleInput], settings: Settings) -> None:
    limit = int(settings.get("web", "max_articles"))
    if len(inputs) > limit:
        raise RequestTooLargeError(f"{len(inputs)} articles in one request; at most {limit} "
                                   "([web] max_articles)")


def to_article(item: ArticleInput, where: str, settings: Settings, short_ok: bool = False) -> Article:
    """The Article for one input: its text as given, else the page at its URL (fetched safely).

    `short_ok` accepts less text than [ingest] min_article_chars (a summary to check)."""
    from .. import ingest

    if item.fetches:
        articles = ingest.load(item.url, settings, short_ok=short_ok)
        if len(articles) != 1:
            raise InputError(item.url, f"holds {len(articles)} articles; give the URL of one article")
        article = articles[0]
        overrides = {k: v for k, v in (("title", item.title), ("outlet", item.outlet),
                                       ("published", item.published)) if v}
        if overrides:
            article = ingest.make_article(article.text, article.source, url=article.url,
                                          **{"title": article.title, "outlet": article.outlet,
                                             "published": article.published, **overrides})
        return article
    text = (item.text or "").strip()
    if not text:
        raise InputError(where, "gives neither text nor a URL")
    ingest.text_limits(settings, short_ok).check_text(where, text)
    return ingest.make_article(text, where, title=item.title, outlet=item.outlet, published=item.published,
                               url=item.url)


def compare_inputs(inputs: list[ArticleInput], settings: Settings) -> Report:
    """Compare what a request gave; an input that cannot be read is listed in `Report.skipped`."""
    from ..pipeline import compare_articles

    check_count(inputs, settings)
    articles, errors = [], []
    for i, item in enumerate(inputs, 1):
        try:
            articles.append(to_article(item, f"article {i}", settings))
        except InputError as err:
            errors.append(err)
    return compare_articles(articles, settings, skipped=errors)


def check_inputs(source: ArticleInput, derived: ArticleInput, settings: Settings) -> dict:
    """`storydiff check` on two request inputs, as its JSON form."""
    from .. import check
    from ..report.checkfmt import check_to_dict

    report = check(to_article(source, "source", settings), to_article(derived, "derived", settings, short_ok=True), settings)
    return check_to_dict(report)


# --- the corpus ---------------------------------------------------------------------------

class CorpusPool:
    """One `Corpus` per thread: SQLite connections are not shared across threads (WAL lets them read at once)."""

    def __init__(self, db_path: str | Path | None, settings: Settings):
        self.db_path = db_path
        self.settings = settings
        self._local = threading.local()
        self._all: list = []
        self._lock = threading.Lock()

    def get(self):
        corpus = getattr(self._local, "corpus", None)
        if corpus is None:
            from ..corpus import Corpus

            corpus = Corpus(self.db_path, self.settings)
            self._local.corpus = corpus
            with self._lock:
                self._all.append(corpus)
        return corpus

    def paths(self) -> list[str]:
        with self._lock:
            return sorted({str(c.path) for c in self._all}, key=len, reverse=True)

    def close(self) -> None:
        with self._lock:
            for corpus in self._all:
                try:
                    corpus.close()
                except Exception:  # closing from another thread at shutdown: best effort
                    pass
            self._all.clear()


def _article_summary(article: Article) -> dict:
    return {"id": article.id, "label": article.label, "title": article.title, "outlet": article.outlet,
            "published": article.published, "url": article.url, "source": article.source,
            "word_count": len(article.text.split())}


def story_summary(corpus, info, articles: list[Article] | None = None) -> dict:
    """A story as the list and the story page show it, with its coverage per outlet."""
    articles = articles if articles is not None else corpus.store.articles(info.article_ids)
    coverage = Counter(a.outlet or "unknown outlet" for a in articles)
    return {
        "id": info.id,
        "title": info.title or next((a.title for a in articles if a.title), None),
        "lead": info.lead,  # shown where there is no title
        "size": info.size,
        "independent": info.independent,
        "independent_traced": info.traced,  # False: not traced yet, so an upper bound (near-copies only)
        "outlets": list(info.outlets),
        "coverage": [{"outlet": o, "articles": n} for o, n in sorted(coverage.items(), key=lambda kv: (-kv[1], kv[0]))],
        "first": info.first,
        "last": info.last,
        "articles": [_article_summary(a) for a in articles],
        "url": f"/stories/{info.id}",
    }


def list_stories(corpus, q: str | None = None) -> list[dict]:
    """Every story, largest first; `q` keeps those whose title, outlets or article titles contain it."""
    needle = (q or "").strip().casefold()
    out = []
    for info in corpus.stories():
        articles = corpus.store.articles(info.article_ids)
        if needle:
            haystack = " ".join([info.id, info.title or ""] + [f"{a.title or ''} {a.outlet or ''}" for a in articles])
            if needle not in haystack.casefold():
                continue
        out.append(story_summary(corpus, info, articles))
    return out


def story_report(corpus, story_id: str) -> tuple[dict, Report]:
    info = corpus.story(story_id)
    return story_summary(corpus, info), corpus.compare_story(info.id)


def add_inputs(corpus, inputs: list[ArticleInput], settings: Settings) -> dict:
    """Add posted articles to the corpus: URLs are fetched, texts stored with their metadata.

    `Corpus.add` reads inputs by name, so posted texts go through a temporary
    JSON file of records (the ingest path every JSON input takes: same
    checks, same ids); their stored source is "record N of .../posted.json".
    """
    import json
    import tempfile

    check_count(inputs, settings)
    urls = [i.url for i in inputs if i.fetches]
    records = [{k: v for k, v in (("text", i.text), ("title", i.title), ("outlet", i.outlet),
                                  ("published", i.published), ("url", i.url)) if v}
               for i in inputs if not i.fetches]
    with tempfile.TemporaryDirectory(prefix="storydiff-web-") as tmp:
        sources = list(urls)
        if records:
            posted = Path(tmp) / "posted.json"
            posted.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
            sources.append(str(posted))
        summary = corpus.add(sources)
        posted_name = str(Path(tmp) / "posted.json")
    stories = summary.stories

    def named(source: str) -> str:  # the temporary file is not the client's business
        return source.replace(posted_name, "the request")

    return {
        "added": [{"id": a.id, "source": named(a.source), "story_id": stories.get(a.id)} for a in summary.added],
        "duplicates": [{"source": named(s), "id": i} for s, i in summary.duplicates],
        "near_copies": [{"source": named(s), "id": i, "copy_of": c, "story_id": stories.get(i)}
                        for s, i, c in summary.near_copies],
        "failed": [{"source": named(e.source), "reason": e.reason} for e in summary.failed],
        "counts": summary.counts(),
    }


def story_provenance(corpus, story_id: str) -> tuple[dict, dict]:
    """Who copied whom inside a story: the provenance JSON form (pairs, passages, graph)."""
    import json

    from ..report.extras import render_provenance

    prov = corpus.provenance(story_id)
    return story_summary(corpus, corpus.story(story_id)), json.loads(render_provenance(prov, "json"))


def story_timeline(corpus, story_id: str, term: str | None) -> tuple[dict, list]:
    """Every figure the story's articles report (about `term`), dated; and the points themselves."""
    from ..timeline import figure_timeline

    info = corpus.story(story_id)
    points = figure_timeline(corpus.store.articles(list(info.article_ids)), term, corpus.settings)
    return story_summary(corpus, info), points


def timeline_rows(points) -> list[dict]:
    rows = []
    for p in points:
        q = p.quantity
        rows.append({"date": p.date, "date_from": p.date_from, "source": p.source, "article_id": p.article_id,
                     "figure": q.text, "value": q.value, "unit": q.unit, "hedge": q.hedge,
                     "range": str(q.interval), "low": q.interval.low, "high": q.interval.high,
                     "about": q.frame, "sentence": p.sentence})
    return rows
