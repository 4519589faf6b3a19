"""The pure tier holds to its word: no AWS client, no moto, in any of its tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

PURE = Path(__file__).resolve().parent
TESTS = PURE.parents[1]
ROOT = TESTS.parent


def test_a_pure_test_that_creates_an_aws_client_fails() -> None:
    with pytest.raises(AssertionError, match="belongs in tests/unit"):
        boto3.client("dynamodb", region_name="eu-west-1")


def test_a_pure_test_that_reads_the_table_through_the_models_fails() -> None:
    from shopdesk.store.models import Thread

    with pytest.raises(AssertionError, match="belongs in tests/unit"):
        Thread.get(*Thread.key(1))


def test_a_pure_test_is_marked_pure(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("pure") is not None


def test_the_pure_tier_imports_no_moto() -> None:
    """Its conftests and test modules, imported in a fresh interpreter, leave moto unimported."""
    script = (
        "import importlib.util, sys, pathlib\n"
        "for path in [*CONFTESTS, *sorted(str(p) for p in pathlib.Path(PURE).glob('test_*.py'))]:\n"
        "    spec = importlib.util.spec_from_file_location(pathlib.Path(path).stem + '_probe', path)\n"
        "    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)\n"
        "    spec.loader.exec_module(module)\n"
        "print(sorted(m for m in sys.modules if m == 'moto' or m.startswith('moto.')))\n"
    ).replace("CONFTESTS", repr([str(TESTS / "conftest.py"), str(TESTS / "unit" / "conftest.py"), str(PURE / "conftest.py")])).replace(
        "PURE", repr(str(PURE))
    )
    paths = [str(ROOT / p) for p in ("layers/common", "functions/contact_form", "functions/threads_api", "functions/imap_sync", ".")]
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
