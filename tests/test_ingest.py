"""ingest: every input becomes an Article, or a typed InputError naming the input and the reason.

Fixtures are real files (see tests/fixtures/README.md); oversized inputs are
made at test time in tmp_path.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from storydiff.errors import (
    BinaryInputError,
    EmptyInputError,
    EncodingError,
    FormatError,
    InputError,
    NoArticleTextError,
    SettingsError,
    TooLargeError,
)
from storydiff.ingest import article_id, load, load_many, make_article
from storydiff.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
MALFORMED = FIXTURES / "malformed"
EXAMPLES = ROOT / "examples" / "gaza-talks"
ALJAZEERA_TXT = EXAMPLES / "aljazeera.txt"
REWRITE_TXT = EXAMPLES / "rewrite.txt"
ALJAZEERA_HTML = FIXTURES / "aljazeera.html"
REWRITE_TITLE = "Trump and Netanyahu Pursue Ceasefire Amidst Ongoing Gaza Conflict"


@pytest.fixture
def settings():
    # The shipped defaults only: a developer's own settings file must not change the tests.
    return load_settings(ROOT / "src" / "storydiff" / "defaults.toml")


def aljazeera_text() -> str:
    return ALJAZEERA_TXT.read_text(encoding="utf-8").strip()


def rewrite_text() -> str:
    return REWRITE_TXT.read_text(encoding="utf-8").strip()


def load_error(source, settings, stdin=None) -> InputError:
    with pytest.raises(InputError) as info:
        load(str(source), settings, stdin=stdin)
    return info.value


# --- ids ---------------------------------------------------------------------


def test_article_id_is_sha256_of_nfc_collapsed_text():
    text = "  Gaza  talks\n\nresume\t today "
    expected = hashlib.sha256(b"Gaza talks resume today").hexdigest()[:16]
    assert article_id(text) == expected
    assert re.fullmatch(r"[0-9a-f]{16}", expected)


def test_article_id_ignores_whitespace_layout_and_unicode_composition():
    composed = "Caf\u00e9 talks resume.\nNetanyahu met Trump."
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert article_id(decomposed) == article_id(composed)
    assert article_id("Caf\u00e9   talks resume.  Netanyahu\u00a0met Trump.\n") == article_id(composed)
    assert article_id(composed) != article_id("Café talks resumed. Netanyahu met Trump.")


def test_same_article_has_the_same_id_from_text_html_and_json(settings):
    from_text = load(str(ALJAZEERA_TXT), settings)[0]
    from_html = load(str(ALJAZEERA_HTML), settings)[0]
    from_json = load(str(FIXTURES / "articles.json"), settings)[0]
    assert from_text.id == from_html.id == from_json.id
    assert from_text.id != load(str(REWRITE_TXT), settings)[0].id


def test_make_article_hashes_text_and_blanks_metadata():
    article = make_article("Some  article text.", "x.txt", title="  ", outlet=" Al  Jazeera ", url="")
    assert article.id == article_id("Some article text.")
    assert article.source == "x.txt"
    assert article.title is None and article.url is None and article.published is None
    assert article.outlet == "Al Jazeera"


def test_make_article_stores_nfc_text():
    article = make_article(unicodedata.normalize("NFD", "Café talks"), "x.txt")
    assert article.text == "Caf\u00e9 talks"


def test_make_article_refuses_empty_text_naming_the_source():
    with pytest.raises(EmptyInputError, match=r"^notes\.txt: "):
        make_article(" \n ", "notes.txt")


# --- plain text and the metadata sidecar ---------------------------------------


def test_plain_text_body_is_stripped_of_blank_lines_and_no_title_is_guessed(settings, tmp_path):
    # rewrite.txt opens with a standfirst and a headline line; ingest must not
    # promote either to a title without a sidecar saying so.
    path = tmp_path / "rewrite.txt"
    path.write_bytes(b"\n\n  \n" + rewrite_text().encode("utf-8") + b"\n\n\n")
    [article] = load(str(path), settings)
    assert article.text == rewrite_text()
    assert article.title is None and article.outlet is None
    assert article.source == str(path)


def test_plain_text_newlines_are_normalised(settings, tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(aljazeera_text().replace("\n", "\r\n").encode("utf-8"))
    [article] = load(str(path), settings)
    assert "\r" not in article.text
    assert article.text == aljazeera_text()


def test_sidecar_metadata_applies_to_text_files_in_its_folder(settings):
    articles, errors = load_many([str(ALJAZEERA_TXT), str(REWRITE_TXT)], settings)
    assert errors == []
    aljazeera, rewrite = articles
    assert aljazeera.outlet == "Al Jazeera"
    assert aljazeera.text.startswith("United States President Donald Trump has met")
    assert rewrite.outlet == "Rewrite"
    assert rewrite.title == REWRITE_TITLE


def test_example_sidecar_is_well_formed():
    mapping = json.loads((EXAMPLES / "metadata.json").read_text(encoding="utf-8"))
    assert "../shared/examples/gaza-talks" in mapping["_about"]
    for name in ("aljazeera.txt", "rewrite.txt"):
        assert (EXAMPLES / name).is_file()
        assert set(mapping[name]) == {"outlet", "title", "published", "url", "note"}
        assert mapping[name]["note"]


def test_sidecar_with_unknown_field_is_an_error_listing_valid_fields(settings, tmp_path):
    shutil.copy(REWRITE_TXT, tmp_path / "rewrite.txt")
    (tmp_path / "metadata.json").write_text(json.dumps({"rewrite.txt": {"outlet": "X", "author": "Y"}}))
    err = load_error(tmp_path / "rewrite.txt", settings)
    assert isinstance(err, FormatError)
    assert str(err).startswith(str(tmp_path / "rewrite.txt"))
    assert "author" in err.reason and "outlet, title, published, url, note" in err.reason


def test_broken_sidecar_is_an_error_naming_it(settings, tmp_path):
    shutil.copy(REWRITE_TXT, tmp_path / "rewrite.txt")
    (tmp_path / "metadata.json").write_text('{"rewrite.txt": {"outlet": "X",}}')
    err = load_error(tmp_path / "rewrite.txt", settings)
    assert isinstance(err, FormatError)
    assert str(tmp_path / "metadata.json") in err.reason and "not valid JSON" in err.reason


def test_sidecar_passed_as_an_input_is_refused_with_a_hint(settings):
    err = load_error(EXAMPLES / "metadata.json", settings)
    assert isinstance(err, FormatError)
    assert "metadata sidecar" in err.reason


# --- HTML ----------------------------------------------------------------------


def test_html_page_gives_text_and_metadata_without_boilerplate(settings):
    [article] = load(str(ALJAZEERA_HTML), settings)
    assert article.title == "Trump and Netanyahu meet at White House for second time in 24 hours"
    assert article.outlet == "Al Jazeera"
    assert article.published == "2025-07-09"
    assert article.url == "https://www.aljazeera.com/news/2025/7/9/trump-netanyahu-second-meeting-fixture"
    assert article.text == aljazeera_text()
    for boilerplate in ("Skip to Content", "Subscribe to our newsletter", "More on Israel-Palestine", "Cookie preferences"):
        assert boilerplate not in article.text


def test_html_is_sniffed_by_content_not_extension(settings, tmp_path):
    path = tmp_path / "saved-page.txt"
    shutil.copy(ALJAZEERA_HTML, path)
    [article] = load(str(path), settings)
    assert article.outlet == "Al Jazeera"
    assert "<p>" not in article.text and article.text == aljazeera_text()


def test_html_outlet_falls_back_to_hostname(settings, tmp_path):
    page = ALJAZEERA_HTML.read_text(encoding="utf-8")
    page = re.sub(r'\s*<meta property="og:site_name"[^>]*>', "", page)
    page = page.replace(" | Israel-Palestine conflict News | Al Jazeera", "").replace("&#169; 2025 Al Jazeera Media Network", "")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    [article] = load(str(path), settings)
    assert article.outlet == "aljazeera.com"


def test_html_fragment_is_read(settings):
    paragraphs = rewrite_text().split("\n")[5:8]
    fragment = "".join(f"<p>{p}</p>" for p in paragraphs)
    [article] = load("-", settings, stdin=io.BytesIO(fragment.encode("utf-8")))
    assert article.text == "\n".join(paragraphs)


def test_truncated_html_has_no_article_text(settings):
    err = load_error(MALFORMED / "truncated.html", settings)
    assert isinstance(err, NoArticleTextError)
    assert str(err).startswith(str(MALFORMED / "truncated.html") + ": ")
    assert "truncated" in err.reason and "min_article_chars" in err.reason


def test_boilerplate_with_a_short_article_is_refused_with_the_count(settings, tmp_path):
    nav = "".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in ("News", "Opinion", "Sport", "Video"))
    page = (
        "<!DOCTYPE html><html><head><title>Short</title></head><body>"
        f"<nav><ul>{nav}</ul></nav><article><p>Some 50 captives remain in Gaza.</p></article>"
        "<footer><p>Contact us</p></footer></body></html>"
    )
    path = tmp_path / "short.html"
    path.write_text(page, encoding="utf-8")
    err = load_error(path, settings)
    assert isinstance(err, NoArticleTextError)
    assert re.search(r"only \d+ characters of article text", err.reason)
    assert "at least 80" in err.reason


def test_html_declared_legacy_charset_is_honoured(settings, tmp_path):
    sentence = "Le garçon a mangé à l’hôtel où il était né, déjà “naïve” – dit-il, avant de repartir à Zürich."
    page = f"<html><head><meta charset='iso-8859-1'><title>x</title></head><body><article><p>{sentence}</p></article></body></html>"
    path = tmp_path / "fr.html"
    path.write_bytes(page.encode("cp1252"))  # browsers read iso-8859-1 as windows-1252
    [article] = load(str(path), settings)
    assert article.text == sentence


# --- JSON and JSONL ----------------------------------------------------------------


def test_json_list_gives_one_article_per_record_with_field_aliases(settings):
    source = str(FIXTURES / "articles.json")
    aljazeera, rewrite = load(source, settings)
    assert aljazeera.source == f"record 1 of {source}"
    assert aljazeera.text == aljazeera_text()  # from "body"
    assert aljazeera.outlet == "Al Jazeera"  # from "source"
    assert aljazeera.published == "2025-07-09"  # from "date"
    assert rewrite.source == f"record 2 of {source}"
    assert (rewrite.outlet, rewrite.title) == ("Rewrite", REWRITE_TITLE)


def test_jsonl_keeps_good_records_and_reports_each_bad_line(settings):
    source = str(MALFORMED / "records.jsonl")
    articles, errors = load_many([source], settings)
    assert [a.source for a in articles] == [f"line 1 of {source}"]
    assert articles[0].title == REWRITE_TITLE and articles[0].text == rewrite_text()
    assert [type(e) for e in errors] == [FormatError, FormatError]
    no_text, broken = errors
    assert str(no_text).startswith(f"line 2 of {source}: ")
    assert "'title', 'url', 'date'" in no_text.reason
    assert str(broken).startswith(f"line 3 of {source}: ")
    assert "not valid JSON" in broken.reason


def test_load_is_strict_about_bad_records(settings):
    source = str(MALFORMED / "records.jsonl")
    with pytest.raises(FormatError) as info:
        load(source, settings)
    assert info.value.source == f"line 2 of {source}"
    assert "1 more bad record" in info.value.reason


def test_jsonl_is_sniffed_from_content(settings, tmp_path):
    path = tmp_path / "feed.txt"
    lines = [json.dumps({"text": aljazeera_text()}), json.dumps({"content": rewrite_text(), "site": "Rewrite"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first, second = load(str(path), settings)
    assert first.text == aljazeera_text()
    assert second.outlet == "Rewrite" and second.source == f"line 2 of {path}"


def test_json_object_is_one_article_named_by_the_file(settings, tmp_path):
    path = tmp_path / "story.json"
    path.write_text(json.dumps({"text": rewrite_text(), "url": "https://example.org/story", "published": "2025-07-08"}))
    [article] = load(str(path), settings)
    assert article.source == str(path)
    assert (article.url, article.published) == ("https://example.org/story", "2025-07-08")


@pytest.mark.parametrize(
    ("content", "error", "words"),
    [
        ('[{"text": 42}]', FormatError, "record 1 of"),
        ('["just a string"]', FormatError, "not an object"),
        ("[]", EmptyInputError, "empty JSON list"),
        ('{"text": "Trump met Netanyahu", ', FormatError, "line 1 column"),
        ('[{"text": "Too short."}]', NoArticleTextError, "only 10 characters"),
        ('[{"text": "' + "x " * 60 + '", "title": ["a"]}]', FormatError, "'title' is a list"),
    ],
)
def test_bad_json_records_are_typed_errors_naming_the_file(settings, tmp_path, content, error, words):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    err = load_error(path, settings)
    assert type(err) is error
    assert str(path) in str(err) and words in str(err)


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "error", "words"),
    [
        ("empty.txt", EmptyInputError, "empty (0 bytes)"),
        ("whitespace.txt", EmptyInputError, "only whitespace"),
        ("pixel.png", BinaryInputError, "looks like a PNG image"),
        ("rewrite.pdf", BinaryInputError, "looks like a PDF file; convert it to text or HTML first"),
        ("rewrite.txt.gz", BinaryInputError, "looks like a gzip-compressed file"),
        ("rewrite.docx", BinaryInputError, "looks like a Word document (DOCX)"),
        ("undecodable.txt", EncodingError, "re-save it as UTF-8"),
        ("truncated.html", NoArticleTextError, "no article text found"),
    ],
)
def test_malformed_fixture_raises_its_own_error_naming_the_file(settings, name, error, words):
    path = MALFORMED / name
    err = load_error(path, settings)
    assert type(err) is error
    assert err.source == str(path)
    assert str(err) == f"{path}: {err.reason}"
    assert words in err.reason


def test_nul_bytes_are_binary(settings, tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(b"Trump met Netanyahu\x00\x00\x01 at the White House" * 5)
    err = load_error(path, settings)
    assert isinstance(err, BinaryInputError) and "NUL bytes" in err.reason


def test_control_characters_without_nul_are_binary(settings, tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(bytes(range(1, 9)) * 20 + aljazeera_text().encode("utf-8")[:200])
    err = load_error(path, settings)
    assert isinstance(err, BinaryInputError) and "control characters" in err.reason


def test_cp1252_article_decodes_exactly(settings):
    path = MALFORMED / "aljazeera-cp1252.txt"
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    [article] = load(str(path), settings)
    expected = "\n".join(aljazeera_text().split("\n")[:6])
    assert article.text == expected
    assert "“almost exclusively”" in article.text and "Gaza is – it’s a tragedy" in article.text


def test_short_western_cp1252_text_is_not_misread_as_another_code_page(settings, tmp_path):
    # charset_normalizer alone ranks cp1257/cp1250 first here, giving "déjŕ" and "naďve".
    text = "Café déjà vu – “naïve” résumé, Zürich’s façade. Le garçon a mangé à l’hôtel où il était né."
    path = tmp_path / "fr.txt"
    path.write_bytes(text.encode("cp1252"))
    [article] = load(str(path), settings.with_overrides({"ingest": {"min_article_chars": 10}}))
    assert article.text == text


def test_central_european_text_keeps_its_own_code_page(settings, tmp_path):
    text = "Zażółć gęślą jaźń. Łódź jest dużym miastem w Polsce, a Kraków też. Źródło – „prasa”."
    path = tmp_path / "pl.txt"
    path.write_bytes(text.encode("cp1250"))
    [article] = load(str(path), settings.with_overrides({"ingest": {"min_article_chars": 10}}))
    assert article.text == text


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_unicode_with_byte_order_mark_decodes(settings, tmp_path, encoding):
    path = tmp_path / "bom.txt"
    data = aljazeera_text().encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    [article] = load(str(path), settings)
    assert article.text == aljazeera_text()


def test_undecodable_bytes_fit_no_encoding_we_try():
    raw = (MALFORMED / "undecodable.txt").read_bytes()
    for encoding in ("utf-8", "cp1252"):
        with pytest.raises(UnicodeDecodeError):
            raw.decode(encoding)


def test_too_large_file_is_refused_from_its_size_before_reading(settings, tmp_path, monkeypatch):
    limit = settings.get("ingest", "max_input_bytes")
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(limit + 1)  # sparse: no disk used
    opened = []
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self) or pytest.fail("file was opened"))
    err = load_error(path, settings)
    assert isinstance(err, TooLargeError)
    assert opened == []
    assert str(path) in str(err) and "max_input_bytes" in err.reason and "20.0 MB" in err.reason


def test_too_large_with_a_small_limit_setting(settings, tmp_path):
    small = settings.with_overrides({"ingest": {"max_input_bytes": 1000}})
    path = tmp_path / "article.txt"
    shutil.copy(ALJAZEERA_TXT, path)
    err = load_error(path, small)
    assert isinstance(err, TooLargeError) and "1.0 KB limit" in err.reason
    path.write_text(aljazeera_text()[:900], encoding="utf-8")
    assert load(str(path), small)[0].text == aljazeera_text()[:900].strip()


def test_too_large_stdin_reads_at_most_limit_plus_one(settings):
    small = settings.with_overrides({"ingest": {"max_input_bytes": 1000}})
    stream = io.BytesIO(aljazeera_text().encode("utf-8"))
    err = load_error("-", small, stdin=stream)
    assert isinstance(err, TooLargeError) and err.source == "-"
    assert stream.tell() == 1001


def test_text_shorter_than_min_article_chars(settings, tmp_path):
    path = tmp_path / "stub.txt"
    path.write_text("\nBREAKING: Trump meets Netanyahu.\n", encoding="utf-8")
    err = load_error(path, settings)
    assert isinstance(err, NoArticleTextError)
    assert "only 32 characters" in err.reason and "at least 80" in err.reason


def _long_text(chars: int) -> str:
    sentence = "The talks in Doha lasted two hours and ended without an agreement on the ceasefire. "
    return (sentence * (chars // len(sentence) + 1))[:chars]


def test_text_longer_than_spacy_can_analyse_is_refused_naming_the_reason(settings, tmp_path):
    path = tmp_path / "dump.txt"
    path.write_text(_long_text(2_000_000), encoding="utf-8")  # 2 MB: under max_input_bytes
    err = load_error(path, settings)
    assert isinstance(err, TooLargeError) and str(err).startswith(f"{path}: ")
    assert "2,000,000 characters" in err.reason and "at most 1,000,000" in err.reason
    assert "max_article_chars" in err.reason and "split it" in err.reason


def test_a_jsonl_record_longer_than_spacy_can_analyse_is_one_bad_record(settings, tmp_path):
    path = tmp_path / "day.jsonl"
    path.write_text(json.dumps({"text": _long_text(1_000_001)}) + "\n" + json.dumps({"text": aljazeera_text()}) + "\n",
                    encoding="utf-8")
    articles, errors = load_many([str(path)], settings)
    assert [a.source for a in articles] == [f"line 2 of {path}"]
    assert [type(e) for e in errors] == [TooLargeError] and errors[0].source == f"line 1 of {path}"


def test_max_article_chars_is_what_spacy_accepts(settings):
    from storydiff.ingest import SPACY_MAX_CHARS
    from storydiff.nlp.language import load_nlp

    assert settings.get("ingest", "max_article_chars") == SPACY_MAX_CHARS == load_nlp().max_length
    with pytest.raises(SettingsError, match="max_article_chars.*1,000,000"):
        load(str(ALJAZEERA_TXT), settings.with_overrides({"ingest": {"max_article_chars": 2_000_000}}))


def test_a_short_text_is_accepted_where_short_is_ok(settings, tmp_path):
    path = tmp_path / "summary.txt"
    path.write_text("Trump met Netanyahu.\n", encoding="utf-8")
    assert isinstance(load_error(path, settings), NoArticleTextError)
    assert load(str(path), settings, short_ok=True)[0].text == "Trump met Netanyahu."
    path.write_text("ok\n", encoding="utf-8")
    with pytest.raises(NoArticleTextError) as info:
        load(str(path), settings, short_ok=True)
    assert "min_article_chars" not in info.value.reason and "full article" not in info.value.reason
    assert "at least one sentence" in info.value.reason


def test_missing_path_and_directory_and_url(settings, tmp_path):
    missing = load_error(tmp_path / "nope.txt", settings)
    assert type(missing) is InputError and "no such file" in missing.reason
    folder = load_error(tmp_path, settings)
    assert type(folder) is InputError and "is a directory" in folder.reason
    # A loopback URL is refused before any connection (SSRF policy), online or not.
    url = load_error("http://127.0.0.1:9/news", settings)
    assert type(url) is InputError and "loopback" in url.reason and "allow_private" in url.reason
    for err, source in ((missing, tmp_path / "nope.txt"), (folder, tmp_path)):
        assert str(err).startswith(f"{source}: ")


def test_a_url_of_another_scheme_says_which_can_be_fetched(settings):
    err = load_error("ftp://example.org/a", settings)
    assert type(err) is InputError and err.source == "ftp://example.org/a"
    assert "only http and https URLs can be fetched" in err.reason and "not supported" not in err.reason


def test_a_bad_json_line_is_named_with_the_decoders_own_position(settings, tmp_path):
    path = tmp_path / "day.jsonl"
    path.write_text(json.dumps({"text": aljazeera_text()}) + '\n{"text": "abc\n', encoding="utf-8")
    _, [err] = load_many([str(path)], settings)
    assert err.source == f"line 2 of {path}"
    assert "(Unterminated string starting at: line 2 column 10)" in err.reason
    broken = tmp_path / "one.json"
    broken.write_text('{"text": "abc', encoding="utf-8")
    assert "(Unterminated string starting at: line 1 column 10)" in load_error(broken, settings).reason


def test_stdin_named_twice_is_read_once_and_the_second_says_why(settings):
    articles, errors = load_many(["-", "-"], settings, stdin=io.BytesIO(aljazeera_text().encode("utf-8")))
    assert len(articles) == 1
    assert [(type(e), e.source) for e in errors] == [(InputError, "-")]
    assert "standard input can be read only once" in errors[0].reason


def test_invalid_limits_are_settings_errors(settings):
    with pytest.raises(SettingsError, match="max_input_bytes"):
        load(str(ALJAZEERA_TXT), settings.with_overrides({"ingest": {"max_input_bytes": 0}}))


# --- stdin ------------------------------------------------------------------------------


def test_stdin_text(settings):
    [article] = load("-", settings, stdin=io.BytesIO(b"\n" + rewrite_text().encode("utf-8")))
    assert article.source == "-"
    assert article.text == rewrite_text() and article.title is None


def test_stdin_text_stream_is_read_as_bytes(settings):
    stream = io.TextIOWrapper(io.BytesIO(aljazeera_text().encode("utf-8")), encoding="utf-8")
    [article] = load("-", settings, stdin=stream)
    assert article.text == aljazeera_text()


def test_stdin_html(settings):
    [article] = load("-", settings, stdin=io.BytesIO(ALJAZEERA_HTML.read_bytes()))
    assert article.source == "-"
    assert article.outlet == "Al Jazeera" and article.text == aljazeera_text()


def test_stdin_json(settings):
    articles = load("-", settings, stdin=io.BytesIO((FIXTURES / "articles.json").read_bytes()))
    assert [a.source for a in articles] == ["record 1 of -", "record 2 of -"]
    assert articles[1].title == REWRITE_TITLE


def test_stdin_errors_name_stdin(settings):
    err = load_error("-", settings, stdin=io.BytesIO(b""))
    assert isinstance(err, EmptyInputError) and str(err).startswith("-: ")


# --- load_many ---------------------------------------------------------------------------


def test_load_many_returns_good_articles_and_every_error_naming_its_input(settings, tmp_path):
    sources = [
        str(ALJAZEERA_TXT),
        str(MALFORMED / "empty.txt"),
        str(ALJAZEERA_HTML),
        str(MALFORMED / "pixel.png"),
        str(tmp_path / "missing.txt"),
        str(MALFORMED / "records.jsonl"),
        str(REWRITE_TXT),
        "-",
    ]
    articles, errors = load_many(sources, settings, stdin=io.BytesIO(b"   "))
    assert [a.source for a in articles] == [
        str(ALJAZEERA_TXT),
        str(ALJAZEERA_HTML),
        f"line 1 of {MALFORMED / 'records.jsonl'}",
        str(REWRITE_TXT),
    ]
    assert [type(e) for e in errors] == [EmptyInputError, BinaryInputError, InputError, FormatError, FormatError, EmptyInputError]
    named = [str(MALFORMED / "empty.txt"), str(MALFORMED / "pixel.png"), str(tmp_path / "missing.txt")]
    named += [str(MALFORMED / "records.jsonl")] * 2 + ["-"]
    for err, source in zip(errors, named, strict=True):
        assert source in str(err)
        assert str(err).endswith(err.reason) and len(err.reason) > 15


def test_load_many_with_nothing_good_returns_only_errors(settings):
    articles, errors = load_many([str(MALFORMED / "undecodable.txt"), str(MALFORMED / "rewrite.pdf")], settings)
    assert articles == []
    assert [type(e) for e in errors] == [EncodingError, BinaryInputError]


def test_records_without_outlet_or_title_are_labelled_by_file_and_record(settings, tmp_path):
    # Many records of one file would otherwise all be "feed.jsonl", told apart only as "(2)", "(3)" in
    # the order of a report, which says nothing about where to find them.
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps({"text": t}) for t in (aljazeera_text(), rewrite_text())) + "\n",
                    encoding="utf-8")
    assert [a.label for a in load(str(path), settings)] == ["feed.jsonl:1", "feed.jsonl:2"]
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([{"text": aljazeera_text()}, {"text": rewrite_text()}]), encoding="utf-8")
    assert [a.label for a in load(str(listed), settings)] == ["list.json #1", "list.json #2"]
    # records read from standard input are stdin's, as a plain text there is "stdin" (not "-:1")
    piped = load("-", settings, stdin=io.BytesIO(path.read_bytes()))
    assert [a.label for a in piped] == ["stdin:1", "stdin:2"]
