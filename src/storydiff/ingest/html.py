"""HTML page -> article text and metadata, via trafilatura, keeping the reason a page is dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from trafilatura.settings import set_date_params
from trafilatura.utils import load_html

from ..errors import NoArticleTextError

_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"  # optional XML declaration and comments
    r"<(?:!doctype\s+html|html|head|body|meta|title|article|main|div|p|h[1-6])[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_HAS_DOCUMENT = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)
_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")

# A line of prose has at least this many words; menus, buttons and link
# lists are mostly shorter, so they do not count towards min_article_chars.
_PROSE_MIN_WORDS = 5
_HOW_TO_FIX = "save the complete page, or pass the article text as a .txt file"


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None


def looks_like_html(text: str, name: str = "") -> bool:
    if _HTML_START.match(text[:4096]):
        return True
    return name.lower().endswith(_HTML_SUFFIXES) and text.lstrip().startswith("<")


def prose_chars(text: str) -> int:
    return sum(len(line.strip()) for line in text.splitlines() if len(line.split()) >= _PROSE_MIN_WORDS)


def _visible_chars(tree) -> int:
    texts = tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
    return len(" ".join(" ".join(texts).split()))


def extract_html(source: str, html: str, min_chars: int, needed: str | None = None) -> Extracted:
    """Extract the main text; raise NoArticleTextError saying why when there is none.

    `needed` says where `min_chars` comes from, for the message."""
    if not _HAS_DOCUMENT.search(html[:65536]):
        # trafilatura rejects a bare fragment ("<p>..</p>") as not-quite-HTML.
        html = f"<html><body><div>{html}</div></body></html>"
    tree = load_html(html)
    if tree is None:
        raise NoArticleTextError(source, f"could not be parsed as an HTML page; {_HOW_TO_FIX}")
    try:
        # Precision over recall: boilerplate that slips through becomes
        # spurious claims. Dates come from the page's metadata only; a date
        # guessed from the body text is often an event date, not publication.
        doc = trafilatura.bare_extraction(
            tree,
            with_metadata=True,
            include_comments=False,
            favor_precision=True,
            date_extraction_params=set_date_params(extensive=False),
        )
    except Exception as err:  # one bad page must not stop the other inputs
        raise NoArticleTextError(
            source, f"HTML extraction failed ({type(err).__name__}: {err}); {_HOW_TO_FIX}"
        ) from err
    # bare_extraction returns None without a reason; with our options the
    # only way there is "not enough text", so we say that, with numbers.
    text = (doc.text or "").strip() if doc is not None else ""
    prose = prose_chars(text)
    if prose < min_chars:
        needed = needed or f"at least {min_chars} needed, [ingest] min_article_chars"
        found = f"only {prose} characters of article text" if prose else "no article text"
        raise NoArticleTextError(
            source,
            f"{found} found in this HTML page ({needed}; "
            f"the page has {_visible_chars(tree)} characters of visible text in all); it may be truncated, "
            f"hold only menus and links, or be built by JavaScript; {_HOW_TO_FIX}",
        )
    return Extracted(
        text=text,
        title=doc.title or None,
        outlet=doc.sitename or doc.hostname or None,
        published=doc.date or None,
        url=doc.url or None,
    )
