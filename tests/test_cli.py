"""The command line, run as a user runs it: a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from storydiff.cli import main

from conftest import FIXTURES

EXE = [sys.executable, "-m", "storydiff.cli"]


def run(*args, stdin: bytes | None = None):
    return subprocess.run([*EXE, *args], input=stdin, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def json_run(example_paths):
    return run("compare", *example_paths, "--format", "json")


def test_compare_json_on_the_example(json_run):
    assert json_run.returncode == 0, json_run.stderr.decode()
    data = json.loads(json_run.stdout)
    kinds = {v["conflict_kind"] for v in data["verdicts"] if v["label"] == "conflict"}
    assert {"duration", "figure", "quote_wording"} <= kinds


def test_terminal_output_groups_conflicts_first(example_paths):
    result = run("compare", *example_paths, "--no-color", "--width", "100")
    out = result.stdout.decode()
    assert result.returncode == 0
    assert out.index("Conflicts") < out.index("Agreements") < out.index("Only in")
    assert "just over an hour" in out and "about two hours" in out
    assert "\x1b[" not in out


def test_stdin_and_html_output(example_paths, tmp_path):
    target = tmp_path / "report.html"
    with open(example_paths[1], "rb") as f:
        result = run("compare", example_paths[0], "-", "--format", "html", "-o", str(target), stdin=f.read())
    assert result.returncode == 0, result.stderr.decode()
    html = target.read_text()
    assert html.lower().startswith("<!doctype html>") and "<mark" in html


def test_one_bad_input_is_named_and_exit_is_nonzero(example_paths, tmp_path):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    result = run("compare", *example_paths, str(binary), "--format", "json")
    assert result.returncode == 1
    assert str(binary) in result.stderr.decode()
    data = json.loads(result.stdout)  # the good inputs were still compared
    assert len(data["articles"]) == 2 and data["skipped"][0]["source"] == str(binary)


def test_missing_file_and_too_few_articles(tmp_path):
    result = run("compare", str(tmp_path / "nope.txt"), str(tmp_path / "nope2.txt"))
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "nope.txt" in err and "nope2.txt" in err and "nothing to compare" in err.lower()


def test_help_explains_the_command():
    from click.testing import CliRunner

    out = CliRunner().invoke(main, ["compare", "--help"]).output
    for words in ("INPUT", "--format", "Exit status", "standard input"):
        assert words in out


def test_bad_settings_file_is_a_clear_error(example_paths, tmp_path):
    bad = tmp_path / "settings.toml"
    bad.write_text("[embedder]\nbackend = \"glove\"\n")
    result = run("compare", *example_paths, "--settings", str(bad))
    assert result.returncode == 1
    assert "glove" in result.stderr.decode() and "minilm" in result.stderr.decode()


def test_a_settings_file_that_does_not_load_is_a_usage_error_before_any_work(example_paths, tmp_path):
    bad = tmp_path / "settings.toml"
    bad.write_text('[align]\nmin_score = "high"\n')
    result = run("compare", *example_paths, "--settings", str(bad))
    err = result.stderr.decode()
    assert result.returncode == 2
    assert "[align] min_score must be a number" in err and "Traceback" not in err


def test_a_bad_input_is_named_as_written_even_with_brackets_in_its_name(example_paths, tmp_path):
    # rich would read "[draft]" as a style and print "notes .txt": the user could not find the file
    bad = tmp_path / "notes [draft].txt"
    bad.write_bytes((FIXTURES / "malformed" / "empty.txt").read_bytes())
    result = run("compare", example_paths[0], str(bad))
    assert result.returncode == 1
    assert f"skipped {bad}: is empty" in " ".join(result.stderr.decode().split())


def test_the_timeline_chart_is_named_as_written_even_with_brackets_in_its_name(example_paths, tmp_path):
    chart = tmp_path / "toll [draft].png"
    result = run("timeline", *example_paths, "--term", "killed", "--plot", str(chart))
    assert result.returncode == 0, result.stderr.decode()
    assert chart.exists() and str(chart) in " ".join(result.stderr.decode().split())


def test_timeline_takes_format_json_as_provenance_does_and_the_old_json_flag_still_works(example_paths):
    from click.testing import CliRunner

    runner = CliRunner()
    new = runner.invoke(main, ["timeline", *example_paths, "--term", "killed", "-f", "json"])
    old = runner.invoke(main, ["timeline", *example_paths, "--term", "killed", "--json"])
    assert new.exit_code == old.exit_code == 0, (new.output, old.output)
    assert json.loads(new.stdout) and json.loads(new.stdout) == json.loads(old.stdout)
    assert "--json is deprecated; use -f json" in old.stderr and "deprecated" not in new.stderr
    assert "--json" not in runner.invoke(main, ["timeline", "--help"]).stdout  # hidden: -f is the one shown
    clash = runner.invoke(main, ["timeline", *example_paths, "--json", "-f", "terminal"])
    assert clash.exit_code == 2 and "--json means -f json" in clash.stderr


def test_a_chart_name_without_png_or_svg_is_refused_before_any_work(example_paths, tmp_path):
    # matplotlib wrote "x" as "x.png" (the message named "x") and raised a traceback for ".txt"
    for name in ("x", "x.txt"):
        result = run("timeline", *example_paths, "--term", "killed", "--plot", str(tmp_path / name))
        assert result.returncode == 2 and ".png or .svg" in result.stderr.decode()
        assert "Figures" not in result.stdout.decode() and not list(tmp_path.iterdir())


def _over_spacy_limit(tmp_path):
    """2,000,000 characters in one paragraph: under max_input_bytes, over what spaCy analyses."""
    path = tmp_path / "dump.txt"
    sentence = "The talks in Doha lasted two hours and ended without an agreement. "
    path.write_text((sentence * (2_000_000 // len(sentence) + 1))[:2_000_000], encoding="utf-8")
    return path


def test_a_text_too_long_to_analyse_is_skipped_by_compare_and_refused_by_check(example_paths, tmp_path):
    big = _over_spacy_limit(tmp_path)
    result = run("compare", str(big), example_paths[0], "--format", "json")
    err = " ".join(result.stderr.decode().split())
    assert result.returncode == 1 and "Traceback" not in err
    assert f"skipped {big}: has 2,000,000 characters of text; at most 1,000,000 can be analysed" in err
    result = run("check", str(big), example_paths[1])
    err = " ".join(result.stderr.decode().split())
    assert result.returncode == 2 and "Traceback" not in err
    assert f"error: {big}: has 2,000,000 characters" in err


def test_check_takes_a_one_line_summary_but_not_a_one_line_source(example_paths, tmp_path):
    summary = tmp_path / "summary.txt"
    summary.write_text("The talks between Trump and Netanyahu lasted two hours.\n", encoding="utf-8")
    result = run("check", example_paths[0], str(summary), "--format", "json")
    assert result.returncode in (0, 1), result.stderr.decode()
    assert json.loads(result.stdout)["claims"]
    result = run("check", str(summary), example_paths[0])
    err = " ".join(result.stderr.decode().split())
    assert result.returncode == 2 and f"{summary}: has only 55 characters" in err and "full article" in err


def test_stdin_twice_says_it_can_be_read_only_once(example_paths):
    text = open(example_paths[0], "rb").read()
    result = run("check", "-", "-", stdin=text)
    assert result.returncode == 2
    assert "-: standard input can be read only once" in " ".join(result.stderr.decode().split())
    result = run("compare", "-", "-", stdin=text)
    err = " ".join(result.stderr.decode().split())
    assert result.returncode == 1 and "skipped -: standard input can be read only once" in err
    assert "is empty" not in err


@pytest.mark.parametrize("command", ["compare", "check"])
def test_output_into_a_missing_folder_is_a_usage_error_before_any_work(example_paths, tmp_path, command):
    target = tmp_path / "no-such-folder" / "report.json"
    result = run(command, *example_paths, "-o", str(target))
    err = " ".join(result.stderr.decode().split())
    assert result.returncode == 2 and "Traceback" not in err
    assert err == f"error: cannot write {target}: the folder {target.parent} does not exist"


def test_serve_refuses_what_it_cannot_serve_before_starting(tmp_path):
    import socket

    from click.testing import CliRunner

    notes = tmp_path / "notes.db"
    notes.write_text("my notes, not a database\n" * 20)
    refused = CliRunner().invoke(main, ["serve", "--db", str(notes)])
    assert refused.exit_code == 2 and "not an SQLite file" in refused.output
    assert notes.read_text().startswith("my notes")
    assert CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "x.db"), "--port", "99999"]).exit_code == 2
    with socket.create_server(("127.0.0.1", 0)) as taken:  # a port another program listens on
        port = taken.getsockname()[1]
        busy = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "new.db"), "--port", str(port)])
    assert busy.exit_code == 1 and f"cannot listen on 127.0.0.1:{port}" in busy.output
    assert "no corpus at" in busy.output and not (tmp_path / "new.db").exists()


def test_a_mistyped_file_name_is_no_such_file_not_a_corpus_problem(tmp_path):
    from click.testing import CliRunner

    for command in ("provenance", "brief", "timeline"):
        result = CliRunner().invoke(main, [command, str(tmp_path / "report.txt"), "--db", str(tmp_path / "no.db")])
        said = " ".join(result.output.split())  # the console wraps at 80 columns
        assert result.exit_code == 1 and "report.txt: no such file" in said, (command, said)
        assert "no corpus" not in said and not (tmp_path / "no.db").exists()


def test_brief_and_timeline_exit_1_when_an_input_was_skipped(example_paths):
    empty = FIXTURES / "malformed" / "empty.txt"
    for command in ("brief", "timeline"):
        result = run(command, *example_paths, str(empty))
        assert result.returncode == 1, (command, result.stderr.decode())
        assert "skipped" in result.stderr.decode() and result.stdout  # the rest were still used
