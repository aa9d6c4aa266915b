"""Pyflakes rules (ruff F) over the code: an undefined name or a wrong import fails here, not in a user's hands.

An undefined variable in one branch of `storydiff provenance` once reached main; only the stored-story
branch used it, so every test that took the other branch passed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_no_pyflakes_errors():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed; `make test` installs it with the dev extras")
    result = subprocess.run([ruff, "check", "--select", "F", "--output-format", "concise",
                             "src", "tests", "scripts", "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
