"""RSS/Atom feeds and OPML feed lists -> the articles they point to.

    sniff(data) -> "opml" | "feed" | None
    opml_feed_urls(source, data) -> [feed URL, ...]
    feed_entries(source, data) -> [FeedEntry, ...]
    entry_article(entry, settings) -> Article     (the entry's own text when it is the full
                                                   article, else its link, fetched)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urljoin

import feedparser

from ..errors import FormatError, InputError, NoArticleTextError
from ..model import Article
from ..settings import Settings
from .html import extract_html, prose_chars

__all__ = ["FeedEntry", "sniff", "opml_feed_urls", "feed_entries", "entry_article"]

_XML_HEAD = re.compile(rb"^\s*(?:\xef\xbb\xbf)?(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?<([A-Za-z:]+)",
                       re.DOTALL)


@dataclass(frozen=True)
class FeedEntry:
    source: str  # "entry N of FEED"
    link: str | None
    title: str | None
    published: str | None
    outlet: str | None  # the feed's title
    content: str | None  # the entry's own HTML or text, when the feed carries it


def sniff(data: bytes) -> str | None:
    """'opml' or 'feed' from the document's root element; None for anything else."""
    match = _XML_HEAD.match(data[:4096])
    if not match:
        return None
    root = match.group(1).split(b":")[-1].lower()
    if root == b"opml":
        return "opml"
    if root in (b"rss", b"feed", b"rdf"):
        return "feed"
    return None


def opml_feed_urls(source: str, data: bytes) -> list[str]:
    """The xmlUrl of every outline, in order, resolved against `source` when it is a URL."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        raise FormatError(source, f"is not a valid OPML file ({err})") from None
    urls = [o.get("xmlUrl") or o.get("xmlurl") for o in root.iter("outline")]
    urls = [urljoin(source, u.strip()) if "://" in source else u.strip() for u in urls if u and u.strip()]
    if not urls:
        raise FormatError(source, "is an OPML file that lists no feeds (no outline with an xmlUrl)")
    return list(dict.fromkeys(urls))


def feed_entries(source: str, data: bytes) -> list[FeedEntry]:
    parsed = feedparser.parse(data)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise FormatError(source, f"is not a readable RSS or Atom feed ({reason or 'no entries'})")
    outlet = parsed.feed.get("title") or None
    entries = []
    for n, e in enumerate(parsed.entries, 1):
        content = None
        if e.get("content"):
            content = max((c.get("value") or "" for c in e.content), key=len) or None
        if not content or len(content) < len(e.get("summary") or ""):
            content = e.get("summary") or content
        link = e.get("link")
        if link and "://" in source:
            link = urljoin(source, link)
        entries.append(FeedEntry(source=f"entry {n} of {source}", link=link, title=e.get("title") or None,
                                 published=e.get("published") or e.get("updated") or None, outlet=outlet,
                                 content=content))
    return entries


def _content_text(entry: FeedEntry, min_chars: int) -> str | None:
    """The entry's text when the feed carries the full article, else None."""
    if not entry.content:
        return None
    if "<" in entry.content:
        try:
            text = extract_html(entry.source, entry.content, min_chars).text
        except NoArticleTextError:
            return None
    else:
        text = entry.content.strip()
    return text if prose_chars(text) >= min_chars else None


def entry_article(entry: FeedEntry, settings: Settings) -> Article:
    """The entry's article: its own content when that is full text, else its link fetched and read."""
    from . import load, make_article, text_limits

    full = _content_text(entry, settings.get("fetch", "feed_full_text_chars"))
    if full is not None:
        text_limits(settings).check_text(entry.source, full)
        return make_article(full, entry.link or entry.source, title=entry.title, outlet=entry.outlet,
                            published=entry.published, url=entry.link)
    if not entry.link:
        raise InputError(entry.source, "has only a short summary and no link to the full article")
    articles = load(entry.link, settings)
    if len(articles) != 1:
        raise InputError(entry.link, f"held {len(articles)} articles; a feed entry should link to one page")
    a = articles[0]
    return Article(id=a.id, text=a.text, source=a.source, title=a.title or entry.title,
                   outlet=a.outlet or entry.outlet, published=a.published or entry.published,
                   url=a.url or entry.link)
