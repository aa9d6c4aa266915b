"""The embedded store: one SQLite file holding the corpus.

    store = Store.open("corpus.db")          # creates and migrates; refuses a non-SQLite file
    with store.transaction():                 # BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error)
        new = store.insert_articles(articles) # idempotent: INSERT OR IGNORE on the content hash

WAL mode lets readers run beside one writer; `busy_timeout` makes a second
writer wait for the lock instead of failing. Every multi-row write goes
through `transaction()`, so a killed process leaves either all of a batch or
none of it. The schema is built by named, append-only migrations
(`store.migrations`).
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import StorydiffError
from ..model import Article
from .migrations import MIGRATIONS, applied, migrate, now

__all__ = ["Store", "StoreError", "UnknownStoryError", "StoredSignals", "members_hash", "SQLITE_MAGIC", "check_file"]

SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(StorydiffError):
    """The store file cannot be used: not SQLite, corrupt, locked, or from a newer storydiff."""

    code = "E201"

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class NoCorpusError(StorydiffError):
    """A command that only reads the corpus names a file that does not exist (it is never created)."""

    code = "E203"

    def __init__(self, path: str | Path):
        self.path = str(path)
        super().__init__(f"no corpus at {path}; add articles first with storydiff add --db {path}")


class UnknownStoryError(StorydiffError):
    """A story or article id names nothing in the store."""

    code = "E202"


@dataclass(frozen=True)
class StoredSignals:
    """The story signals of one stored article, as saved by `put_signals`."""

    article_id: str
    vector: np.ndarray
    entities: frozenset[str]
    figures: frozenset[str]
    published: str | None
    seq: int


def members_hash(article_ids: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(set(article_ids))).encode()).hexdigest()[:16]


def _busy(err: sqlite3.DatabaseError) -> bool:
    """Whether SQLite refused because another connection holds the file ("database is locked")."""
    return isinstance(err, sqlite3.OperationalError) and ("locked" in str(err) or "busy" in str(err))


def _unusable(path: Path, err: sqlite3.DatabaseError) -> StoreError:
    return StoreError(path, f"is not a usable SQLite database ({err}); it was left untouched")


def check_file(path: Path, busy_timeout_s: float = 60.0) -> None:
    """Refuse anything that is not an SQLite database before storydiff writes to it.

    A corpus another process is creating or migrating is busy, not broken: the probe waits for its
    lock as long as the store's own connection would (`busy_timeout_s`), and a file SQLite calls
    locked is an SQLite database, which `Store.open` then opens (retrying while it stays busy).

    The file is probed through SQLite, read-only, never with open(): closing any descriptor of a
    database file drops every POSIX lock this process holds on it, so a second corpus opened in a
    process that already has one (the web server opens one per worker) would leave the first
    unlocked, and another process's connection would then delete the WAL under it. SQLite's own
    files keep those locks.
    """
    if path.is_dir():
        raise StoreError(path, "is a directory; --db takes a database file path")
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=busy_timeout_s)
    except sqlite3.Error as err:
        raise StoreError(path, f"cannot be read: {err}") from None
    try:
        probe.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as err:
        if _busy(err):
            return  # in use by another process: an SQLite database
        if "not a database" in str(err):
            raise StoreError(path, "is not a storydiff database (not an SQLite file); it was left untouched. "
                                   "Pass a new path with --db, or move the file away") from None
        raise _unusable(path, err) from None
    finally:
        probe.close()


class Store:
    """One open SQLite corpus file. Not shared across threads; open one per process."""

    def __init__(self, db: sqlite3.Connection, path: Path):
        self.db = db
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0

    # --- opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, busy_timeout_ms: int = 60_000) -> Store:
        """Open (creating and migrating as needed) the corpus at `path`.

        Another process opening or writing the same file makes SQLite answer "locked", at times at
        once rather than after its busy timeout (a lock it may not wait for without risking a
        deadlock). So the whole opening is tried again, with short pauses, until `busy_timeout_ms`
        has passed: two `add`s started together once failed here in the full test run.
        """
        path = Path(path).expanduser()
        check_file(path, busy_timeout_ms / 1000)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(path, f"cannot create its folder: {err.strerror or err}") from None
        started = time.monotonic()
        while True:
            try:
                return cls(cls._connect(path, busy_timeout_ms), path)
            except sqlite3.DatabaseError as err:
                if not _busy(err):
                    raise _unusable(path, err) from None
                waited = time.monotonic() - started
                if waited * 1000 >= busy_timeout_ms:
                    raise StoreError(path, f"is held by another process (waited {waited:.0f} s); try again "
                                           "when it is done") from None
                time.sleep(random.uniform(0.02, 0.2))

    @staticmethod
    def _connect(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
        """A connection in WAL mode with every migration applied; SQLite's errors pass through."""
        try:
            db = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, isolation_level=None,
                                 check_same_thread=False)
        except sqlite3.Error as err:
            raise StoreError(path, f"cannot be opened: {err}") from None
        try:
            db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")  # with WAL: no corruption on a crash
            db.execute("PRAGMA foreign_keys = ON")
            names = applied(db)
            unknown = [n for n in names if n not in {m for m, _ in MIGRATIONS}]
            if unknown:
                raise StoreError(path, f"was written by a newer storydiff (unknown migrations: "
                                       f"{', '.join(unknown)}); upgrade storydiff to use it")
            migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrations(self) -> list[str]:
        return applied(self.db)

    def integrity_check(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE: take the write lock up front (waiting up to busy_timeout); nests."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.db
                finally:
                    self._depth -= 1
                return
            try:
                self.db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as err:
                raise StoreError(self.path, f"could not take the write lock ({err}); "
                                            "another storydiff may be writing, try again") from None
            self._depth = 1
            try:
                yield self.db
            except BaseException:
                self._depth = 0
                self.db.execute("ROLLBACK")
                raise
            self._depth = 0
            self.db.execute("COMMIT")

    # --- articles ---------------------------------------------------------------------

    def insert_articles(self, articles: Iterable[Article]) -> list[Article]:
        """Store each article not yet stored; return those newly inserted (in order)."""
        new: list[Article] = []
        with self.transaction() as db:
            seq = db.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
            stamp = now()
            for a in articles:
                cur = db.execute(
                    "INSERT OR IGNORE INTO articles (id, text, title, outlet, published, url, source, added_at, seq)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (a.id, a.text, a.title, a.outlet, a.published, a.url, a.source, stamp, seq + 1))
                if cur.rowcount:
                    seq += 1
                    new.append(a)
        return new

    def has_articles(self, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.db.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk))
        return found

    def has_urls(self, urls: Iterable[str]) -> set[str]:
        """The given URLs that some stored article was read from (its source) or names (its url)."""
        urls = [u for u in urls if u]
        found: set[str] = set()
        for i in range(0, len(urls), 500):
            chunk = urls[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for url, source in self.db.execute(
                    f"SELECT url, source FROM articles WHERE url IN ({marks}) OR source IN ({marks})", chunk * 2):
                found.update(x for x in (url, source) if x in chunk)
        return found

    _ARTICLE_COLUMNS = "id, text, source, title, outlet, published, url"

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """Stored articles in arrival order (all, or those with `ids`)."""
        if ids is None:
            rows = self.db.execute(f"SELECT {self._ARTICLE_COLUMNS} FROM articles ORDER BY seq")
            return [Article(*row) for row in rows]
        wanted = list(dict.fromkeys(ids))
        marks = ",".join("?" * len(wanted))
        rows = self.db.execute(f"SELECT {self._ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks}) ORDER BY seq",
                               wanted)
        return [Article(*row) for row in rows]

    def versions(self, url: str) -> list[Article]:
        """Every stored text read from, or naming, `url`: its versions, oldest first.

        Articles are content-addressed, so an edited page added again is a new
        row with the same URL; the rows in arrival order are its history.
        """
        rows = self.db.execute(f"SELECT {self._ARTICLE_COLUMNS} FROM articles WHERE url = ? OR source = ? "
                               "ORDER BY seq", (url, url))
        return [Article(*row) for row in rows]

    def article(self, article_id: str) -> Article:
        found = self.articles([article_id])
        if not found:
            raise UnknownStoryError(f"no article {article_id!r} in {self.path}")
        return found[0]

    def article_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def data_version(self) -> int:
        """Changes whenever another connection (another process) commits to the file."""
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def max_seq(self) -> int:
        return self.db.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]

    def put_minhashes(self, signatures: dict[str, np.ndarray], params: str) -> None:
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO minhashes (article_id, params, hashvalues) VALUES (?, ?, ?)",
                           [(a, params, np.asarray(v, dtype="<u4").tobytes()) for a, v in signatures.items()])

    def minhashes_after(self, seq: int, params: str) -> list[tuple[str, np.ndarray | None, str | None]]:
        """(id, stored signature, None) for articles after `seq` with a signature made with `params`,
        else (id, None, text); in arrival order."""
        rows = self.db.execute(
            "SELECT a.id, m.hashvalues, CASE WHEN m.hashvalues IS NULL THEN a.text END FROM articles a"
            " LEFT JOIN minhashes m ON m.article_id = a.id AND m.params = ? WHERE a.seq > ? ORDER BY a.seq",
            (params, seq))
        return [(a, None if blob is None else np.frombuffer(blob, dtype="<u4").astype(np.uint32), text)
                for a, blob, text in rows]

    # --- story signals ------------------------------------------------------------------

    def put_signals(self, signals: Iterable, model: str) -> None:
        """Save each article's embedding and entity/figure signals (an upsert)."""
        with self.transaction() as db:
            for s in signals:
                vector = np.asarray(s.vector, dtype="<f4")
                published = s.published.isoformat() if s.published is not None else None
                db.execute(
                    "INSERT OR REPLACE INTO embeddings (article_id, model, dim, vector, entities_json, figures_json,"
                    " published) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (s.article_id, model, int(vector.shape[0]), vector.tobytes(), json.dumps(sorted(s.entities)),
                     json.dumps(sorted(s.figures)), published))

    def signals_after(self, seq: int = 0) -> list[StoredSignals]:
        """Saved signals of articles that arrived after `seq`, in arrival order."""
        rows = self.db.execute(
            "SELECT e.article_id, e.vector, e.entities_json, e.figures_json, e.published, a.seq"
            " FROM embeddings e JOIN articles a ON a.id = e.article_id WHERE a.seq > ? ORDER BY a.seq", (seq,))
        return [StoredSignals(aid, np.frombuffer(blob, dtype="<f4").astype(np.float32), frozenset(json.loads(ents)),
                              frozenset(json.loads(figs)), published, s)
                for aid, blob, ents, figs, published, s in rows]

    def vectors(self, ids: Iterable[str]) -> dict[str, np.ndarray]:
        ids = list(ids)
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for aid, blob in self.db.execute(
                    f"SELECT article_id, vector FROM embeddings WHERE article_id IN ({marks})", chunk):
                out[aid] = np.frombuffer(blob, dtype="<f4")
        return out

    # --- stories ------------------------------------------------------------------------

    def assign(self, assignments: dict[str, str], *, manual: bool = False, origin: str = "cluster") -> None:
        """Put each article (id -> story id) in its story, creating stories as needed.

        A story left with no articles is dropped, and its id becomes an alias of the story most
        of its articles went to (`resolve_story` follows it)."""
        with self.transaction() as db:
            stamp = now()
            before = self._stories_of(db, list(assignments))
            for story_id in dict.fromkeys(assignments.values()):
                db.execute("INSERT OR IGNORE INTO stories (id, created_at, origin) VALUES (?, ?, ?)",
                           (story_id, stamp, origin))
            for article_id, story_id in assignments.items():
                db.execute(
                    "INSERT INTO story_members (article_id, story_id, manual, assigned_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(article_id) DO UPDATE SET story_id = excluded.story_id,"
                    " manual = excluded.manual, assigned_at = excluded.assigned_at",
                    (article_id, story_id, int(manual), stamp))
            # Only a story an article moved out of can have become empty: checking those alone
            # keeps an add's cost independent of the corpus size.
            left = set(before.values()) - set(assignments.values())
            self._drop_emptied(db, left, before, assignments, stamp)

    @staticmethod
    def _stories_of(db: sqlite3.Connection, article_ids: list[str]) -> dict[str, str]:
        """article id -> its story now, for those of `article_ids` that are in one."""
        found: dict[str, str] = {}
        for i in range(0, len(article_ids), 500):
            chunk = article_ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(db.execute(
                f"SELECT article_id, story_id FROM story_members WHERE article_id IN ({marks})", chunk))
        return found

    @staticmethod
    def _drop_emptied(db: sqlite3.Connection, candidates: Iterable[str], before: dict[str, str],
                      after: dict[str, str], stamp: str) -> None:
        """Drop the `candidates` that have no articles now; alias each to where most of its went."""
        went: dict[str, Counter] = {}
        for article_id, old in before.items():
            if article_id in after:
                went.setdefault(old, Counter())[after[article_id]] += 1
        for story_id in candidates:
            if db.execute("SELECT 1 FROM story_members WHERE story_id = ? LIMIT 1", (story_id,)).fetchone():
                continue
            db.execute("DELETE FROM stories WHERE id = ?", (story_id,))
            targets = went.get(story_id)
            if targets:  # a tie goes to the alphabetically last id, whatever the order of the moves
                target = max(targets, key=lambda t: (targets[t], t))
                db.execute("INSERT OR REPLACE INTO story_aliases (old_id, story_id, at) VALUES (?, ?, ?)",
                           (story_id, target, stamp))

    def clear_memberships(self) -> dict[str, str]:
        """Empty every story (before re-clustering) and return what they held (article id -> story id),
        for `drop_empty_stories`."""
        with self.transaction() as db:
            held = dict(db.execute("SELECT article_id, story_id FROM story_members"))
            db.execute("DELETE FROM story_members")
        return held

    def drop_empty_stories(self, held: dict[str, str] | None = None) -> None:
        """Drop every story without articles; with `held` (from `clear_memberships`), alias each
        dropped story that held articles to the story most of them are in now."""
        with self.transaction() as db:
            empty = [r[0] for r in db.execute(
                "SELECT id FROM stories WHERE id NOT IN (SELECT DISTINCT story_id FROM story_members)")]
            held = held or {}
            self._drop_emptied(db, empty, held, self._stories_of(db, list(held)), now())

    def memberships(self) -> dict[str, str]:
        """article id -> story id, for every clustered article."""
        return dict(self.db.execute("SELECT article_id, story_id FROM story_members"))

    def manual_members(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT article_id FROM story_members WHERE manual = 1")}

    def story_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM stories ORDER BY created_at, id")]

    def members(self, story_id: str) -> list[str]:
        rows = self.db.execute(
            "SELECT m.article_id FROM story_members m JOIN articles a ON a.id = m.article_id"
            " WHERE m.story_id = ? ORDER BY a.seq", (story_id,)).fetchall()
        if not rows and not self.db.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone():
            raise UnknownStoryError(f"no story {story_id!r} in {self.path}; `storydiff stories` lists them")
        return [r[0] for r in rows]

    def resolve_story(self, prefix: str) -> str:
        """A story id from its full id or an unambiguous prefix; the id of a story that was merged
        away resolves to the story its articles went to."""
        return self.find_story(prefix)[0]

    def find_story(self, prefix: str) -> tuple[str, bool]:
        """`resolve_story`, and whether the id was reached through an alias (a story merged away)."""
        rows = self._ids_like("SELECT id FROM stories", "id", prefix)
        if prefix in rows:
            return prefix, False
        if len(rows) == 1:
            return rows[0], False
        if rows:
            raise UnknownStoryError(f"{prefix!r} matches {len(rows)} stories ({_some(rows)}); give more of the id")
        aliases = self._ids_like("SELECT old_id FROM story_aliases", "old_id", prefix)
        if len(aliases) > 1 and prefix not in aliases:
            raise UnknownStoryError(f"{prefix!r} matches {len(aliases)} former stories ({_some(aliases)}); "
                                    "give more of the id")
        story_id, seen = (prefix if prefix in aliases else aliases[0]) if aliases else None, set()
        while story_id is not None and story_id not in seen:  # an alias may point at a later alias
            if self.db.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone():
                return story_id, True
            seen.add(story_id)
            row = self.db.execute("SELECT story_id FROM story_aliases WHERE old_id = ?", (story_id,)).fetchone()
            story_id = row[0] if row else None
        raise UnknownStoryError(f"no story {prefix!r} in {self.path}; `storydiff stories` lists them")

    def _ids_like(self, select: str, column: str, prefix: str) -> list[str]:
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return [r[0] for r in self.db.execute(f"{select} WHERE {column} = ? OR {column} LIKE ? ESCAPE '\\'",
                                              (prefix, pattern))]

    def record_edit(self, kind: str, story_id: str, other_story_id: str | None, article_ids: list[str],
                    anchor: str | None = None) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO story_edits (kind, story_id, other_story_id, articles_json, anchor_article, at)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       (kind, story_id, other_story_id, json.dumps(article_ids), anchor, now()))

    def edits(self) -> list[dict]:
        rows = self.db.execute("SELECT id, kind, story_id, other_story_id, articles_json, anchor_article, at"
                               " FROM story_edits ORDER BY id")
        return [{"id": i, "kind": k, "story_id": s, "other_story_id": o, "articles": json.loads(a),
                 "anchor": anchor, "at": at} for i, k, s, o, a, anchor, at in rows]

    # --- near-duplicates ----------------------------------------------------------------

    def mark_copies(self, copies: dict[str, str], method: str) -> None:
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO duplicates (article_id, copy_of, method) VALUES (?, ?, ?)",
                           [(a, b, method) for a, b in copies.items()])

    def copies(self) -> dict[str, str]:
        """article id -> id of the original it copies."""
        return dict(self.db.execute("SELECT article_id, copy_of FROM duplicates"))

    # --- claims and comparisons ---------------------------------------------------------

    def put_claims(self, article_id: str, stage_version: str, claims_json: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO claims (article_id, stage_version, claims_json) VALUES (?, ?, ?)",
                       (article_id, stage_version, claims_json))

    def cached_comparison(self, story_id: str, mhash: str, versions: dict) -> dict | None:
        row = self.db.execute(
            "SELECT report_json FROM comparisons WHERE story_id = ? AND members_hash = ? AND versions_hash = ?",
            (story_id, mhash, _versions_hash(versions))).fetchone()
        return json.loads(row[0]) if row else None

    def put_comparison(self, story_id: str, mhash: str, versions: dict, report: dict) -> None:
        with self.transaction() as db:
            # Older results for this story are stale once its members or stages change.
            db.execute("DELETE FROM comparisons WHERE story_id = ?", (story_id,))
            db.execute("INSERT OR REPLACE INTO comparisons (story_id, members_hash, versions_hash, versions_json,"
                       " report_json, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                       (story_id, mhash, _versions_hash(versions), json.dumps(versions, sort_keys=True),
                        json.dumps(report, ensure_ascii=False), now()))

    def source_groups(self, story_id: str, mhash: str, versions: dict) -> list[list[str]] | None:
        row = self.db.execute(
            "SELECT groups_json FROM source_groups WHERE story_id = ? AND members_hash = ? AND versions_hash = ?",
            (story_id, mhash, _versions_hash(versions))).fetchone()
        return json.loads(row[0]) if row else None

    def put_source_groups(self, story_id: str, mhash: str, versions: dict, groups: list[list[str]]) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO source_groups (story_id, members_hash, versions_hash, groups_json,"
                       " created_at) VALUES (?, ?, ?, ?, ?)",
                       (story_id, mhash, _versions_hash(versions), json.dumps(groups), now()))

    def comparison_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM comparisons").fetchone()[0]


def _versions_hash(versions: dict) -> str:
    return hashlib.sha256(json.dumps(versions, sort_keys=True).encode()).hexdigest()[:16]


def _some(ids: list[str], shown: int = 5) -> str:
    """The first ids in full, with "…" only when there are more."""
    return ", ".join(ids[:shown]) + (", …" if len(ids) > shown else "")
