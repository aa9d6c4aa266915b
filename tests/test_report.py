"""Report renderers over hand-built verdicts on the real example pair.

Source texts: examples/gaza-talks/aljazeera.txt (Al Jazeera, 2025-07-08)
and examples/gaza-talks/rewrite.txt (a rewrite of the same story).
Offsets are found with str.find, so every highlight is a real article span.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from storydiff.errors import SettingsError
from storydiff.model import Article, Evidence, Interval, Report, Span, Verdict
from storydiff.report import FORMATS, load_schema, render, to_dict
from storydiff.report.terminal import _line_ranges

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "gaza-talks"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def evidence(article: Article, sentence: str, *phrases: str) -> Evidence:
    start = article.text.find(sentence)
    assert start >= 0, f"sentence not in {article.source}: {sentence[:60]}"
    spans = []
    for phrase in phrases:
        at = sentence.find(phrase)
        assert at >= 0, f"phrase not in sentence: {phrase}"
        spans.append(Span(start + at, start + at + len(phrase)))
    index = article.text[:start].count("\n")
    return Evidence(article.id, f"{article.id}:{index}", sentence, start, tuple(spans))


@pytest.fixture(scope="module")
def aljazeera() -> Article:
    return Article(
        id="aj-7f3a",
        text=(EXAMPLES / "aljazeera.txt").read_text(encoding="utf-8"),
        source="examples/gaza-talks/aljazeera.txt",
        title="Trump and Netanyahu meet again as Gaza ceasefire talks continue",
        outlet="Al Jazeera",
        published="2025-07-08",
    )


@pytest.fixture(scope="module")
def rewrite() -> Article:
    return Article(
        id="rw-91c0",
        text=(EXAMPLES / "rewrite.txt").read_text(encoding="utf-8"),
        source="examples/gaza-talks/rewrite.txt",
    )


A_DURATION = (
    "The unscheduled talks on Tuesday evening lasted just over an hour, with no media access, "
    "and came as Israeli forces killed at least 95 Palestinians in Gaza."
)
B_DURATION = (
    "The closed-door meeting lasted about two hours, and afterwards, Netanyahu expressed that while "
    "discussions were ongoing, he believed the military operations in Gaza were not yet complete."
)
A_QUOTE = (
    "“We have still to finish the job in Gaza, release all our hostages, eliminate and destroy "
    "Hamas’s military and government capabilities,” the Israeli leader said."
)
B_QUOTE = (
    '"We still have to finish the job in Gaza, release all our hostages, eliminate and destroy '
    "Hamas' military and government capabilities,\" he stated."
)
A_TOLL = "Israel’s war in Gaza has killed at least 57,575 Palestinians and wounded 136,879 others."
B_TOLL = (
    "Israel's reprisal offensive has reportedly led to over 57,500 deaths in Gaza, as reported by "
    "the area's Hamas-managed health ministry."
)
A_ISSUES = "He said the issues keeping Israel and Hamas from agreeing had now dropped to one from four."
B_ISSUES = (
    "Witkoff mentioned that progress was being made, citing a reduction from four issues to just one "
    "contentious point in the negotiations."
)
A_ONLY = (
    "The plan outlined by the Israeli defence minister, Israel Katz, calls for the initial forcible "
    "transfer of some 600,000 Palestinians to the tent city, followed by the remainder of the "
    "enclave’s 2.1 million people."
)
B_ONLY = (
    "Earlier on the same day, Netanyahu had a meeting with Vice President JD Vance and engaged in a "
    "lengthy dinner discussion with Trump the previous evening."
)
A_UNCLEAR = (
    "An estimated 1,139 people were killed in Israel during the Hamas-led attacks of October 7, 2023, "
    "and more than 200 were taken captive."
)
B_UNCLEAR = (
    "The current round of discussions between Hamas and Israel commenced on October 7, 2023, a day that "
    "marked the onset of hostilities, particularly following Hamas's attack that resulted in "
    "approximately 1,200 Israeli fatalities and 251 hostages."
)

CONFLICT_PHRASES = ["just over an hour", "about two hours", "have still", "still have"]
OTHER_PHRASES = ["at least 57,575", "over 57,500", "one from four", "from four issues to just one",
                 "some 600,000 Palestinians", "Vice President JD Vance"]


def gaza_report(a: Article, b: Article) -> Report:
    """Every kind of verdict over the example pair, as a judge might give them."""
    quote = Verdict(
        "conflict",
        "the quote's wording differs: “have still” vs “still have”",
        0.95,
        (evidence(a, A_QUOTE, "have still"), evidence(b, B_QUOTE, "still have")),
        conflict_kind="quote_wording",
        severity=0.2,
    )
    # Evidence deliberately right-to-left: renderers put each source in its own column.
    duration = Verdict(
        "conflict",
        "the meeting lasted just over an hour vs about two hours: the ranges do not overlap",
        0.9,
        (evidence(b, B_DURATION, "about two hours"), evidence(a, A_DURATION, "just over an hour")),
        conflict_kind="duration",
        severity=0.7,
        detail={"left": Interval(60, 75), "right": Interval(105, 135), "ratio": float("inf")},
    )
    compatible = Verdict(
        "compatible",
        "at least 57,575 vs over 57,500 can both be true",
        0.85,
        (evidence(a, A_TOLL, "at least 57,575"), evidence(b, B_TOLL, "over 57,500")),
        detail={"left": Interval(57575, None), "right": Interval(57500, None, low_open=True)},
    )
    agree = Verdict(
        "agree",
        "both say the open issues fell from four to one",
        0.8,
        (evidence(a, A_ISSUES, "one from four"), evidence(b, B_ISSUES, "from four issues to just one")),
    )
    only_a = Verdict("only_in", f"only in {a.label}", 0.7,
                     (evidence(a, A_ONLY, "some 600,000 Palestinians"),), only_in=a.id)
    only_b = Verdict("only_in", f"only in {b.label}", 0.7,
                     (evidence(b, B_ONLY, "Vice President JD Vance"),), only_in=b.id)
    unclear = Verdict("unclear", "different counting bases for the October 7 toll", 0.4,
                      (evidence(a, A_UNCLEAR), evidence(b, B_UNCLEAR)))
    # Report order is scrambled on purpose; the renderers must order sections themselves.
    return Report(
        articles=(a, b),
        verdicts=(only_b, unclear, quote, agree, only_a, compatible, duration),
        versions={"judge": "storydiff.RulesJudge.v1", "align": "storydiff.align.v1"},
    )


@pytest.fixture(scope="module")
def report(aljazeera: Article, rewrite: Article) -> Report:
    return gaza_report(aljazeera, rewrite)


@pytest.fixture(scope="module")
def lonely(aljazeera: Article) -> Report:
    return Report(articles=(aljazeera,), verdicts=())


# -- the public API -----------------------------------------------------------


def test_formats_and_unknown_format_lists_the_valid_ones(report: Report):
    assert FORMATS == ("terminal", "json", "markdown", "html")
    with pytest.raises(SettingsError) as err:
        render(report, "pdf")
    assert "pdf" in str(err.value)
    for fmt in FORMATS:
        assert fmt in str(err.value)


@pytest.mark.parametrize("fmt", ["terminal", "json", "markdown", "html"])
def test_every_format_shows_both_sentences_of_each_conflict(report: Report, fmt: str):
    out = render(report, fmt, color=False, width=400)  # wide enough that no sentence wraps
    if fmt == "json":
        out = "\n".join(e["sentence"] for v in json.loads(out)["verdicts"] for e in v["evidence"])
    if fmt == "html":
        out = htmllib.unescape(re.sub(r"</?mark>", "", out))
    if fmt == "markdown":
        out = out.replace("**", "").replace("\\", "")
    if fmt == "terminal":
        out = out.replace("*", "")
    for sentence in (A_DURATION, B_DURATION, A_QUOTE, B_QUOTE):
        assert sentence in out


@pytest.mark.parametrize("fmt", ["terminal", "json", "markdown", "html"])
def test_nothing_to_compare_is_a_friendly_message_in_every_format(lonely: Report, fmt: str):
    out = render(lonely, fmt, color=False, width=80)
    assert "nothing to compare" in out.lower()
    assert "Al Jazeera" in out
    assert "Conflicts" not in out


# -- terminal -----------------------------------------------------------------


def test_terminal_sections_come_in_order(report: Report):
    out = render(report, "terminal", color=False, width=120)
    marks = ["Conflicts (2)", "Agreements (2)", "Only in Al Jazeera (1)", "Only in rewrite.txt (1)", "Unclear (1)"]
    positions = [out.index(m) for m in marks]
    assert positions == sorted(positions)
    # Conflicts follow Report.conflicts: the severe duration one before the quote.
    assert out.index("1. ✗ duration conflict") < out.index("2. ✗ quote wording conflict")


def test_terminal_header_names_articles_and_counts(report: Report, aljazeera: Article, rewrite: Article):
    out = render(report, "terminal", color=False, width=120)
    header = out[: out.index("Conflicts (2)")]
    title = "Trump and Netanyahu meet again as Gaza ceasefire talks continue"
    words_a, words_b = len(aljazeera.text.split()), len(rewrite.text.split())
    assert re.search(rf"Al Jazeera +{title} · 2025-07-08 · {words_a:,} words\n", header)
    assert re.search(rf"rewrite\.txt +{words_b:,} words\n", header)
    assert "2 conflicts · 1 agreement · 1 compatible · 1 only in Al Jazeera · 1 only in rewrite.txt · 1 unclear" in header


@pytest.mark.parametrize("width", [80, 120])
def test_terminal_plain_has_no_ansi_fits_width_and_keeps_phrases_whole(report: Report, width: int):
    out = render(report, "terminal", color=False, width=width)
    assert "\x1b" not in out
    assert max(cell_len(line) for line in out.splitlines()) <= width
    for phrase in CONFLICT_PHRASES + OTHER_PHRASES:
        assert f"*{phrase}*" in out  # marked, and on one line


def test_terminal_compatible_is_shown_distinctly_with_its_reason(report: Report):
    out = render(report, "terminal", color=False, width=100)
    agreements = out[out.index("Agreements (2)") : out.index("Only in Al Jazeera")]
    assert "✓ agree" in agreements
    assert "≈ compatible" in agreements
    assert "at least 57,575 vs over 57,500 can both be true" in agreements


def test_terminal_conflict_columns_follow_article_order(report: Report):
    out = render(report, "terminal", color=False, width=120)
    block = out[out.index("1. ✗ duration conflict") : out.index("2. ✗ quote wording")]
    header_row = next(line for line in block.splitlines() if "Al Jazeera" in line)
    assert header_row.index("Al Jazeera") < header_row.index("rewrite.txt")
    body = next(line for line in block.splitlines() if "The unscheduled talks" in line)
    assert body.index("The unscheduled talks") < body.index("The closed-door meeting")


def test_terminal_color_marks_exactly_the_highlighted_words(report: Report):
    out = render(report, "terminal", color=True, width=120)
    red = re.findall(r"\x1b\[1;31m([^\x1b]*)\x1b\[0m", out)
    yellow = re.findall(r"\x1b\[1;33m([^\x1b]*)\x1b\[0m", out)
    conflict_headings = {"Conflicts (2)", "✗ duration conflict", "✗ quote wording conflict"}
    assert sorted(r for r in red if r not in conflict_headings) == sorted(CONFLICT_PHRASES)
    assert sorted(y for y in yellow if not y.startswith("≈")) == sorted(OTHER_PHRASES)


def test_terminal_article_text_is_never_read_as_markup():
    text = "Officials said [bold red]nothing[/] at all. The [link=x]talks[/link] lasted :smile: hours."
    a = Article(id="m1", text=text, source="markup.txt")
    b = Article(id="m2", text="The talks lasted two hours.", source="b.txt")
    v = Verdict("conflict", "[red]reason[/red]", 0.5,
                (evidence(a, "The [link=x]talks[/link] lasted :smile: hours.", "[link=x]talks[/link]"),
                 evidence(b, "The talks lasted two hours.", "two hours")), conflict_kind="duration", severity=0.5)
    out = render(Report((a, b), (v,)), "terminal", color=False, width=80)
    assert "*[link=x]talks[/link]*" in out
    assert ":smile:" in out
    assert "[red]reason[/red]" in out


def test_terminal_wraps_long_sentences_without_breaking_highlights(report: Report):
    # At every width the wrap point moves; a naive wrap would split some phrase somewhere.
    for width in range(40, 121, 7):
        out = render(report, "terminal", color=False, width=width)
        assert max(cell_len(line) for line in out.splitlines()) <= width
        for phrase in CONFLICT_PHRASES + OTHER_PHRASES:
            assert f"*{phrase}*" in out, (width, phrase)


def test_line_ranges_keep_a_protected_phrase_together_and_never_drop_text():
    text = "aaaa bbbb cccc dddd eeee"
    phrase = (text.index("cccc"), text.index("eeee") + 4)  # "cccc dddd eeee"
    lines = _line_ranges(text, [phrase], 15)
    assert [text[a:b] for a, b in lines] == ["aaaa bbbb", "cccc dddd eeee"]
    # Wider than a line: split between its words, nothing lost.
    lines = _line_ranges(text, [phrase], 9)
    assert [text[a:b] for a, b in lines] == ["aaaa bbbb", "cccc dddd", "eeee"]
    # A single word wider than a line is cut, not truncated.
    word = "abcdefghijklmnopqrstuvwxy"
    lines = _line_ranges(word, [], 10)
    assert [word[a:b] for a, b in lines] == ["abcdefghij", "klmnopqrst", "uvwxy"]


# -- JSON ---------------------------------------------------------------------


class SchemaError(AssertionError):
    pass


def validate(instance, schema: dict, root: dict | None = None, path: str = "$") -> None:
    """The subset of JSON Schema 2020-12 that schema.json uses; unknown keywords fail loudly."""
    root = root or schema
    known = {"$schema", "$id", "$defs", "title", "description", "$ref", "type", "const", "enum",
             "required", "properties", "additionalProperties", "items", "minimum", "maximum", "pattern",
             "minItems"}
    unknown = set(schema) - known
    if unknown:
        raise SchemaError(f"validator does not support {unknown} at {path}")
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        validate(instance, root["$defs"][ref.rsplit("/", 1)[1]], root, path)
    types = {
        "object": lambda x: isinstance(x, dict),
        "array": lambda x: isinstance(x, list),
        "string": lambda x: isinstance(x, str),
        "integer": lambda x: isinstance(x, int) and not isinstance(x, bool),
        "number": lambda x: isinstance(x, (int, float)) and not isinstance(x, bool),
        "boolean": lambda x: isinstance(x, bool),
        "null": lambda x: x is None,
    }
    if "type" in schema:
        allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(types[t](instance) for t in allowed):
            raise SchemaError(f"{path}: {instance!r} is not {allowed}")
    if "const" in schema and instance != schema["const"]:
        raise SchemaError(f"{path}: {instance!r} != {schema['const']!r}")
    if "enum" in schema and instance not in schema["enum"]:
        raise SchemaError(f"{path}: {instance!r} not in {schema['enum']}")
    if isinstance(instance, (int, float)) and not isinstance(instance, bool):
        if "minimum" in schema and instance < schema["minimum"]:
            raise SchemaError(f"{path}: {instance} < {schema['minimum']}")
        if "maximum" in schema and instance > schema["maximum"]:
            raise SchemaError(f"{path}: {instance} > {schema['maximum']}")
    if isinstance(instance, list) and len(instance) < schema.get("minItems", 0):
        raise SchemaError(f"{path}: fewer than {schema['minItems']} items")
    if isinstance(instance, str) and "pattern" in schema and not re.search(schema["pattern"], instance):
        raise SchemaError(f"{path}: {instance!r} does not match {schema['pattern']}")
    if isinstance(instance, dict):
        for key in schema.get("required", []):
            if key not in instance:
                raise SchemaError(f"{path}: missing {key}")
        props = schema.get("properties", {})
        for key, value in instance.items():
            if key in props:
                validate(value, props[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                raise SchemaError(f"{path}: unexpected {key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                validate(value, schema["additionalProperties"], root, f"{path}.{key}")
    if isinstance(instance, list) and "items" in schema:
        for i, item in enumerate(instance):
            validate(item, schema["items"], root, f"{path}[{i}]")


def test_json_validates_against_the_shipped_schema_and_round_trips(report: Report, lonely: Report):
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for r in (report, lonely):
        text = render(r, "json")
        data = json.loads(text)
        validate(data, schema)
        assert data == to_dict(r)
        assert json.loads(json.dumps(data)) == data


def test_the_validator_rejects_broken_reports(report: Report):
    schema = load_schema()
    broken = to_dict(report)
    broken["verdicts"][0]["confidence"] = "high"
    with pytest.raises(SchemaError):
        validate(broken, schema)
    broken = to_dict(report)
    del broken["verdicts"][0]["evidence"][0]["highlights"]
    with pytest.raises(SchemaError):
        validate(broken, schema)
    broken = to_dict(report)
    broken["summary"]["by_label"]["agree"] = -1
    with pytest.raises(SchemaError):
        validate(broken, schema)


def test_json_content(report: Report, aljazeera: Article):
    data = to_dict(report)
    assert data["schema"] == "storydiff.report"
    assert data["schema_version"] == report.schema_version
    assert data["message"] is None
    assert [a["id"] for a in data["articles"]] == ["aj-7f3a", "rw-91c0"]
    assert data["articles"][0]["label"] == "Al Jazeera"
    assert data["articles"][0]["word_count"] == len(aljazeera.text.split())
    assert data["summary"]["by_label"] == {"agree": 1, "conflict": 2, "compatible": 1, "only_in": 2, "unclear": 1}
    assert data["summary"]["by_conflict_kind"]["duration"] == 1
    assert data["summary"]["by_conflict_kind"]["quote_wording"] == 1
    assert data["summary"]["by_conflict_kind"]["figure"] == 0
    assert data["summary"]["only_in"] == {"aj-7f3a": 1, "rw-91c0": 1}
    assert data["versions"]["judge"] == "storydiff.RulesJudge.v1"
    texts = {a["id"]: a["text"] for a in data["articles"]}
    highlights = []
    for verdict in data["verdicts"]:
        for ev in verdict["evidence"]:
            art = texts[ev["article_id"]]
            assert art[ev["sentence_start"] : ev["sentence_start"] + len(ev["sentence"])] == ev["sentence"]
            for h in ev["highlights"]:
                assert art[h["start"] : h["end"]] == h["text"]
                highlights.append(h["text"])
    assert sorted(highlights) == sorted(CONFLICT_PHRASES + OTHER_PHRASES)


def test_json_detail_is_plain_json(report: Report):
    duration = next(v for v in to_dict(report)["verdicts"] if v["conflict_kind"] == "duration")
    assert duration["detail"]["left"] == {"low": 60, "high": 75, "low_open": False, "high_open": False}
    assert duration["detail"]["ratio"] is None  # JSON has no infinity
    assert "Infinity" not in render(report, "json")


def _schema_property_names(node) -> set[str]:
    names = set()
    if isinstance(node, dict):
        names |= set(node.get("properties", {}))
        names |= set(node.get("required", []))
        for value in node.values():
            names |= _schema_property_names(value)
    elif isinstance(node, list):
        for value in node:
            names |= _schema_property_names(value)
    return names


def test_every_json_field_is_documented():
    doc = (ROOT / "docs" / "json-schema.md").read_text(encoding="utf-8")
    missing = sorted(n for n in _schema_property_names(load_schema()) if f"`{n}`" not in doc)
    assert not missing, f"fields missing from docs/json-schema.md: {missing}"


def test_schema_requires_every_field_to_dict_emits(report: Report):
    schema = load_schema()
    data = to_dict(report)
    assert set(schema["required"]) == set(data)
    assert set(schema["$defs"]["verdict"]["required"]) == set(data["verdicts"][0])
    assert set(schema["$defs"]["evidence"]["required"]) == set(data["verdicts"][0]["evidence"][0])
    assert set(schema["$defs"]["article"]["required"]) == set(data["articles"][0])


# -- Markdown -----------------------------------------------------------------


def test_markdown_sections_tables_and_bold_highlights(report: Report):
    out = render(report, "markdown")
    headings = [line for line in out.splitlines() if line.startswith("## ")]
    assert headings == ["## Conflicts", "## Agreements", "## Only in Al Jazeera", "## Only in rewrite.txt", "## Unclear"]
    assert out.index("### 1. Duration conflict — severity high (0.70)") < out.index("### 2. Quote wording conflict")
    assert sorted(re.findall(r"\*\*(.+?)\*\*", out)) == sorted(CONFLICT_PHRASES + OTHER_PHRASES)
    assert "| Al Jazeera | rewrite.txt |" in out
    row = next(line for line in out.splitlines() if "**just over an hour**" in line)
    assert "**about two hours**" in row  # both sentences in one table row
    assert "≈ Compatible" in out and "at least 57,575 vs over 57,500 can both be true" in out


def test_markdown_escapes_pipes_and_newlines_in_cells():
    a = Article(id="p1", text="Costs were 5 | 6 million\nsaid one *source* [here].", source="a.txt")
    b = Article(id="p2", text="Costs were 9 million, officials said.", source="b.txt")
    sa = "Costs were 5 | 6 million\nsaid one *source* [here]."
    v = Verdict("conflict", "5 | 6 million vs 9 million", 0.8,
                (evidence(a, sa, "5 | 6 million"), evidence(b, b.text, "9 million")),
                conflict_kind="figure", severity=0.5)
    out = render(Report((a, b), (v,)), "markdown")
    row = next(line for line in out.splitlines() if "Costs were" in line)
    assert "\n" not in row and "said one" in row
    unescaped_pipes = re.findall(r"(?<!\\)\|", row)
    assert len(unescaped_pipes) == 3  # | left | right |
    assert "**5 \\| 6 million**" in row
    assert "\\*source\\*" in row and "\\[here\\]" in row


# -- HTML ---------------------------------------------------------------------


def test_html_sections_marks_and_structure(report: Report):
    out = render(report, "html")
    assert out.lstrip().startswith("<!doctype html>")
    positions = [out.index(f'id="{s}"') for s in ("conflicts", "agreements", "only-in", "unclear")]
    assert positions == sorted(positions)
    marks = [htmllib.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", out)]
    assert sorted(marks) == sorted(CONFLICT_PHRASES + OTHER_PHRASES)
    conflicts = out[out.index('id="conflicts"') : out.index('id="agreements"')]
    assert conflicts.index("duration conflict") < conflicts.index("quote wording conflict")
    assert conflicts.count('class="card conflict"') == 2
    agreements = out[out.index('id="agreements"') : out.index('id="only-in"')]
    assert "<details>" in agreements and 'class="card compatible"' in agreements
    assert "Only in Al Jazeera" in out and "Only in rewrite.txt" in out
    # Self-contained: inline CSS, no external assets, no script.
    assert "<style>" in out
    for needle in ("<link", "<script", "src=", "@import", "url("):
        assert needle not in out


def test_html_escapes_hostile_article_text():
    hostile = (
        'Officials said <script>alert(1)</script> and "><img src=x onerror=alert(2)> '
        "the talks lasted about two hours."
    )
    a = Article(id="h1", text=hostile, source="evil.txt", title='<b onmouseover="x()">Evil</b>',
                url="javascript:alert(3)")
    b = Article(id="h2", text="The talks lasted just over an hour.", source="ok.txt")
    v = Verdict(
        "conflict",
        "reason with <script>alert(4)</script>",
        0.9,
        (evidence(a, hostile, "<script>alert(1)</script>", '"><img src=x onerror=alert(2)>'),
         evidence(b, b.text, "just over an hour")),
        conflict_kind="duration",
        severity=0.6,
    )
    out = render(Report((a, b), (v,)), "html")
    assert "<script" not in out
    assert "<img" not in out
    assert "<b onmouseover" not in out
    assert "javascript:" not in out
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark>" in out
    assert "<mark>&#34;&gt;&lt;img src=x onerror=alert(2)&gt;</mark>" in out
    assert "reason with &lt;script&gt;alert(4)&lt;/script&gt;" in out
    assert htmllib.unescape(re.sub(r"</?mark>", "", out)).count(hostile) == 1


def test_html_macros_are_reusable_on_their_own(report: Report):
    from storydiff.report.html import environment
    from storydiff.report.view import build_view

    view = build_view(report)
    macros = environment().get_template("macros.html").module
    card = str(macros.verdict_card(view.conflicts[0], 1))
    assert 'class="card conflict"' in card
    assert "<mark>just over an hour</mark>" in card and "<mark>about two hours</mark>" in card
    assert card.index("Al Jazeera") < card.index("rewrite.txt")


def test_two_articles_of_one_outlet_are_told_apart_in_json():
    import json

    import storydiff
    from storydiff.ingest import make_article
    from storydiff.report import render

    a = (EXAMPLES / "aljazeera.txt").read_text(encoding="utf-8")
    b = (EXAMPLES / "rewrite.txt").read_text(encoding="utf-8")
    report = storydiff.compare_articles([make_article(a, "a.txt", outlet="Gazette"),
                                         make_article(b, "b.txt", outlet="Gazette")])
    data = json.loads(render(report, "json"))
    assert [x["label"] for x in data["articles"]] == ["Gazette", "Gazette (2)"]
    # and so do the reasons: "Gazette says “just over an hour” …, Gazette (2) says “about two hours” …"
    duration = next(v for v in report.conflicts if v.conflict_kind == "duration")
    assert duration.reason.startswith("Gazette says") and "Gazette (2) says" in duration.reason
