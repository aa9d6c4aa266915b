"""Hedge-aware quantity reader: "at least 95 Palestinians" -> [95, inf).

News figures are rarely exact. Two reports agree when "at least 57,575"
and "over 57,500" can both be true, and conflict when "just over an hour"
and "about two hours" cannot. So every figure is read into an `Interval`
whose width says how much the words commit to: the hedge ("nearly",
"some"), the precision of the numeral (a round 600,000 is vaguer than
1,139) and vague counts ("dozens", "several hours").

Pure regex scanning with precompiled patterns: no model is loaded here. A
spaCy `Doc` or `Span`, when the caller has one, only refines `thing` and
`predicate` from the dependency tree.

Hedge table (normalised `hedge` -> interval around the written figure N;
`m` is the "about" margin and `near` the "just over/nearly" margin, see
`_about_margin` and `_near_margin`):

    exactly     exactly, precisely                        [N, N]
    at least    at least, no fewer/less than, N or more,  [N, inf)
                N+, a minimum of
    more than   more than, over, above, in excess of,     (N, inf)
                upwards of, greater than
    at most     at most, up to, no more than, as many as, [0, N]
                a maximum of, N or fewer
    less than   fewer than, less than, under, below       [0, N)
    just over   just over, slightly more than, a little   (N, N + near]
                over, just above
    nearly      nearly, almost, just under, close to,     [N - near, N)
                just shy of, slightly less than
    well over   well over, well above, far more than      (1.1 N, inf)
    about       about, around, approximately, roughly,    [N - m, N + m]
                some, an estimated, estimated, circa, ~,
                N or so, in the region of
    between     between N and M, from N to M, N-M,        [N, M]
                N to M, N or M
    within      in, within, over the past/last/next,      (0, N]   durations only:
                in the past/last/next                              a window, not a length

Vague counts (value = midpoint; an unhedged vague count is its whole range):

    a couple of [2, 3]      a few      [2, 5]      a handful   [2, 6]
    several     [3, 9]      dozens     [24, 99]    scores of   [40, 199]
    hundreds    [200, 999]  thousands  [2000, 9999]
    tens of thousands       [20000, 99999]
    hundreds of thousands   [200000, 999999]
    millions    [2e6, 9.99e6] (and "tens/hundreds of millions" likewise)

A vague count with a unit scales it: "several hours" = [180, 540] minutes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from storydiff.model import Interval, Quantity
from storydiff.nlp.times import CALENDAR_NAMES

__all__ = ["parse_quantity", "extract_quantities"]

# --- vocabulary -------------------------------------------------------------

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {
    "hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9,
    "trillion": 1e12, "dozen": 12,
    # South Asian English: "Rs 500 crore" is five billion rupees, "1.5 lakh people" 150,000
    "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7,
}
# "£5m", "$2bn": attached abbreviations. "m" and "k" mean million/thousand
# only next to a currency; "5m" alone is more often metres.
_ATTACHED_SCALES = {"bn": 1e9, "b": 1e9, "mn": 1e6, "m": 1e6, "k": 1e3}

_VAGUE = {
    "a couple": (2, 3), "a few": (2, 5), "a handful": (2, 6), "several": (3, 9),
    "dozens": (24, 99), "scores": (40, 199), "hundreds": (200, 999),
    "thousands": (2000, 9999), "millions": (2e6, 9.99e6), "billions": (2e9, 9.99e9),
    "tens of thousands": (2e4, 99999), "hundreds of thousands": (2e5, 999999),
    "tens of millions": (2e7, 9.99e7), "hundreds of millions": (2e8, 9.99e8),
}

_FRACTIONS = {
    "half": 1 / 2, "halves": 1 / 2, "third": 1 / 3, "quarter": 1 / 4, "fourth": 1 / 4,
    "fifth": 1 / 5, "sixth": 1 / 6, "seventh": 1 / 7, "eighth": 1 / 8, "ninth": 1 / 9,
    "tenth": 1 / 10,
}

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
    "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "hundredth": 100,
}

# Durations are always stored in minutes; a month is 365.25 / 12 days.
_MINUTES = {
    "second": 1 / 60, "sec": 1 / 60, "minute": 1, "min": 1, "hour": 60, "hr": 60,
    "day": 1440, "week": 10080, "fortnight": 20160, "month": 43830,
    "year": 525960, "decade": 5259600, "century": 52596000, "centurie": 52596000,
}

_CURRENCY_SYMBOLS = {
    "$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR", "₦": "NGN", "₩": "KRW", "₽": "RUB",
    "₺": "TRY", "₪": "ILS", "฿": "THB", "₱": "PHP", "₴": "UAH",
}
# Dollars of other countries, written "HK$2.5 billion" or, in Australian papers, "$US1 million" and
# "$A5 million". A prefix not listed stays a currency of its own ("J$" is "J$"): never US dollars.
_DOLLAR_PREFIXES = {
    "us": "USD", "a": "AUD", "au": "AUD", "c": "CAD", "ca": "CAD", "nz": "NZD", "hk": "HKD",
    "s": "SGD", "sg": "SGD", "nt": "TWD", "r": "BRL", "mex": "MXN",
}
# Codes and abbreviations written before the amount: "CHF 20 million", "Rs 500 crore", and the older
# AP style "euro110 billion".
_CURRENCY_CODES = {
    "usd": "USD", "eur": "EUR", "gbp": "GBP", "jpy": "JPY", "chf": "CHF", "cny": "CNY", "rmb": "CNY",
    "inr": "INR", "rs": "INR", "rs.": "INR", "aud": "AUD", "cad": "CAD", "nzd": "NZD", "hkd": "HKD",
    "sgd": "SGD", "zar": "ZAR", "ngn": "NGN", "kes": "KES", "ksh": "KES", "rub": "RUB", "try": "TRY",
    "sek": "SEK", "nok": "NOK", "dkk": "DKK", "pln": "PLN", "brl": "BRL", "mxn": "MXN", "aed": "AED",
    "sar": "SAR", "euro": "EUR",
}
_CURRENCY_WORDS = {
    "dollar": "USD", "euro": "EUR", "pound": "GBP", "sterling": "GBP", "yen": "JPY",
    "yuan": "CNY", "renminbi": "CNY", "rupee": "INR", "usd": "USD", "eur": "EUR", "gbp": "GBP",
    "shekel": "ILS", "rouble": "RUB", "ruble": "RUB", "rand": "ZAR", "naira": "NGN", "ringgit": "MYR",
    "baht": "THB", "rupiah": "IDR", "hryvnia": "UAH", "zloty": "PLN", "dirham": "AED", "riyal": "SAR",
    "lira": "TRY", "lire": "TRY",
    # several countries' coins share these names: the word is the unit
    "franc": "franc", "peso": "peso", "dinar": "dinar", "krona": "krona", "krone": "krone",
    "shilling": "shilling",
}
_MEASURES = {
    "mile": "mile", "km": "km", "kilometre": "km", "kilometer": "km", "metre": "m",
    "meter": "m", "m": "m", "ft": "ft", "feet": "ft", "foot": "ft", "inch": "inch",
    "ins": "inch", "in": "inch", "kg": "kg", "kilogram": "kg", "ton": "ton", "tonne": "ton",
    "lb": "lb", "lbs": "lb", "mph": "mph", "acre": "acre", "yard": "yard", "cm": "cm",
    "mm": "mm", "nautical mile": "nautical mile", "litre": "litre", "liter": "litre", "gallon": "gallon", "barrel": "barrel",
}

_HEDGES = {
    "exactly": "exactly", "precisely": "exactly",
    "at least": "at least", "no fewer than": "at least", "no less than": "at least",
    "not less than": "at least", "a minimum of": "at least",
    "more than": "more than", "over": "more than", "above": "more than",
    "in excess of": "more than", "upwards of": "more than", "greater than": "more than",
    "at most": "at most", "up to": "at most", "no more than": "at most",
    "not more than": "at most", "as many as": "at most", "a maximum of": "at most",
    "fewer than": "less than", "less than": "less than", "under": "less than",
    "below": "less than",
    "just over": "just over", "slightly more than": "just over", "a little over": "just over",
    "a little more than": "just over", "just above": "just over", "slightly over": "just over",
    "just more than": "just over",
    "just under": "nearly", "nearly": "nearly", "almost": "nearly", "close to": "nearly",
    "just shy of": "nearly", "slightly less than": "nearly", "a little under": "nearly",
    "just below": "nearly", "slightly fewer than": "nearly",
    "well over": "well over", "well above": "well over", "far more than": "well over",
    "well in excess of": "well over",
    "about": "about", "around": "about", "approximately": "about", "approx.": "about",
    "roughly": "about", "some": "about", "an estimated": "about", "estimated": "about",
    "circa": "about", "c.": "about", "~": "about", "in the region of": "about",
    "between": "between", "from": "between",
    "in": "within", "within": "within", "over the past": "within", "over the last": "within",
    "over the next": "within", "in the past": "within", "in the last": "within",
    "in the next": "within", "during the past": "within", "during the last": "within",
    # "completed his first 17 passes": a part of the whole count, so the whole is at least that;
    # "in the first 10 minutes" is a span like "in the last".
    "first": "at least", "in the first": "within", "within the first": "within", "during the first": "within",
}
_SUFFIX_HEDGES = {
    "or more": "at least", "or above": "at least", "plus": "at least", "+": "at least",
    "or so": "about", "or thereabouts": "about", "or fewer": "at most", "or less": "at most",
}

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|May|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)

# Words that end a noun phrase when guessing `thing` without a parse.
_STOP = frozenset(
    """a an the of in on at to for from by with and or but as than that which who
    were was are is be been being will would could should may might have has had
    said says say told more less over under about into out up down this these those
    it its their his her our your they he she we you i not no so if when while after
    before during since per each every all some any other such only also just very
    between among across through until against last next ago earlier later""".split()
)

# --- patterns ---------------------------------------------------------------


def _alternation(words) -> str:
    """Longest first, so "just over" wins over "over"."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_UNIT_WORDS = _alternation([*_MINUTES, "hrs", "mins", "secs"])
