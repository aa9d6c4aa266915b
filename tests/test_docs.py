"""Every command has help text and appears in the docs (README.md or docs/*.md)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from conftest import ROOT
from storydiff.cli import main

DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def _commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


COMMANDS = list(_commands(main))


@pytest.mark.parametrize("path", [" ".join(p) for p, _ in COMMANDS])
def test_command_has_help_and_is_documented(path):
    result = CliRunner().invoke(main, [*path.split(), "--help"])
    assert result.exit_code == 0, result.output
    command = dict((" ".join(p), c) for p, c in COMMANDS)[path]
    assert command.help and len(command.help.split()) >= 5, f"{path}: help text is missing or too thin"
    assert f"storydiff {path}" in DOCS or f"`{path.split()[-1]}" in DOCS, f"`storydiff {path}` is not in the docs"
