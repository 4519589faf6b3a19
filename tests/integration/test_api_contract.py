"""The OpenAPI documents are the contract: schemathesis generates requests from
docs/openapi/{public,agents}.json, valid and invalid, and sends them to the local stack as
`make run` starts it (its own, since the agents' run deletes what it finds). No answer may be a
server error, carry a status the document does not list, break the document's schema for that
status, or accept a request the document says is invalid. Seeded and bounded: the same cases on
every run, in about a minute each on a 2-core machine."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import ROOT, running_stack, sign_in

pytestmark = pytest.mark.stack

CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,negative_data_rejection"
SEED = 16
# Cases per operation: a few thousand in all over the two APIs (the run prints the count).
EXAMPLES = {"public": 120, "agents": 45}
HOOKS = "tests.integration.contract_hooks"


@pytest.fixture(scope="module")
def contract_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with running_stack(tmp_path_factory.mktemp("contract"), lambda state_dir: (state_dir / "stack.json").exists(), 60) as state:
        yield state


def schemathesis(api: str, base_url: str, report: Path, *headers: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run", str(ROOT / "docs" / "openapi" / f"{api}.json"),
        "--url", base_url,
        "--checks", CHECKS,
        "--seed", str(SEED),
        "--max-examples", str(EXAMPLES[api]),
        "--phases", "examples,coverage,fuzzing",
        "--workers", "2",
        "--generation-database", "none",
        "--no-color",
        "--report", "junit", "--report-junit-path", str(report),
    ]
    for header in headers:
        command += ["--header", header]
    env = dict(os.environ, SCHEMATHESIS_HOOKS=HOOKS, PYTHONPATH=str(ROOT))
    # In a folder of its own: schemathesis keeps a cache of the crashes it found where it runs.
    return subprocess.run(command, cwd=report.parent, env=env, capture_output=True, text=True, timeout=240)


def failures(run: subprocess.CompletedProcess[str], stack: dict[str, Any]) -> str:
    """What schemathesis found, and the stack's tracebacks of its server errors."""
    log = Path(stack["state_dir"]) / "stack.log"
    errors = [line[:4000] for line in log.read_text(errors="replace").splitlines() if "unexpected error" in line] if log.exists() else []
    return run.stdout[-20000:] + run.stderr[-5000:] + "\n".join(errors[:5])


def test_the_public_api_keeps_its_documented_contract(contract_stack: dict[str, Any], tmp_path: Path) -> None:
    run = schemathesis("public", contract_stack["public_api"], tmp_path / "public.xml")
    assert run.returncode == 0, failures(run, contract_stack)
    assert " passed" in run.stdout


def test_the_agents_api_keeps_its_documented_contract_with_an_admins_cognito_token(contract_stack: dict[str, Any], tmp_path: Path) -> None:
    token = sign_in(contract_stack, "admin")
    run = schemathesis("agents", contract_stack["agents_api"], tmp_path / "agents.xml", f"Authorization: Bearer {token}")
    assert run.returncode == 0, failures(run, contract_stack)
    assert " passed" in run.stdout
