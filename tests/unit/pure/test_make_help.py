"""`make help` lists every target the README names, and every target the Makefile declares phony."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def listed() -> set[str]:
    make = shutil.which("make")
    assert make, "make is needed (Debian's make)"
    help_text = subprocess.run([make, "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60).stdout
    return set(re.findall(r"\bmake ([a-z][a-z0-9-]*)", help_text))


def test_every_target_the_readme_names_is_in_make_help(listed: set[str]) -> None:
    named = set(re.findall(r"\bmake ([a-z][a-z0-9-]*)", (ROOT / "README.md").read_text(encoding="utf-8")))
    assert named and named - listed - {"help"} == set()


def test_every_phony_target_is_in_make_help(listed: set[str]) -> None:
    phony = {target for line in re.findall(r"^\.PHONY:(.*)$", (ROOT / "Makefile").read_text(), re.M) for target in line.split()}
    assert phony - listed - {"help"} == set()
