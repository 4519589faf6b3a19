"""Shared test set-up: paths come from pyproject.toml; fixtures for in-process moto live in tests/unit.

In CI (`CI` set, as `.ci/run` does) nothing may be skipped: a skip is reported as a failure, so a
missing tool (the SAM CLI, checkov, Chromium…) cannot turn a red run green.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run every test: {report.longrepr}"
