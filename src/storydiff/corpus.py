"""A persistent corpus: articles in, grouped into stories, compared per story.

    corpus = Corpus("news.db", settings)
    summary = corpus.add(["saved/", "https://example.org/feed.xml", "feeds.opml"])
    for story in corpus.stories(): ...
    report = corpus.compare_story(story.id)      # cached until its members or stages change

It ties the store, ingest, `stories` (near-duplicates and clustering) and the
compare pipeline together; the CLI is a thin layer over it.

How `add` stays correct when killed or run twice at once: articles are read
and embedded outside any lock, then each batch is written in ONE
transaction (articles, signals, copies, story memberships together), so a
batch is stored whole or not at all. Before it writes, a batch first takes
in whatever other processes stored since (under the write lock), so the
clusterer and the duplicate finder always see the whole corpus.

A new process restores the clusterer from the store, but loads its ANN index
from `news.db.stories-ann` (store/ann_file.py) when that file holds the
store's articles, and only indexes those stored since; after an `add`
commits, the index is saved there again (atomically). A missing, stale,
corrupt or foreign file is rebuilt from the store; `ann_status` says which.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from .errors import InputError, StorydiffError
from .ingest.sidecar import SIDECAR_NAME
from .model import Article, Report
from .nlp.times import is_dateline
from .settings import Settings, load_settings
from .store import NoCorpusError, Store, StoreError, UnknownStoryError, ann_file, members_hash  # noqa: F401 (StoreError re-exported)

__all__ = ["Corpus", "AddSummary", "StoryInfo", "db_path", "default_db_path", "EXPORT_FORMATS"]

EXPORT_FORMATS = ("jsonl", "csv", "parquet")
_STORE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def default_db_path(settings: Settings) -> Path:
    return Path(os.path.expanduser(settings.get("store", "path")))


def db_path(path: str | Path | None, settings: Settings) -> Path:
    """The corpus file a command means: `--db PATH`, else [store] path."""
    return Path(path).expanduser() if path is not None else default_db_path(settings)


@dataclass
class AddSummary:
    """What `Corpus.add` did with each input."""

    added: list[Article] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, id already stored)
    near_copies: list[tuple[str, str, str]] = field(default_factory=list)  # (source, id, copy_of)
    failed: list[InputError] = field(default_factory=list)
    stories: dict[str, str] = field(default_factory=dict)  # new article id -> story id

    @property
    def ok(self) -> bool:
        return not self.failed

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "duplicate": len(self.duplicates),
                "near-copy": len(self.near_copies), "failed": len(self.failed)}


@dataclass(frozen=True)
class StoryInfo:
    id: str
    size: int
    independent: int  # independent sources: provenance groups once traced, else members that are not near-copies
    outlets: tuple[str, ...]
    first: str | None  # earliest and latest publication date of its members
    last: str | None
    title: str | None  # the headline closest to the story's centroid
    article_ids: tuple[str, ...]
    # True when `independent` comes from provenance (rewrites of one wire story count once); False when
    # the story was not traced yet and only near-copies were discounted: then it is an upper bound.
    traced: bool = False
    # Where no member has a headline (text dumps, JSONL without titles): the opening line of the
    # member closest to the centroid, so that a list of stories still says what each is about.
    lead: str | None = None


# Progress events: ("total", n) adds n to the expected work (an input counts once until it is read,
# then once per record it holds; n may be negative); ("done", source) marks one input or record read.
ProgressFn = Callable[[str, object], None]


_LEAD_CHARS = 100


def opening_line(text: str) -> str:
    """The first line of a text (in text dumps, usually the headline; a dateline is passed over), cut to a
    sentence or ~100 characters."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    line = next((ln for ln in lines if not is_dateline(ln)), lines[0] if lines else "")
    if len(line) <= _LEAD_CHARS:
        return line
    end = re.search(r"[.!?][\"'”’]?\s", line[: _LEAD_CHARS + 1])
    if end and end.end() > 40:  # a whole short sentence reads better than a cut one
        return line[: end.end()].strip()
    return line[:_LEAD_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _noop(kind: str, value: object) -> None:
    pass


class Corpus:
    """A corpus stored in one SQLite file."""

    def __init__(self, path: str | Path | None = None, settings: Settings | None = None, *, create: bool = True):
        """Open the corpus at `path`; with create=False a missing file is a NoCorpusError, not a new empty corpus."""
        self.settings = settings or load_settings()
        self.path = db_path(path, self.settings)
        if not create and not self.path.exists():
            raise NoCorpusError(self.path)
        self.store = Store.open(self.path, busy_timeout_ms=self.settings.get("store", "busy_timeout_ms"))
        self._embedder = None
        self._clusterer = None
        self._dupes = None
        self._seen_seq = 0  # the clusterer and duplicate finder hold every article up to this seq
        self._seen_version = None  # PRAGMA data_version when last caught up: others' commits change it
        self.ann_path = ann_file.ann_path(self.path)
        self._ann_saved = 0  # how many articles the index file holds, as far as this process knows
        # how the story clusterer's ANN index was last restored or saved (loaded, rebuilt and why,
        # not saved and why), for people and tests; None until a restore happens
        self.ann_status: str | None = None

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- reading inputs -----------------------------------------------------------------

    def _is_store_file(self, path: Path) -> bool:
        try:
            resolved, db = path.resolve(), self.path.resolve()
        except OSError:
            return False
        index = db.name + ann_file.SUFFIX
        if resolved.parent == db.parent and (resolved.name == index or (
                resolved.name.startswith(index + ".") and resolved.name.endswith(".tmp"))):
            return True  # the saved ANN index and the temp files of its saves
        return any(resolved == Path(str(db) + suffix) for suffix in _STORE_SUFFIXES)

    def _expand(self, inputs: Iterable[str], summary: AddSummary) -> list[str]:
        """Folders into their files (recursively; hidden files and this corpus's own files skipped)."""
        out: list[str] = []
        for raw in inputs:
            source = str(raw)
            path = Path(source)
            if "://" not in source and path.is_dir():
                for root, dirs, files in os.walk(path):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for name in sorted(files):
                        child = Path(root) / name
                        # metadata.json sidecars describe the files beside them; load() reads them there
                        if name.startswith(".") or name == SIDECAR_NAME or self._is_store_file(child):
                            continue
                        out.append(str(child))
            elif "://" not in source and self._is_store_file(path):
                summary.failed.append(InputError(source, "is this corpus's own database file; not added"))
            else:
                out.append(source)
        return out

    def _read(self, sources: list[str], progress: ProgressFn) -> Iterator[Article | InputError]:
        """Every article the inputs hold, and an InputError for each that fails, in input order."""
        from .ingest import feeds, load_many
        from .ingest.fetch import fetch, is_url

        workers = max(1, int(self.settings.get("fetch", "workers")))
        for source in sources:
            try:
                if is_url(source):
                    fetched = fetch(source, self.settings)
                    kind, data = feeds.sniff(fetched.body), fetched.body
                else:
                    kind, data = self._sniff_file(source)
                if kind is None:
                    articles, errors = load_many([source], self.settings)
                    items = [*articles, *errors]
                    # progress by record: one JSONL file of 10,000 articles would sit at 0/1 until the end
                    progress("total", len(items) - 1)
                    for item in items:
                        progress("done", item.source)
                        yield item
                    continue
                feed_urls = feeds.opml_feed_urls(source, data) if kind == "opml" else [source]
            except InputError as err:
                progress("done", source)
                yield err
                continue
            progress("done", source)
            yield from self._read_feeds(feed_urls, data if kind == "feed" else None, workers, progress)

    def _sniff_file(self, source: str) -> tuple[str | None, bytes | None]:
        from .ingest import feeds

        try:
            with open(source, "rb") as f:
                head = f.read(4096)
        except OSError:
            return None, None  # load_many names the problem
        kind = feeds.sniff(head)
        if kind is None:
            return None, None
        from .ingest.reading import read_path

        return kind, read_path(source, self.settings.get("ingest", "max_input_bytes"))

    def _read_feeds(self, feed_urls: list[str], data: bytes | None, workers: int,
                    progress: ProgressFn) -> Iterator[Article | InputError]:
        from .ingest import feeds
        from .ingest.fetch import fetch

        for feed_url in feed_urls:
            try:
                body = data if data is not None else fetch(feed_url, self.settings).body
                entries = feeds.feed_entries(feed_url, body)
            except InputError as err:
                yield err
                continue
            # Entries already stored under their link are not fetched again.
            known = self.store.has_urls(e.link for e in entries if e.link)
            entries = [e for e in entries if e.link not in known]
            progress("total", len(entries))

            def one(entry):
                try:
                    return feeds.entry_article(entry, self.settings)
                except InputError as err:
                    return err

            with ThreadPoolExecutor(max_workers=workers) as pool:
                for entry, result in zip(entries, pool.map(one, entries)):
                    progress("done", entry.link or entry.source)
                    yield result

    # --- adding -------------------------------------------------------------------------

    def add(self, inputs: Iterable[str], progress: ProgressFn | None = None) -> AddSummary:
        """Read, store and cluster every input; one bad input never stops the others."""
        from .stories import quick_gil_handover

        with quick_gil_handover():  # reading threads, the lead embedder and this thread share the GIL
            return self._add(inputs, progress or _noop)

    def _add(self, inputs: Iterable[str], progress: ProgressFn) -> AddSummary:
        summary = AddSummary()
        sources = self._expand(inputs, summary)
        progress("total", len(sources))
        batch_size = max(1, int(self.settings.get("store", "batch_size")))
        batch: list[Article] = []
        seen: set[str] = set()
        for item in self._read(sources, progress):
            if isinstance(item, InputError):
                summary.failed.append(item)
                continue
            if item.id in seen:
                summary.duplicates.append((item.source, item.id))
                continue
            seen.add(item.id)
            batch.append(item)
            if len(batch) >= batch_size:
                self._add_batch(batch, summary)
                batch = []
        if batch:
            self._add_batch(batch, summary)
        self._save_ann_index()
        return summary

    def _add_batch(self, batch: list[Article], summary: AddSummary) -> None:
        from . import stories

        stored = self.store.has_articles(a.id for a in batch)
        for a in batch:
            if a.id in stored:
                summary.duplicates.append((a.source, a.id))
        fresh = [a for a in batch if a.id not in stored]
        if not fresh:
            return
        self._ensure_indexes()
        signatures: dict[str, np.ndarray] = {}  # outside the write lock, while the lead vectors are made

        def make_signatures():
            signatures.update((a.id, self._dupes.signature(a.text)) for a in fresh)

        signals = stories.signals_for(fresh, self.settings, embedder=self._story_embedder(),
                                      alongside=make_signatures)
        by_id = {s.article_id: s for s in signals}
        with self.store.transaction(), self._forget_indexes_on_error():
            self._catch_up()
            new = self.store.insert_articles(fresh)
            new_ids = {a.id for a in new}
            for a in fresh:
                if a.id not in new_ids:  # another process stored it after our check
                    summary.duplicates.append((a.source, a.id))
            if not new:
                return
            copies = {}
            for a in new:
                original = self._dupes.add(a.id, signature=signatures[a.id])
                if original is not None and original != a.id:
                    copies[a.id] = original
            new_signals = [by_id[a.id] for a in new]
            story_ids = self._clusterer.add_and_refine(new_signals)  # and refined every `refine_every` on the way
            assignments = {s.article_id: sid for s, sid in zip(new_signals, story_ids)}
            moved = self._clusterer.take_moves()  # stored articles a split moved, with the new ones
            self.store.put_signals(new_signals, model=self._model_name())
            self.store.put_minhashes({a.id: signatures[a.id] for a in new}, self._dupes.params)
            self.store.assign({**moved, **assignments})
            if copies:
                self.store.mark_copies(copies, method="minhash-lsh")
            self._seen_seq = self.store.max_seq()
        for a in new:
            if a.id in copies:
                summary.near_copies.append((a.source, a.id, copies[a.id]))
            else:
                summary.added.append(a)
        summary.stories.update(assignments)

    @contextmanager
    def _forget_indexes_on_error(self):
        """A batch whose transaction rolls back may already be in the clusterer and duplicate
        finder: drop them, so they are restored from what the store really holds (and an index
        holding articles the store lacks is never saved)."""
        try:
            yield
        except BaseException:
            self._clusterer = self._dupes = None
            raise

    def _get_embedder(self):
        if self._embedder is None:
            from .backends.embedder import get_embedder

            self._embedder = get_embedder(self.settings)
        return self._embedder

    def _story_embedder(self):
        from . import stories

        return stories.story_embedder(self.settings)

    def _model_name(self) -> str:
        from . import stories

        return f"{self._story_embedder().name}+{stories.STAGE_VERSION}"

    def _ensure_indexes(self) -> None:
        """A clusterer and duplicate finder (empty until `_catch_up` feeds them the store)."""
        from . import stories

        if self._clusterer is None:
            self._clusterer = stories.StoryClusterer(self.settings)
            self._dupes = _duplicate_finder(stories, self.settings)
            self._seen_seq = 0
            self._seen_version = None

    def _catch_up(self) -> None:
        """Feed the clusterer and duplicate finder what the store holds that they have not seen:
        articles stored since they last looked, and stories another process changed."""
        self._ensure_indexes()
        written_elsewhere = self.store.data_version()
        if self.store.max_seq() <= self._seen_seq and written_elsewhere == self._seen_version:
            return
        copies = self.store.copies()
        self._dupes.restore_many((article_id, copies.get(article_id), signature, text) for article_id, signature, text
                                 in self.store.minhashes_after(self._seen_seq, self._dupes.params))
        members = self.store.memberships()
        restored = [(_as_signals(s), members[s.article_id])
                    for s in self.store.signals_after(self._seen_seq) if s.article_id in members]
        pinned = self.store.manual_members()  # placed by hand: refinement leaves their stories whole
        if len(self._clusterer) == 0 and restored:
            self._clusterer.restore(restored, saved_index=self._load_ann_index(restored), pinned=pinned)
        else:
            self._clusterer.sync(members)  # another process's refinement or edits moved some
            self._clusterer.restore(restored, pinned=pinned)
        self._seen_seq = self.store.max_seq()
        self._seen_version = written_elsewhere

    # --- the saved ANN index ------------------------------------------------------------

    def _load_ann_index(self, restored: list) -> object | None:
        """The saved ANN index when it holds a prefix of `restored` (the store's clustered articles in
        arrival order) for this story model; else None, and the clusterer indexes every vector again."""
        from . import stories

        self._ann_saved = 0
        found = ann_file.read(self.ann_path)
        if isinstance(found, str):
            self.ann_status = f"rebuilt: {found}"
            return None
        header, payload = found
        count = header.get("count")
        if header.get("model") != self._model_name():
            reason = f"the saved index was made with {header.get('model')}, not {self._model_name()}"
        elif header.get("usearch") != stories.usearch_version():
            reason = f"the saved index was written by usearch {header.get('usearch')}"
        elif not isinstance(count, int) or not 0 < count <= len(restored) or header.get("ids_sha256") != \
                ann_file.ids_digest(s.article_id for s, _ in restored[:count]):
            reason = "the saved index holds other articles than the store (another corpus, or an older copy)"
        else:
            try:
                index = stories.load_index(payload, ndim=len(restored[0][0].vector))
            except ValueError as err:
                reason = f"the saved index is unusable: {err}"
            else:
                if len(index) == count:
                    self._ann_saved = count
                    self.ann_status = f"loaded: {count} articles" + (
                        f", {len(restored) - count} added since" if len(restored) > count else "")
                    return index
                reason = f"the saved index holds {len(index)} vectors, its header says {count}"
        self.ann_status = f"rebuilt: {reason}"
        return None

    def _save_ann_index(self) -> None:
        """Save the clusterer's ANN index beside the database when it holds more than the file does.

        Only after the batches committed; a failure to save loses nothing (the next process
        rebuilds from the store), so it is recorded in `ann_status` rather than raised."""
        from . import stories

        clusterer = self._clusterer
        if clusterer is None or len(clusterer) == self._ann_saved:
            return
        ids = clusterer.index_ids()
        payload = clusterer.index_bytes()
        if payload is None:
            return
        header = {"model": self._model_name(), "usearch": stories.usearch_version(), "count": len(ids),
                  "ids_sha256": ann_file.ids_digest(ids), "max_seq": self._seen_seq}
        try:
            ann_file.save(self.ann_path, payload, header)
        except OSError as err:
            self.ann_status = f"not saved: {err.strerror or err}"
            return
        self._ann_saved = len(ids)

    # --- stories ------------------------------------------------------------------------

    def stories(self) -> list[StoryInfo]:
        """Every story, largest first."""
        members: dict[str, list[str]] = {}
        for article_id, story_id in self.store.memberships().items():
            members.setdefault(story_id, []).append(article_id)
        infos = [self._info(story_id, ids) for story_id, ids in members.items()]
        return sorted(infos, key=lambda s: (-s.size, s.first or "", s.id))

    def story(self, story_id: str) -> StoryInfo:
        story_id = self.store.resolve_story(story_id)
        return self._info(story_id, self.store.members(story_id))

    def _info(self, story_id: str, ids: list[str]) -> StoryInfo:
        articles = self.store.articles(ids)
        copies = self.store.copies()
        member_set = {a.id for a in articles}
        independent = [a for a in articles if copies.get(a.id) not in member_set and a.id not in copies]
        groups = self.store.source_groups(story_id, members_hash(ids), self._provenance_versions())
        dates = sorted(a.published for a in articles if a.published)
        outlets = tuple(sorted({a.outlet for a in articles if a.outlet}))
        candidates = independent or articles
        titled = [a for a in candidates if a.title]
        central = self._most_central(titled or candidates, candidates)
        return StoryInfo(story_id, len(articles), len(groups) if groups else len(independent), outlets,
                         dates[0] if dates else None, dates[-1] if dates else None,
                         central.title if titled else None, tuple(a.id for a in articles),
                         traced=groups is not None, lead=None if titled or not central else opening_line(central.text))

    def _most_central(self, choices: list[Article], articles: list[Article]) -> Article | None:
        """The one of `choices` closest to the centroid of `articles`' vectors."""
        if len(choices) <= 1:
            return choices[0] if choices else None
        vectors = self.store.vectors(a.id for a in articles)
        if not vectors:
            return choices[0]
        centroid = np.mean(np.stack(list(vectors.values())), axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0

        def closeness(a: Article) -> float:
            v = vectors.get(a.id)
            return float(np.dot(v, centroid) / (np.linalg.norm(v) or 1.0)) if v is not None else -2.0

        return max(choices, key=closeness)

    def merge(self, keep: str, absorb: str) -> str:
        """Move every article of story `absorb` into story `keep`; recorded, survives re-clustering."""
        keep, absorb = self.store.resolve_story(keep), self.store.resolve_story(absorb)
        if keep == absorb:
            raise StorydiffError(f"cannot merge story {keep} with itself")
        with self.store.transaction():
            moved = self.store.members(absorb)
            anchor = self.store.members(keep)[0]
            self.store.assign(dict.fromkeys(moved, keep), manual=True)
            self.store.record_edit("merge", keep, absorb, moved, anchor=anchor)
        self._clusterer = None  # restored from the store on the next add
        return keep

    def split(self, story_id: str, article_ids: Iterable[str]) -> str:
        """Move the given articles of a story into a new story of their own; returns its id."""
        story_id = self.store.resolve_story(story_id)
        members = self.store.members(story_id)
        chosen = [self._resolve_member(a, members, story_id) for a in article_ids]
        chosen = list(dict.fromkeys(chosen))
        if not chosen:
            raise StorydiffError("split needs at least one article id")
        if len(chosen) == len(members):
            raise StorydiffError(f"those are all {len(members)} articles of story {story_id}; nothing to split off")
        new_id = "split-" + members_hash(chosen)[:10]
        with self.store.transaction():
            self.store.assign(dict.fromkeys(chosen, new_id), manual=True, origin="split")
            self.store.record_edit("split", new_id, story_id, chosen)
        self._clusterer = None
        return new_id

    def _resolve_member(self, prefix: str, members: list[str], story_id: str) -> str:
        found = [m for m in members if m.startswith(prefix)]
        if len(found) != 1:
            what = "no article" if not found else f"{len(found)} articles"
            verb = "matches" if len(found) <= 1 else "match"
            raise UnknownStoryError(f"{what} of story {story_id} {verb} {prefix!r}; `storydiff show {story_id}` "
                                    "lists its articles")
        return found[0]

    def recluster(self) -> None:
        """Cluster every stored article afresh, then re-apply the recorded merges and splits."""
        from . import stories

        clusterer = stories.StoryClusterer(self.settings)
        stored = self.store.signals_after(0)
        story_ids = clusterer.add_and_refine([_as_signals(s) for s in stored])
        assignments = {s.article_id: sid for s, sid in zip(stored, story_ids)}
        manual: set[str] = set()
        for edit in self.store.edits():
            if edit["kind"] == "merge":
                target = assignments.get(edit["anchor"])
                moved = [a for a in edit["articles"] if a in assignments]
            else:
                target, moved = edit["story_id"], [a for a in edit["articles"] if a in assignments]
            if target is None:
                continue
            for a in moved:
                assignments[a] = target
            manual.update(moved)
        with self.store.transaction():
            held = self.store.clear_memberships()
            self.store.assign({a: s for a, s in assignments.items() if a not in manual})
            self.store.assign({a: assignments[a] for a in manual}, manual=True)
            self.store.drop_empty_stories(held)  # a story id that is gone now names where its articles went
        self._clusterer = None

    # --- comparing ----------------------------------------------------------------------

    def revisions(self, url: str) -> list:
        """Claim-level changes between each stored version of `url` and the next."""
        from .revisions import diff_revisions

        versions = self.store.versions(url)
        return [diff_revisions(old, new, self.settings, embedder=self._get_embedder())
                for old, new in zip(versions, versions[1:])]

    def compared_ids(self, story_id: str) -> list[str]:
        """The story's members, less near-copies of another member (a copy adds no new claims)."""
        ids = self.store.members(story_id)
        copies = self.store.copies()
        members = set(ids)
        return [a for a in ids if copies.get(a) not in members]

    def _versions(self) -> dict:
        from . import align, judge
        from .nlp import claims
        from .nlp.language import SPACY_MODEL

        return {"claims": claims.STAGE_VERSION, "align": align.STAGE_VERSION, "judge": judge.STAGE_VERSION,
                "spacy_model": SPACY_MODEL,
                # the settings that change a comparison's result are part of its key
                "settings": {s: self.settings.values.get(s, {}) for s in ("embedder", "align", "judge")}}

    def analyse_story(self, story_id: str):
        """The claims and vectors of all of a story's members (a `pipeline.Analysis`): made once and
        passed to both `compare_story` (which reads the members less near-copies) and `provenance`."""
        from .pipeline import analyse

        ids = self.store.members(self.store.resolve_story(story_id))
        return analyse(self.store.articles(ids), self.settings, embedder=self._get_embedder())

    def compare_story(self, story_id: str, *, refresh: bool = False, analysis=None) -> Report:
        """The claim comparison across a story's articles; stored, and reused while nothing changed.

        `analysis` (from `analyse_story`) is used when the comparison has to be made."""
        from .pipeline import compare_articles
        from .report import to_dict
        from .store.reports import report_from_dict

        story_id = self.store.resolve_story(story_id)
        ids = self.compared_ids(story_id)
        mhash, versions = members_hash(ids), self._versions()
        if not refresh:
            cached = self.store.cached_comparison(story_id, mhash, versions)
            if cached is not None:
                return report_from_dict(cached)
        report = compare_articles(self.store.articles(ids), self.settings, embedder=self._get_embedder(),
                                  analysis=analysis)
        self.store.put_comparison(story_id, mhash, versions, to_dict(report))
        return report

    def provenance(self, story_id: str, analysis=None):
        """Who copied whom among all of a story's members (near-copies too: they are reuse).

        Its grouping into independent sources is stored, so `stories` and `show` count a wire
        story and its rewrites once from then on, without tracing again. `analysis` (from
        `analyse_story`) saves analysing the members again."""
        from .provenance import trace_provenance

        story_id = self.store.resolve_story(story_id)
        ids = self.store.members(story_id)
        result = trace_provenance(self.store.articles(ids), self.settings, embedder=self._get_embedder(),
                                  analysis=analysis)
        self.store.put_source_groups(story_id, members_hash(ids), self._provenance_versions(),
                                     [list(group) for group in result.groups])
        return result

    def _provenance_versions(self) -> dict:
        from . import provenance

        return {"provenance": provenance.STAGE_VERSION, "embedder": self.settings.values.get("embedder", {})}

    def is_cached(self, story_id: str) -> bool:
        story_id = self.store.resolve_story(story_id)
        ids = self.compared_ids(story_id)
        return self.store.cached_comparison(story_id, members_hash(ids), self._versions()) is not None

    # --- export -------------------------------------------------------------------------

    def rows(self) -> Iterator[dict]:
        members = self.store.memberships()
        copies = self.store.copies()
        added = dict(self.store.db.execute("SELECT id, added_at FROM articles"))
        for a in self.store.articles():
            yield {"id": a.id, "story_id": members.get(a.id), "copy_of": copies.get(a.id), "title": a.title,
                   "outlet": a.outlet, "published": a.published, "url": a.url, "source": a.source,
                   "added_at": added.get(a.id), "text": a.text}

    def export(self, fmt: str, out: str | Path | io.IOBase) -> int:
        """Write every article with its story to `out` (a path or a stream); returns the row count."""
        if fmt not in EXPORT_FORMATS:
            raise StorydiffError(f"unknown export format {fmt!r}; valid: {', '.join(EXPORT_FORMATS)}")
        rows = list(self.rows())
        if fmt == "parquet":
            try:
                import pyarrow as pa
                import pyarrow.parquet as pq
            except ImportError:
                raise StorydiffError("export --format parquet needs pyarrow, which is not installed; "
                                     "run `pip install pyarrow`, or use --format jsonl or csv") from None
            if not isinstance(out, (str, Path)):
                raise StorydiffError("parquet is binary; give an output file with -o FILE.parquet")
            # a fixed schema: a column that is all null (no URLs) stays a string, so exports concatenate
            schema = pa.schema([(c, pa.string()) for c in _EMPTY_ROW])
            pq.write_table(pa.table({c: [r[c] for r in rows] for c in _EMPTY_ROW}, schema=schema), str(out))
            return len(rows)
        stream = open(out, "w", encoding="utf-8", newline="") if isinstance(out, (str, Path)) else out
        try:
            if fmt == "jsonl":
                for r in rows:
                    stream.write(json.dumps(r, ensure_ascii=False) + "\n")
            else:
                writer = csv.DictWriter(stream, fieldnames=list(_EMPTY_ROW))
                writer.writeheader()
                writer.writerows(rows)
        finally:
            if stream is not out:
                stream.close()
        return len(rows)


_EMPTY_ROW = dict.fromkeys(["id", "story_id", "copy_of", "title", "outlet", "published", "url", "source",
                            "added_at", "text"])


def _as_signals(stored):
    from . import stories

    published = None
    if stored.published:
        try:
            published = datetime.fromisoformat(stored.published)
        except ValueError:
            published = None
    return stories.StorySignals(article_id=stored.article_id, vector=stored.vector, entities=stored.entities,
                                figures=stored.figures, published=published)


def _duplicate_finder(stories, settings: Settings):
    """`stories.DuplicateFinder` when it has one, else `duplicates.DuplicateFinder`."""
    finder = getattr(stories, "DuplicateFinder", None)
    if finder is None:
        from .duplicates import DuplicateFinder as finder
    return finder(settings)