# "a second" is nearly always the ordinal ("a second time"), so it is no length.
_ARTICLE_UNITS = _alternation(u for u in _MINUTES if u not in ("second", "sec", "min"))
_W_SMALL = _alternation(_SMALL)
_W_TENS = _alternation(_TENS)
_WORD_NUMBER = (
    rf"(?:(?:{_W_TENS})(?:[-\s](?:{_alternation(k for k, v in _SMALL.items() if 0 < v < 10)}))?"
    rf"|{_W_SMALL})\b(?:\s+hundred(?:\s+and\s+(?:{_W_TENS}|{_W_SMALL})\b(?:-(?:{_W_SMALL})\b)?)?)?"
)
_FRACTION_WORDS = _alternation(_FRACTIONS)

# Currencies written in letters against the digits ("$US1 million", "euro110 billion", "Rs500", "KSh5"):
# the letters before such a number are no code ("G7"). Python's look-behinds take one width each.
_LETTER_CURRENCIES = (r"\$[A-Z]", r"\$[A-Z]{2}", r"\$[A-Z]{3}", "euro", "Rs", "Ksh", "KSh")
_AFTER_LETTER_CURRENCY = "|".join(f"(?<={c})" for c in _LETTER_CURRENCIES)

_CORE = re.compile(
    # Every figure starts a word (a digit after a letter is a code: "G7"); the
    # lookarounds reject mid-word positions before the long alternation runs.
    rf"""
    (?:(?<![A-Za-z])(?=[\dA-Za-z])|(?:{_AFTER_LETTER_CURRENCY})(?=\d))
    (?:
    (?P<rate>(?:one|1)\s+in\s+(?:every\s+)?(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{_W_TENS}|{_W_SMALL})\b)
  | (?P<fraction>
        (?:a|one|two|three|four|five|six|seven|eight|nine)[\s-](?:{_FRACTION_WORDS})s?\b(?!-)
      | half(?=\s+(?:of|the|its|their|his|her|our|all|them|those|these)\b)
    )
  | (?P<half>half\s+an?)(?=\s+(?:dozen|hundred|thousand|million|billion|{_UNIT_WORDS})\b)
  | (?P<vague>(?:a\s+couple|scores)(?=\s+of\b)|(?:{_alternation(k for k in _VAGUE if k not in ("a couple", "scores"))})\b)
  | (?P<article>an?)(?=\s+(?:dozen|hundred|thousand|million|billion|{_ARTICLE_UNITS})\b)
  | (?P<ordinal>\d+(?:st|nd|rd|th)\b|(?:{_alternation(_ORDINALS)})\b)
  | (?P<digits>(?:(?<![\d.,])|(?<=Rs\.))(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?)
  | (?P<words>\b{_WORD_NUMBER})
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
_SCALE = re.compile(r"(?:\s*-?\s*(?:hundred|thousand|million|billion|trillion|dozen|lakhs?|crores?)\b)+", re.I)
_ATTACHED = re.compile(r"(bn|mn|m|k|b)(?![\w])", re.I)
_AND_A_HALF = re.compile(r"\s+and\s+a\s+half\b", re.I)
# "$160 million over eight years", "14 points over three games": after an amount, "over" spreads it
# across a span; it does not mean "more than".
_AMOUNT_BEFORE = re.compile(r"(?:\d|\b(?:hundred|thousand|million|billion|trillion|bn|percent|points?))[\s,)]*$", re.I)
_HEDGE_LEFT = re.compile(rf"(?<![\w])({_alternation(_HEDGES)})\s*$", re.I)
_CURRENCY_LEFT = re.compile(
    r"(?:(?<![A-Za-z])(?P<before>[A-Z]{1,3}|Mex)\$"
    rf"|\$(?P<after>{_alternation(k.upper() for k in _DOLLAR_PREFIXES)})"
    rf"|(?<![A-Za-z])(?P<code>{_alternation(k.upper() for k in _CURRENCY_CODES if len(k) == 3)}|Rs\.?|Ksh|KSh)\s?"
    r"|(?<![A-Za-z])(?P<attached>euro)"  # attached only: "Euro 2016" is a football championship
    rf"|(?P<symbol>[{''.join(_CURRENCY_SYMBOLS)}])\s?)$"
)
_LETTER_CURRENCY = re.compile(f"(?:{'|'.join(_LETTER_CURRENCIES)})$")
_CURRENCY_LEFT_REACH = 6  # characters before a figure where its currency may start: "$US", "CHF ", "euro"
_CURRENCY_AGAIN = re.compile(rf"(?:[A-Z]{{0,3}}\$(?:[A-Z]{{1,3}}(?=\d))?|[{''.join(_CURRENCY_SYMBOLS)}])\s?")
_RANGE_SEP = re.compile(r"\s*(?:-|–|—|\bto\b|\bor\b)\s*(?=\S)", re.I)
_AND_SEP = re.compile(r"\s+and\s+", re.I)
_AGE = re.compile(r"[\s-]+years?[\s-]+olds?\b", re.I)
_DURATION = re.compile(rf"[\s-]*({_UNIT_WORDS})(s)?\b", re.I)
_PERCENT = re.compile(r"\s*(%|per\s*cent\b|percentage\s+points?\b)", re.I)
_CURRENCY_RIGHT = re.compile(rf"\s+(?:US\s+)?({_alternation(_CURRENCY_WORDS)})s?\b", re.I)
_MEASURE = re.compile(rf"[\s-]*({_alternation(_MEASURES)})s?(?![\w])", re.I)
_SUFFIX = re.compile(rf"\s*({_alternation(_SUFFIX_HEDGES)})(?![\w])", re.I)
_CLOCK = re.compile(
    r"\s*(?:[ap]\.\s?m\.|[ap]m\b|o'clock\b)|\s?:\s?\d\d(?!\d)|h\d\d\b|\.\s?\d\d\s*[ap]\.?\s?m\b", re.I
)
# "about 2045 GMT", "1100 hrs IST": a zone after the figure makes it a clock time.
_TIME_ZONE = re.compile(r"\s*(?:GMT|BST|IST|EST|EDT|CST|PST|PDT|CET|CEST|UTC|local\s+time)\b")
_DATE_BEFORE = re.compile(rf"(?<![\w]){_MONTH}\s+$", re.I)
_DATE_AFTER = re.compile(rf"(?:st|nd|rd|th)?,?\s+(?:of\s+)?{_MONTH}", re.I)
_PHONE = re.compile(
    r"\+\d[\d\s().-]{6,}\d"  # +44 20 7946 0958
    r"|\(?\b0\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b"  # 020 7946 0958
    r"|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|\b\d{3}-\d{4}\b"  # (555) 123-4567, 555-1234
)
_AGED = re.compile(r"\baged\s+$", re.I)
# "Brian Nichols, 37, was found guilty", "killing Benjamin David Banky, 40.": a number set off by commas
# after a name is the person's age, not a count of what the clause is about.
_NAME_COMMA = re.compile(r"\b([A-Z][a-z'’.-]+),\s*$")
_APPOSITION_END = re.compile(r"\s*(?:,|;|\)|\.(?:\s|$)|$)")
_WORD_AFTER = re.compile(r"\s*([A-Za-z][A-Za-z'’-]*)")
_OF = re.compile(r"\s+of(?:\s+the)?\b", re.I)
_RATE = re.compile(
    r"(?:\d\S*\s+\w+s|\d\S*|\b(?:million|billion|thousand|twice|once|thrice|times|per))\s+$|-$", re.I
)
_AFTER_CLAUSE_BREAK = re.compile(r"[,;:]\s*$")
# "2,129 points -- 13 more than Rodney Buford": a difference between two figures, no amount of its own.
_DIFFERENCE = re.compile(r"\s+(?:more|fewer|less)\s+(?:[a-z]+\s+)?than\b", re.I)
# "two more times", "two other rifles", "a further 20 deaths": ones besides those already counted, not a total
_BESIDES = re.compile(r"\s+(?:more|other|additional|further|extra)\b(?!\s+(?:[a-z]+\s+)?than\b)", re.I)
_BESIDES_BEFORE = re.compile(r"\b(?:a\s+further|another|an\s+additional|an\s+extra)\s+$", re.I)
# "Week 17", "Flight 447", "Interstate 75", "No. 1", "IE 8": the number names a thing, it counts nothing.
# Lower-case only for words that are rarely anything else before a number ("the game 13 - 13" is a score).
_LABEL_BEFORE = re.compile(
    r"(?<![\w.])(?:[Ww]eeks?|[Ff]lights?|[Rr]oute|[Nn]umber|[Nn]o\.|Nos\.|[Jj]ersey|[Ii]nterstate|[Hh]ighway"
    r"|[Rr]oom|[Gg]ate|[Cc]hapter|Games?|Round|Day|Stage|Season|Episode|Series|Section|Article|Division|Class"
    r"|Phase|Part|Channel|Ch\.|Terminal|Platform|Line|Lane|Pier|Exit|Unit|Ward|District|Precinct|Station"
    r"|Studio|Track|Bus|Apollo|Boeing|Airbus|Version|Explorer|IE|Windows|Firefox|Server|Pack|Vol\.|Volume)\s+$"
)
# "IE 6, 7, 8, and 9", "Explorer 8 and 9": a list of labels after the first.
_LABEL_LIST = re.compile(r"(?:\s*,\s*\d+(?:\.\d+)?)*,?\s+(?:and|or|&)\s+\d+(?:\.\d+)?(?![\w])")
_NOT_ONE = re.compile(r"\b(?:no|the|this|that|any|every|each)\s+$", re.I)
_NOT_ONE_AFTER = re.compile(r"\s+(?:of|another|by\s+one)\b", re.I)
# "the one-year anniversary", "this one-day strike": a measure, though "the one" alone is no count.
_ONE_MEASURE = re.compile(r"-(?:years?|months?|weeks?|days?|nights?|hours?|minutes?|seconds?)\b", re.I)
_NOT_ORDINAL = re.compile(r"\bat\s+$|^(?:-hand|-party|\s+of\s+all|\s+world)", re.I)


@dataclass
class _Figure:
    """A numeral as written, before hedge and unit: value in the written unit."""

    value: float
    precision: float  # place value of the last significant digit
    sig: int  # significant digits as written
    low: float  # base range: a point, or a vague count's range
    high: float
    form: str  # "number", "vague", "fraction", "ordinal"
    start: int
    end: int
    scaled: bool = False
    factor: float = 1.0  # the scale word's multiplier: "30 million" -> 1e6
    word: bool = False  # written in words ("nine"), not digits


# --- reading one figure -----------------------------------------------------


def _digit_precision(digits: str) -> tuple[float, int]:
    """Place value of the last significant digit and the count of them: "1,200" -> (100, 2)."""
    plain = digits.replace(",", "")
    whole, _, decimals = plain.partition(".")
    if decimals:
        significant = (whole + decimals).lstrip("0")
        return 10.0 ** -len(decimals), max(len(significant), 1)
    stripped = whole.rstrip("0")
    if not stripped:  # "0"
        return 1.0, 1
    return 10.0 ** (len(whole) - len(stripped)), len(stripped.lstrip("0"))


def _integer_precision(value: float) -> tuple[float, int]:
    return _digit_precision(str(int(value))) if value >= 1 else (1.0, 1)


def _words_value(words: str) -> float:
    total = 0
    for part in re.split(r"[\s-]+", words.lower()):
        if part in _SMALL:
            total += _SMALL[part]
        elif part in _TENS:
            total += _TENS[part]
        elif part == "hundred":
            total *= 100
    return total


def _read_core(text: str, m: re.Match) -> _Figure | None:
    """Turn one `_CORE` match into a figure, or None when it is no figure."""
    kind = m.lastgroup
    raw = m.group(kind).lower()
    raw = re.sub(r"\s+", " ", raw)
    start, end = m.start(), m.end()
    if kind == "fraction" and (ordinal := _fraction_as_ordinal(text, raw, end)):
        return _Figure(ordinal, 1, 1, ordinal, ordinal, "ordinal", start + raw.index(" ") + 1, end)
    if kind == "fraction":
        head = re.split(r"[\s-]", raw)[-1].rstrip("s") if " " in raw or "-" in raw else raw
        count = 1 if raw.split()[0] in ("a", "half") else _SMALL.get(re.split(r"[\s-]", raw)[0], 1)
        value = count * _FRACTIONS.get(head, _FRACTIONS.get(head + "s", 0.5))
        return _Figure(value, value / 5, 1, value, value, "fraction", start, end)
    if kind == "rate":  # "one in five boys": a share, read as a fraction
        denominator = raw.split()[-1]
        value = 1 / (float(denominator.replace(",", "")) if denominator[0].isdigit() else _words_value(denominator))
        return _Figure(value, value / 5, 1, value, value, "fraction", start, end)
    if kind == "vague":
        low, high = _VAGUE[raw]
        return _Figure((low + high) / 2, low, 1, low, high, "vague", start, end)
    if kind == "ordinal":
        if _NOT_ORDINAL.search(text, 0, start) or _NOT_ORDINAL.match(text, end):
            return None
        value = _ORDINALS.get(raw) or float(re.match(r"\d+", raw).group())
        return _Figure(value, 1, 1, value, value, "ordinal", start, end)
    if kind == "half":
        return _Figure(0.5, 0.2, 1, 0.5, 0.5, "number", start, end, word=True)
    if kind == "article":
        return _Figure(1, 1, 1, 1, 1, "number", start, end, word=True)
    if kind == "digits":
        precision, sig = _digit_precision(raw)
        value = float(raw.replace(",", ""))
        return _Figure(value, precision, sig, value, value, "number", start, end)
    value = _words_value(raw)
    if value == 1 and not _ONE_MEASURE.match(text, end) and (
            _NOT_ONE.search(text, 0, start) or _NOT_ONE_AFTER.match(text, end)):
        return None  # "no one", "one of", "one another": not a count
    precision, sig = _integer_precision(value)
    return _Figure(value, precision, sig, value, value, "number", start, end, word=True)


def _fraction_as_ordinal(text: str, raw: str, end: int) -> int | None:
    """"a third term" is an ordinal, "a third of them" a fraction."""
    if not raw.startswith("a ") or raw[2:] not in _ORDINALS:
        return None
    m = _WORD_AFTER.match(text, end)
    if m and m.start(1) == end + 1 and m.group(1).islower() and m.group(1) not in _STOP:
        return _ORDINALS[raw[2:]]
    return None


def _apply_scale(text: str, fig: _Figure, money: bool) -> None:
    """Extend a number over "million", "and a half", "£5m": in place."""
    if fig.form != "number":
        return
    half = _AND_A_HALF.match(text, fig.end)
    if half and fig.precision >= 1:
        fig.value += 0.5
        fig.precision, fig.sig, fig.end = 0.5, fig.sig + 1, half.end()
    scale = _SCALE.match(text, fig.end)
    attached = None if fig.word else _ATTACHED.match(text, fig.end)
    factor = 1.0
    if scale:
        for word in re.findall(r"[a-z]+", scale.group().lower()):
            factor *= _SCALES[word]
        fig.end = scale.end()
    elif attached and (money or attached.group(1).lower() in ("bn", "mn")):
        factor = _ATTACHED_SCALES[attached.group(1).lower()]
        fig.end = attached.end()
    if factor != 1.0:
        fig.value *= factor
        fig.precision *= factor
        fig.low = fig.high = fig.value
        fig.scaled = True
        fig.factor = factor


def _next_figure(text: str, pos: int, money: bool) -> _Figure | None:
    """A plain number starting exactly at `pos` (the far end of a range)."""
    # a repeated symbol: "$300,000 to $600,000"
    sym = _CURRENCY_AGAIN.match(text[pos:pos + _CURRENCY_LEFT_REACH])
    if sym:
        pos += sym.end()
    m = _CORE.match(text, pos)
    if not m or m.lastgroup not in ("digits", "words"):
        return None
    fig = _read_core(text, m)
    if fig:
        _apply_scale(text, fig, money)
    return fig


# --- margins ----------------------------------------------------------------


def _about_margin(fig: _Figure, value: float) -> float:
    """Half the place value of the last significant digit, within sane bounds.

    A round figure is vaguer than a precise one: "about 600,000" is +-50,000
    but "an estimated 1,139" only +-0.5%. The floor by significant digits
    keeps "approximately 1,200" ([1150, 1250]) clear of "1,139" (+-6).
    """
    floor = {1: 0.05, 2: 0.025}.get(fig.sig, 0.005)
    n = abs(value)
    return min(max(fig.precision / 2, floor * n), 0.25 * n)


def _near_margin(fig: _Figure, value: float) -> float:
    """How far "just over"/"nearly" may stray: "just over an hour" <= 75 min."""
    n = abs(value)
    if fig.sig == 1 and n < 10:
        return 0.25 * n
    return (0.10 if fig.sig <= 2 else 0.02) * n


def _hedged(hedge: str | None, low: float, high: float, fig: _Figure) -> Interval:
    """The interval a hedge puts around [low, high] (a point unless vague/range)."""
    if hedge in (None, "exactly", "between"):
        return Interval(low, high)
    if hedge == "about":
        return Interval(low - _about_margin(fig, low), high + _about_margin(fig, high))
    if hedge == "at least":
        return Interval(low, None)
    if hedge == "more than":
        return Interval(high, None, low_open=True)
    if hedge == "well over":
        return Interval(high * 1.1, None, low_open=True)
    if hedge == "at most":
        return Interval(0.0, high)
    if hedge == "less than":
        return Interval(0.0, low, high_open=True)
    if hedge == "just over":
        return Interval(high, high + _near_margin(fig, high), low_open=True)
    if hedge == "nearly":
        return Interval(max(low - _near_margin(fig, low), 0.0), low, high_open=True)
    if hedge == "within":
        return Interval(0.0, high, low_open=True)
    raise ValueError(f"unknown hedge {hedge!r}")


def _scaled(interval: Interval, factor: float) -> Interval:
    if factor == 1:
        return interval
    return Interval(
        None if interval.low is None else interval.low * factor,
        None if interval.high is None else interval.high * factor,
        interval.low_open,
        interval.high_open,
    )


# --- units and exclusions ---------------------------------------------------


@dataclass
class _Unit:
    unit: str
    kind: str
    factor: float
    end: int
    calendar: str | None = None  # "month" or "year": a unit whose length varies, see _CALENDAR_SLACK


# Months and years vary in length, and news counts a month as 30 days and a year as 52 weeks: "a
# three-month stay" and "a 90-day stay" are one stay, and so are "six months" and "180 days". So n
# months (n * 30.44 days on average) run down to n * 30 days, and at least 2.5 days short (February),
# and up to 1.5 days long; n years down to n * 364 days and up to 0.75 days long (leap years).
# Per unit: (days short per unit, least days short, days long), in minutes.
_CALENDAR_SLACK = {"month": (0.4375 * 1440, 2.5 * 1440, 1.5 * 1440), "year": (1.25 * 1440, 0.0, 0.75 * 1440)}


def _read_unit(text: str, pos: int, money_left: str | None, fig: _Figure) -> _Unit | None:
    """The unit written after a figure, if any; money from a left symbol wins."""
    if money_left:
        return _Unit(money_left, "money", 1, pos)
    if fig.form in ("fraction", "ordinal"):
        return None
    vague_of = _OF.match(text, pos) if fig.form == "vague" else None
    at = vague_of.end() if vague_of and _DURATION.match(text, vague_of.end()) else pos
    if m := _AGE.match(text, pos):
        return _Unit("years old", "other", 1, m.end())
    if _AGED.search(text, max(0, fig.start - 8), fig.start):
        return _Unit("years old", "other", 1, pos)  # "aged 89"
    if fig.form == "number" and not fig.word and fig.value.is_integer() and 1 <= fig.value <= 110:
        name = _NAME_COMMA.search(text, max(0, fig.start - 40), fig.start)
        if name and name.group(1).lower() not in CALENDAR_NAMES and _APPOSITION_END.match(text, pos):
            return _Unit("years old", "other", 1, pos)

    if m := _DURATION.match(text, at):
        word = m.group(1).lower().rstrip("s")
        word = {"hr": "hour", "min": "minute", "sec": "second"}.get(word, word)
        end = m.end()
        if half := _AND_A_HALF.match(text, end):
            fig.value += 0.5
            fig.low += 0.5
            fig.high += 0.5
            end = half.end()
        return _Unit("minute", "duration", _MINUTES[word], end, word if word in _CALENDAR_SLACK else None)
    if m := _PERCENT.match(text, pos):
        point = m.group(1).lower().startswith("percentage")
        return _Unit("percentage point" if point else "percent", "percent", 1, m.end())
    if m := _CURRENCY_RIGHT.match(text, pos):
        word = m.group(1).lower()
        if word == "pound" and not fig.scaled and re.match(r"\s*(?:of\b|\()", text[m.end():]):
            return _Unit("lb", "other", 1, m.end())  # "3,000 pounds of experiments": weight
        return _Unit(_CURRENCY_WORDS[word], "money", 1, m.end())
    if (m := _MEASURE.match(text, pos)) and not (m.group(1).lower() == "in" and m.start(1) > pos):
        return _Unit(_MEASURES[m.group(1).lower()], "other", 1, m.end())
    return None


def _is_code(text: str, start: int, end: int) -> bool:
    """"COVID-19", "F-16", "G7", "9/11", "1990s", "4G": a name, not a figure."""
    before = text[start - 1] if start else " "
    if before.isalpha() and _LETTER_CURRENCY.search(text, max(0, start - 4), start):
        return False
    if before.isalpha() or before in "/:#":
        return True
    if before in "-–" and start >= 2 and text[start - 2].isalnum():
        return True
    after = text[end] if end < len(text) else " "
    return after == "/" and end + 1 < len(text) and text[end + 1].isdigit()


_YEAR_CUE = re.compile(r"\b(?:in|since|until|by|from|of|year|circa|c\.)\s+$", re.I)


def _is_year(fig: _Figure, text: str = "") -> bool:
    """1800-2100 written plainly is a year; earlier ones only after "in", "since" ..."""
    if fig.form != "number" or fig.word or fig.scaled or fig.value != int(fig.value):
        return False
    if fig.end - fig.start != 4 or not 1000 <= fig.value <= 2100:
        return False
    return fig.value >= 1800 or bool(_YEAR_CUE.search(text, max(0, fig.start - 8), fig.start))


def _looks_like_count_after(text: str, pos: int) -> bool:
    """Is the next word a counted noun ("over 1000 personnel") rather than "in", ","?"""
    m = _WORD_AFTER.match(text, pos)
    return bool(m) and m.start(1) == pos + 1 and m.group(1).islower() and m.group(1) not in _STOP


# --- thing and predicate ----------------------------------------------------

_ADJECTIVE_ENDINGS = ("ed", "al", "ive", "ic", "ous", "ful", "ing")
_PLURALS = frozenset("people children men women police staff personnel".split())
_ADJECTIVES = frozenset("live dead other new young old injured more further additional extra".split())


def _singular(word: str) -> str:
    """A crude lemma for lowercase plurals, close to what spaCy gives for NOUNs."""
    if not word.islower() or len(word) < 4 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


def _guess_thing(text: str, pos: int, form: str) -> str | None:
    """The noun right after a figure: "95 Palestinians in Gaza" -> "Palestinians"."""
    if form in ("vague", "fraction") and (of := _OF.match(text, pos)):
        pos = of.end()
    words = []
    for _ in range(3):
        m = _WORD_AFTER.match(text, pos)
        if not m or m.group(1).lower() in _STOP or m.start(1) > pos + 2:
            break
        words.append(m.group(1))
        pos = m.end()
    if not words:
        return None
    first = words[0]
    adjective = first.lower() in _ADJECTIVES or first.lower().endswith(_ADJECTIVE_ENDINGS) or first[0].isupper()
    second_is_noun = len(words) > 1 and words[1].islower() and (words[1].endswith("s") or words[1] in _PLURALS)
    if len(words) > 1 and (second_is_noun or (adjective and words[1].islower())):
        return _singular(words[1])
    if first.endswith("ed") and first.islower() and first not in _ADJECTIVES:
        return None  # "20 believed to be alive": a verb, the noun is elsewhere
    return _singular(first)


def phrase_tokens(doc, start: int, end: int):
    """The tokens of `doc` (a Doc or Span over exactly the text offsets index) inside [start, end),
    and those of them whose head lies outside (the phrase's roots, in order)."""
    base = getattr(doc, "start_char", 0)
    inside = [t for t in doc if start <= t.idx - base < end]
    ids = {t.i for t in inside}
    return inside, [t for t in inside if t.head.i not in ids or t.head.i == t.i]


def _from_tree(doc, start: int, end: int, ordinal: bool = False) -> tuple[str | None, str | None, str | None]:
    """Read `thing`, `predicate` and `holder` off the dependency tree (an ordinal's thing with the words
    that narrow it, see `_ranked`)."""
    inside, heads = phrase_tokens(doc, start, end)
    if not inside:
        return None, None, None
    top = heads[-1] if heads else inside[-1]
    thing_token = None
    if top.head.i != top.i and top.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod") and top.head.pos_ in (
        "NOUN",
        "PROPN",
    ):
        thing_token = top.head
    elif top.pos_ in ("NOUN", "PRON") and top.like_num is False and top.lemma_.lower() not in _MINUTES:
        # "dozens of villages", "half of the students": the head is the quantifier
        pobj = [c for p in top.children if p.dep_ == "prep" and p.lower_ == "of" for c in p.children if c.dep_ == "pobj"]
        thing_token = pobj[0] if pobj else None
    thing = None
    if thing_token is not None:
        thing = thing_token.lemma_ if thing_token.pos_ == "NOUN" else thing_token.text
        if ordinal:
            thing = _ranked(thing_token, inside, thing)
    if (anchor := _list_anchor(thing_token if thing_token is not None else top)) is not None:
        figure = next(c for c in anchor.children if c.dep_ == "nummod")
        return thing, _governor(anchor), _holder(figure, anchor)
    return thing, _governor(thing_token if thing_token is not None else top), _holder(top, thing_token)


def _ranked(noun, inside, thing: str) -> str:
    """What an ordinal ranks, with the words that narrow it: "the fifth NBA head coach fired" ranks NBA
    head coaches, "the third Eastern Conference head coach" another list, "the 21st head coach in team
    history" a third; `judge._same_measure` compares ordinals that differ only when these match."""
    words = sorted({w for t in noun.children if t.i < noun.i and t.dep_ in ("compound", "amod") and t not in inside
                    for w in t.subtree if w not in inside and w.dep_ not in ("det", "poss", "case") and not w.is_punct},
                   key=lambda w: w.i)
    return " ".join([*(w.text if w.pos_ == "PROPN" else w.lemma_.lower() for w in words), thing])


def _list_anchor(token):
    """The figure a list continues when the parser left the rest of the list unattached: in
    "Echenique had 11 points, 11 rebounds and six blocked shots" the small model hangs "rebounds" on
    the sentence's first verb as `dep` (its "don't know"), which made them Artino's, scored.
    Returns the noun of the figure before the comma ("points"), whose verb and holder the list shares."""
    node = token
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    if node.dep_ != "dep" or node.left_edge.i < 2:
        return None
    comma = node.doc[node.left_edge.i - 1]
    before = node.doc[comma.i - 1]
    if comma.text != "," or before.pos_ != "NOUN" or not any(c.dep_ == "nummod" for c in before.children):
        return None
    return before


_PLACE_PREPS = frozenset("in to at from between".split())  # "65% of traffic to India", "13 points from Seth VanDeest"
_SUBJECT_CLIMB = frozenset("advcl xcomp conj pcomp prep acl".split())  # clauses that share their head's subject
# A country or place as subject is no holder: "Israel killed 95" and "the IDF killed 100" are one toll.
# Organisations are ("the Orioles have offered $140 million", "Red Sox offer $200 million"): the small
# model's entity types are too loose to keep teams apart from players, and two organisations that
# differ are two measures as two people are; judge._same_holder reads "IDF" as "Israel Defense Forces".
_PLACES = frozenset("GPE LOC FAC".split())


def _name(token) -> str:
    """A proper noun with the names compounded onto it: "Saudi Arabia", "Jordan Clarke"."""
    words = [t for t in token.children if t.dep_ == "compound" and t.pos_ == "PROPN" and t.i < token.i]
    return " ".join(t.text for t in [*words, token])


def _holder(top, thing_token) -> str | None:
    """Whose figure it is, where the sentence names them: the person it is said of ("Zurana Horton,
    34, a mother of 12"), the place it is for ("55 percent of voice traffic in Saudi Arabia"), or the
    person who did it ("Jordan Clarke had 10 rebounds"). Two figures of two holders are two measures.
    """
    token = top
    for _ in range(4):  # up the figure's noun phrase: "12" -> "of" -> "mother", an apposition of "Horton"
        if token.dep_ == "appos" and token.head.pos_ == "PROPN":
            return _name(token.head)
        if token.dep_ not in ("pobj", "prep", "nummod", "quantmod", "npadvmod", "compound", "amod"):
            break
        token = token.head
    nouns = [top]
    for _ in range(3):  # down "of": "65% of traffic to India"
        noun = nouns[-1]
        nouns += [c for p in noun.children if p.dep_ == "prep" and p.lower_ == "of" for c in p.children
                  if c.dep_ == "pobj"][:1]
        if nouns[-1] is noun:
            break
    if thing_token is not None and thing_token not in nouns:
        nouns.append(thing_token)  # "55 percent of voice traffic in Saudi Arabia", "95 Palestinians in Gaza"
    for noun in nouns:
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ in _PLACE_PREPS:
                places = [c for c in prep.children if c.dep_ == "pobj" and c.pos_ == "PROPN"]
                if places:
                    return _name(places[0])
    token = top
    for _ in range(8):  # up to the clause's subject, through clauses that share it ("while also grabbing")
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")] if token.pos_ in ("VERB", "AUX") else []
        if subjects:
            subject = subjects[0]
            if subject.lower_ in _PERSON_PRONOUNS:
                return _antecedent(subject)
            if subject.pos_ == "PROPN":
                return _name(subject) if subject.ent_type_ not in _PLACES else None
            # "Nationals' offer ... bumped to $184M": whose the subject is
            owners = [c for c in subject.children if c.dep_ == "poss" and c.pos_ == "PROPN"]
            return _name(owners[0]) if owners and owners[0].ent_type_ not in _PLACES else None
        if token.head.i == token.i or (token.pos_ in ("VERB", "AUX") and token.dep_ not in _SUBJECT_CLIMB):
            return None
        token = token.head
    return None


_PERSON_PRONOUNS = frozenset(("he", "she"))
# A pronoun whose person is named in an earlier paragraph: the claim stage fills in who (claims.py).
PRONOUN_HOLDER = "\u2039he\u203a"


def _antecedent(pronoun) -> str:
    """The person "he" or "she" stands for: the last person named before it in its paragraph
    ("McDermott … He made 8 of 14 shots"), or PRONOUN_HOLDER when the paragraph names none."""
    people = [e for e in pronoun.doc.ents if e.label_ == "PERSON" and e.end <= pronoun.i]
    return people[-1].text if people else PRONOUN_HOLDER


def _governor(token) -> str | None:
    """The nearest verb above a token, or the noun an "of" hangs from ("transfer of")."""
    came_by_prep = False
    for _ in range(6):
        if token.head.i == token.i:
            return token.lemma_ if token.pos_ in ("VERB", "AUX") else None
        token = token.head
        if token.pos_ == "VERB" or (token.pos_ == "AUX" and token.dep_ == "ROOT"):
            return token.lemma_
        if token.pos_ == "NOUN" and came_by_prep:
            return token.lemma_
        came_by_prep = token.pos_ == "ADP"
    return None


# --- the scanner ------------------------------------------------------------


@dataclass
class _Reading:
    start: int
    end: int
    quantity: Quantity | None  # None: consumed but not a figure (a date, a year range)


def _currency(match: re.Match) -> str:
    """The currency a `_CURRENCY_LEFT` match names."""
    if prefix := match.group("before"):
        return _DOLLAR_PREFIXES.get(prefix.lower(), f"{prefix}$")
    if prefix := match.group("after"):
        return _DOLLAR_PREFIXES[prefix.lower()]
    if code := match.group("code") or match.group("attached"):
        return _CURRENCY_CODES[code.lower()]
    return _CURRENCY_SYMBOLS[match.group("symbol")]


def _read_at(text: str, m: re.Match) -> _Reading | None:
    fig = _read_core(text, m)
    if fig is None:
        return None
    start = fig.start
    money = _CURRENCY_LEFT.search(text, max(0, start - _CURRENCY_LEFT_REACH), start)
    money_unit = _currency(money) if money else None
    if money:
        start = money.start()
    _apply_scale(text, fig, bool(money))
    hedge_match = _HEDGE_LEFT.search(text, max(0, start - 40), start)
    hedge = _HEDGES[re.sub(r"\s+", " ", hedge_match.group(1).lower())] if hedge_match else None
    if (hedge_match and hedge_match.group(1).lower() == "over"
            and _AMOUNT_BEFORE.search(text, max(0, hedge_match.start() - 20), hedge_match.start())):
        hedge, hedge_match = None, None
    end, low, high, ranged = fig.end, fig.low, fig.high, False

    # A range: "between 20 and 30", "20-30", "$300,000 to $600,000".
    if fig.form == "number":
        sep = (_AND_SEP if hedge == "between" and hedge_match.group(1).lower() == "between" else _RANGE_SEP).match(text, end)
        other = _next_figure(text, sep.end(), bool(money)) if sep else None
        if other is not None:
            if other.scaled and not fig.scaled and fig.value < other.value / other.factor:
                fig.value *= other.factor  # "20 to 30 million"
                fig.precision *= other.factor
                low = fig.value
            dash = sep.group().strip() in "-–—"
            if _is_year(fig) and _is_year(other):
                return _Reading(start, other.end, None)  # "between 2007 and 2014"
            if other.value > fig.value:
                high, end, ranged = other.value, other.end, True
                fig.sig = min(fig.sig, other.sig)
            elif dash:
                return _Reading(start, other.end, None)  # a score: "1-0", "2014-15"

    if fig.form == "number" and not fig.word and _LABEL_BEFORE.search(text, max(0, fig.start - 12), fig.start):
        more = _LABEL_LIST.match(text, end)
        if more and not _looks_like_count_after(text, more.end()):
            end = more.end()
        return _Reading(start, end, None)

    if hedge == "between" and not ranged:
        hedge, hedge_match = None, None  # "from 778 to 607": a change, read each side alone
    unit = _read_unit(text, end, money_unit, fig)
    if unit is None and fig.form == "number" and _DIFFERENCE.match(text, end):
        unit = _Unit("difference", "count", 1, end)
    elif unit is None and fig.form == "number" and (
            _BESIDES.match(text, end) or _BESIDES_BEFORE.search(text, max(0, fig.start - 20), fig.start)):
        unit = _Unit("more", "count", 1, end)  # counts only against another count of more ones
    if fig.form == "vague" and not ranged:
        low, high = fig.low, fig.high  # _read_unit may add "and a half"
    elif not ranged:
        low = high = fig.value
    if unit and unit.end > end:
        end = unit.end
    suffix = _SUFFIX.match(text, end)
    if suffix and not (hedge and hedge != "within"):
        hedge, hedge_match = _SUFFIX_HEDGES[suffix.group(1).lower()], None
        end = suffix.end()

    # Not figures: dates, clock times, years, codes, "a day" in "£5 a day".
    if _is_excluded(text, fig, start, end, unit, hedge):
        return _Reading(start, end, None)

    if hedge == "within" and not (unit and unit.kind == "duration"):
        hedge, hedge_match = None, None  # "in 10 cities": "in" is no hedge
    if hedge_match:
        start = hedge_match.start(1)
    if ranged and hedge is None:
        hedge = "between"

    kind = {"fraction": "fraction", "ordinal": "ordinal"}.get(fig.form) or (unit.kind if unit else "count")
    factor = unit.factor if unit else 1
    interval = _scaled(_hedged(hedge, low, high, fig), factor)
    if unit and unit.calendar and hedge in (None, "exactly", "between"):  # a hedge's margin already allows more
        per_unit, least, long = _CALENDAR_SLACK[unit.calendar]
        interval = Interval(interval.low - max(least, per_unit * low), interval.high + long)
    quantity = Quantity(
        text=text[start:end],
        start=start,
        end=end,
        value=(low + high) / 2 * factor,
        interval=interval,
        unit=unit.unit if unit else "",
        kind=kind,
        hedge=hedge,
    )
    return _Reading(start, end, quantity)


def _is_excluded(text: str, fig: _Figure, start: int, end: int, unit: _Unit | None, hedge: str | None) -> bool:
    if fig.form == "number" and not fig.word and _is_code(text, fig.start, fig.end):
        return True
    if _CLOCK.match(text, fig.end) or _TIME_ZONE.match(text, fig.end) or _TIME_ZONE.match(text, end):
        return True
    if fig.form in ("number", "ordinal") and not unit:
        if _DATE_BEFORE.search(text, max(0, fig.start - 12), fig.start) or _DATE_AFTER.match(text, fig.end):
            return True
        if _DATE_AFTER.match(text, end):
            return True  # "from 24 to 26 June"
    if not unit and _is_year(fig, text) and not (hedge and hedge != "within" and _looks_like_count_after(text, end)):
        return True
    if fig.form == "number" and not fig.word:
        digits = text[fig.start:fig.end]
        if re.fullmatch(r"0\d+", digits) or re.fullmatch(r"\d{7,}", digits):
            return True  # "020", "12345678": codes and ids
    if fig.word and text[fig.start:fig.start + 1].lower() == "a" and not hedge:
        # "100 calories a day", "twice a week", "£100,000-a-week": a rate, not a length;
        # "October 7, 2023, a day that ...": an apposition, not a length either.
        if _RATE.search(text, max(0, fig.start - 30), fig.start):
            return True
        if unit and unit.kind == "duration" and _AFTER_CLAUSE_BREAK.search(text, max(0, fig.start - 5), fig.start):
            return True
    if end < len(text) and text[end].isalpha() and text[end - 1].isdigit():
        return True  # "1990s", "under 18s", "4G"
    return False


def extract_quantities(text: str, doc=None, offset: int = 0) -> list[Quantity]:
    """Every figure mention in `text`, with offsets into `text` plus `offset`.

    `doc` is an optional spaCy Doc or Span covering exactly `text`; with it,
    `thing` and `predicate` come from the dependency tree, without it
    `thing` is guessed from the words after the figure.
    """
    masked = _PHONE.sub(lambda m: "#" * len(m.group()), text)
    found: list[Quantity] = []
    pos = 0
    for m in _CORE.finditer(masked):
        if m.start() < pos:
            continue
        reading = _read_at(masked, m)
        if reading is None:
            continue
        pos = reading.end
        if reading.quantity is None:
            continue
        if found and reading.quantity.start < found[-1].end - offset:
            found.pop()  # "first" read as an ordinal, then as the hedge of "first 17 passes": one figure
        found.append(_finish(reading.quantity, text, doc, offset, m.lastgroup))
    return _mark_conversions(found, text, offset)


# "A$900,000 (£550,000; $680,000)", "85 million euros ($108 million)", "seven km (4 miles)": the amounts
# in brackets are the first converted (at some day's rate) and rounded, so they are read as about that
# much, not exactly, with the first's hedge.
_CONVERSION_GAP = re.compile(r"\s*[(;]\s*")
CONVERSION_MARGIN = 0.05  # a few days' exchange-rate drift and the rounding of the conversion


_MONEY_MARK = re.compile(rf"([A-Za-z]*[{''.join(_CURRENCY_SYMBOLS)}][A-Za-z]*)\s?\d")


def _money_mark(text: str) -> str | None:
    """How an amount writes its currency: "$US" in "$US1 million", "$" in "$1.52 million"."""
    m = _MONEY_MARK.search(text)
    return m.group(1) if m else None


def _converts(previous: Quantity, q: Quantity) -> bool:
    """Can `q` restate `previous` in another unit: money in money, or a measure in another measure
    ("seven km (4 miles)")? Ages and counts restate nothing."""
    if q.kind == previous.kind == "money":
        return True
    return (q.kind == previous.kind == "other" and q.unit != previous.unit
            and "years old" not in (q.unit, previous.unit))


def _mark_conversions(found: list[Quantity], text: str, offset: int) -> list[Quantity]:
    out: list[Quantity] = []
    original: Quantity | None = None  # the amount the bracket converts
    for q in found:
        previous = out[-1] if out else None
        gap = text[previous.end - offset:q.start - offset] if previous else ""
        if (previous is not None and _converts(previous, q)
                and _CONVERSION_GAP.fullmatch(gap) and ("(" in gap or previous.hedge == "converted")):
            original = original if previous.hedge == "converted" else previous
            unit = q.unit
            if unit == original.unit and q.value != original.value:
                if _money_mark(q.text) == _money_mark(original.text):
                    out.append(q)  # "£8,895 (£13,343)": one currency written alike is no conversion
                    continue
                unit = f"{unit} (local)"  # "$US1 million ($1.52 million)": the bracket's $ is the paper's own
            # the original's range at the bracket's rate ("up to 700,000 yuan (£72,000)" is up to about
            # £72,000), widened by the margin
            rate = q.value / original.value if original.value else 1.0
            iv = original.interval if original.value else q.interval
            q = replace(q, unit=unit, hedge="converted", interval=Interval(
                None if iv.low is None else iv.low * rate * (1 - CONVERSION_MARGIN),
                None if iv.high is None else iv.high * rate * (1 + CONVERSION_MARGIN)))
        out.append(q)
    return out


def _finish(q: Quantity, text: str, doc, offset: int, group: str) -> Quantity:
    form = {"vague": "vague", "fraction": "fraction", "rate": "fraction"}.get(group, "number")
    thing = predicate = holder = None
    if doc is not None:
        thing, predicate, holder = _from_tree(doc, q.start, q.end, ordinal=q.kind == "ordinal")
    if thing is None and q.kind in ("count", "fraction", "money"):
        thing = _guess_thing(text, q.end, form)
    if q.kind == "money" and thing is not None and q.unit == "USD" and thing.lower() == "dollar":
        thing = None
    return Quantity(
        text=q.text,
        start=q.start + offset,
        end=q.end + offset,
        value=q.value,
        interval=q.interval,
        unit=q.unit,
        kind=q.kind,
        hedge=q.hedge,
        thing=thing,
        predicate=predicate,
        holder=holder,
    )


def parse_quantity(phrase: str) -> Quantity | None:
    """The first figure in a short phrase such as "at least 57,575 Palestinians"."""
    found = extract_quantities(phrase)
    return found[0] if found else None
