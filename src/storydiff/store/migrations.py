"""Named, append-only schema migrations.

Each migration is a function registered under a name. `_migrations` records
the names already applied to a database file, so each runs once. Never edit
or reorder a migration once it has shipped: add a new one at the end.
`PRAGMA user_version` is set to the number of migrations applied, so the
schema version can be read from the file without storydiff.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_articles(db: sqlite3.Connection) -> None:
    db.execute("""
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,            -- ingest.article_id: content hash of the text
            text TEXT NOT NULL,
            title TEXT,
            outlet TEXT,
            published TEXT,                 -- ISO 8601 as found
            url TEXT,
            source TEXT NOT NULL,           -- first path, URL or record it was read from
            added_at TEXT NOT NULL,
            seq INTEGER NOT NULL            -- arrival order, for replaying the clusterer
        )""")
    db.execute("CREATE INDEX articles_url ON articles(url)")
    db.execute("CREATE UNIQUE INDEX articles_seq ON articles(seq)")


@migration
def m002_claims_embeddings(db: sqlite3.Connection) -> None:
    db.execute("""
        CREATE TABLE claims (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            stage_version TEXT NOT NULL,
            claims_json TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE embeddings (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            model TEXT NOT NULL,            -- embedder name + stage version that made it
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,           -- float32, little-endian
            entities_json TEXT NOT NULL,    -- the other story signals, so the clusterer
            figures_json TEXT NOT NULL,     -- can be restored without re-reading texts
            published TEXT
        )""")


@migration
def m003_stories(db: sqlite3.Connection) -> None:
    db.execute("""
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            origin TEXT NOT NULL DEFAULT 'cluster'   -- cluster | split
        )""")
    db.execute("""
        CREATE TABLE story_members (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            story_id TEXT NOT NULL REFERENCES stories(id),
            manual INTEGER NOT NULL DEFAULT 0,       -- 1: placed by a merge or split
            assigned_at TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX story_members_story ON story_members(story_id)")
    db.execute("""
        CREATE TABLE story_edits (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
            story_id TEXT NOT NULL,         -- merge: the story kept; split: the new story
            other_story_id TEXT,            -- merge: the story absorbed; split: the story split
            articles_json TEXT NOT NULL,    -- merge: absorbed members; split: the articles moved
            anchor_article TEXT,            -- merge: a member of the kept story
            at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE duplicates (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            copy_of TEXT NOT NULL REFERENCES articles(id),
            method TEXT NOT NULL
        )""")


@migration
def m004_comparisons(db: sqlite3.Connection) -> None:
    db.execute("""
        CREATE TABLE comparisons (
            story_id TEXT NOT NULL,
            members_hash TEXT NOT NULL,     -- sha256 of the sorted member ids compared
            versions_hash TEXT NOT NULL,    -- sha256 of the stage and model versions
            versions_json TEXT NOT NULL,
            report_json TEXT NOT NULL,      -- report.to_dict()
            created_at TEXT NOT NULL,
            PRIMARY KEY (story_id, members_hash, versions_hash)
        )""")


@migration
def m005_article_source_index(db: sqlite3.Connection) -> None:
    # feeds skip entries already stored under their link, looked up by source
    db.execute("CREATE INDEX articles_source ON articles(source)")


@migration
def m006_source_groups(db: sqlite3.Connection) -> None:
    # provenance's grouping of a story's members into independent sources (a wire story and its
    # rewrites are one group), kept so the story list can count sources without tracing again
    db.execute("""
        CREATE TABLE source_groups (
            story_id TEXT PRIMARY KEY,
            members_hash TEXT NOT NULL,     -- sha256 of the sorted member ids traced
            versions_hash TEXT NOT NULL,    -- provenance stage and the settings it read
            groups_json TEXT NOT NULL,      -- [[article id, ...], ...]
            created_at TEXT NOT NULL
        )""")


@migration
def m007_minhash_signatures(db: sqlite3.Connection) -> None:
    # each article's MinHash, so a process resuming the corpus rebuilds the near-copy index without
    # hashing every stored text again (articles stored before this are hashed from their text)
    db.execute("""
        CREATE TABLE minhashes (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            params TEXT NOT NULL,           -- DuplicateFinder.params: scheme, permutations, shingle size
            hashvalues BLOB NOT NULL        -- num_perm unsigned 32-bit integers, little-endian
        )""")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def applied(db: sqlite3.Connection) -> list[str]:
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'").fetchone()
    if not exists:
        return []
    return [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY id")]


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet recorded, all in one transaction; return their names.

    BEGIN IMMEDIATE takes the write lock first, so two processes opening a
    new file at once cannot both apply the same migration.
    """
    done: list[str] = []
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("""CREATE TABLE IF NOT EXISTS _migrations (
            id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, applied_at TEXT NOT NULL)""")
        seen = set(applied(db))
        for name, fn in MIGRATIONS:
            if name in seen:
                continue
            fn(db)
            db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, now()))
            done.append(name)
        count = db.execute("SELECT count(*) FROM _migrations").fetchone()[0]
        db.execute(f"PRAGMA user_version = {int(count)}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return done


@migration
def m008_story_aliases(db: sqlite3.Connection) -> None:
    # a story id that stopped existing (its articles merged into another story, by hand, by the
    # clusterer's refinement or by re-clustering) and the story most of them went to, so saved ids,
    # links and notes keep resolving
    db.execute("""
        CREATE TABLE story_aliases (
            old_id TEXT PRIMARY KEY,
            story_id TEXT NOT NULL,         -- may itself be an alias by now: follow the chain
            at TEXT NOT NULL
        )""")
