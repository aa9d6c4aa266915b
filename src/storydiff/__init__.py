"""storydiff: what news sources agree on, where they conflict, and what only one says.

    >>> import storydiff
    >>> report = storydiff.compare(["a.txt", "b.html"])
    >>> [v.reason for v in report.conflicts]
"""

from .errors import InputError, StorydiffError
from .model import (
    Alignment, Article, Claim, Evidence, Interval, Quantity, Quote, Report, Sentence, Span, TimeMention, Verdict,
)
from .settings import Settings, load_settings

__all__ = [
    "compare", "compare_articles", "Article", "Claim", "Evidence", "Interval", "Quantity", "Quote", "Report",
    "Sentence", "Span", "TimeMention", "Verdict", "Alignment", "Settings", "load_settings",
    "StorydiffError", "InputError", "Corpus", "check",
]


def compare(articles_or_paths, settings: Settings | None = None) -> Report:
    """Compare articles (Article objects or paths, "-" for stdin) claim by claim."""
    from .pipeline import compare as _compare  # heavy imports only when used

    return _compare(articles_or_paths, settings)


def compare_articles(articles, settings: Settings | None = None) -> Report:
    from .pipeline import compare_articles as _compare_articles

    return _compare_articles(list(articles), settings)


def check(source, derived, settings: Settings | None = None):
    """Check that `derived` says only what `source` says (each an Article, a path or the text itself).

    Returns a `consistency.CheckReport`: each derived claim supported, contradicted or
    not in source, with evidence, and an overall verdict with P(consistent).
    """
    from .consistency import check as _check

    return _check(source, derived, settings)


def __getattr__(name: str):
    # Corpus brings in the store; import it only when asked for.
    if name == "Corpus":
        from .corpus import Corpus

        return Corpus
    raise AttributeError(f"module 'storydiff' has no attribute {name!r}")
