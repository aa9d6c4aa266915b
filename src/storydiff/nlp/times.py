"""Dates, clock times, weekdays and relative days, with normalised values.

Durations ("just over an hour") are quantities; see quantities.py.
"""

from __future__ import annotations

import re

from ..model import TimeMention

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november december".split()
    )
}
_MONTH_ABBR = {m[:3]: n for m, n in _MONTHS.items()} | {"sept": 9}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
CALENDAR_NAMES = frozenset(_MONTHS) | frozenset(_WEEKDAYS)  # lower-case month and weekday names

_PATTERNS: list[tuple[str, re.Pattern]] = [
    # "October 7, 2023", "October 7", "Oct. 7"
    ("date_mdy", re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>(?:19|20)\d\d))?\b")),
    # "7 October 2023", "7 October"
    ("date_dmy", re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH})(?:,?\s+(?P<year>(?:19|20)\d\d))?\b")),
    ("date_iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")),
    # "5 p.m.", "5:30pm", "17:00 GMT"; "6: 00 p.m." as some copy spaces it, not "00 p.m."
    ("clock", re.compile(r"\b(?P<hour>\d{1,2})(?::\s?(?P<minute>\d\d))?\s*(?P<ampm>[ap]\.?m\.?)(?=\W|$)", re.I)),
    ("clock24", re.compile(r"\b(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)\b(?!\s*[ap]\.?m)", re.I)),
    ("weekday", re.compile(r"\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    ("relative", re.compile(r"\b(?P<rel>yesterday|today|tomorrow|last night|this morning|tonight)\b", re.I)),
    ("year", re.compile(r"\b(?:in|since|of|by|until)\s+(?P<year>(?:19|20)\d\d)\b")),
]


def _month_number(name: str) -> int:
    key = name.lower().rstrip(".")
    return _MONTHS.get(key) or _MONTH_ABBR[key[:4] if key.startswith("sept") else key[:3]]


def _normalise(kind: str, m: re.Match) -> tuple[str, str]:
    g = m.groupdict()
    if kind.startswith("date"):
        month = int(g["month"]) if kind == "date_iso" else _month_number(g["month"])
        year = g.get("year")
        day = int(g["day"])
        value = f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
        return "date", value
    if kind == "year":
        return "date", g["year"]
    if kind == "clock":
        hour = int(g["hour"]) % 12 + (12 if g["ampm"].lower().startswith("p") else 0)
        return "time", f"{hour:02d}:{int(g['minute'] or 0):02d}"
    if kind == "clock24":
        return "time", f"{int(g['hour']):02d}:{g['minute']}"
    if kind == "weekday":
        return "weekday", g["weekday"].lower()
    return "relative", g["rel"].lower()


def extract_times(text: str, offset: int = 0) -> list[TimeMention]:
    """Every time expression in `text`, longest first where they overlap."""
    found: list[TimeMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if kind == "year":
                start = m.start("year")
            if any(start < e and s < end for s, e in taken):
                continue
            mention_kind, value = _normalise(kind, m)
            taken.append((start, end))
            found.append(TimeMention(text[start:end], offset + start, offset + end, mention_kind, value))
    return sorted(found, key=lambda t: t.start)


def same_time(a: TimeMention, b: TimeMention) -> bool | None:
    """True/False when comparable, None when the two cannot be compared."""
    if a.kind != b.kind or a.value is None or b.value is None:
        return None
    if a.kind == "date":
        # "--10-07" (no year) matches "2023-10-07"; a bare year matches its dates.
        va, vb = a.value, b.value
        if va.startswith("--") or vb.startswith("--"):
            return va[-5:] == vb[-5:]
        if len(va) == 4 or len(vb) == 4:
            return va[:4] == vb[:4]
        return va == vb
    return a.value == b.value


# Words of a dateline ("POSTED: Thu May 2, 2013 at 1: 12 PM EDT", "Updated 4: 08 p. m. ET"): a page's
# stamp, not something the article reports.
_DATELINE_WORDS = frozenset(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august "
    "september october november december mon tue tues wed thu thur thurs fri sat sun monday tuesday "
    "wednesday thursday friday saturday sunday am pm a m p gmt utc bst cet et edt est ct cdt cst pt pdt pst "
    "st nd rd th at on by posted published updated last first originally".split())


def is_dateline(line: str) -> bool:
    """True for a line made only of a date, a time and the words that stamp a page with them."""
    return all(w in _DATELINE_WORDS for w in re.findall(r"[a-z]+", line.lower()))

