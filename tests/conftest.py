"""Shared test set-up: paths come from pyproject.toml; fixtures for in-process moto live in tests/unit.

The tiers (README, Tests): `pure` (tests/unit/pure: no AWS at all), the in-process moto tests of
tests/unit, the template tests of tests/, and tests/integration (`stack`, `browser`).

In CI (`CI` set, as `.ci/run` does) nothing may be skipped: a skip is reported as a failure, so a
missing tool (the SAM CLI, checkov, Chromium…) cannot turn a red run green.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "pure: no AWS at all, not even moto (tests/unit/pure, enforced there)")
    config.addinivalue_line("markers", "integration: starts processes of its own (tests/integration: every test there)")
    config.addinivalue_line("markers", "mail_server: talks to a real IMAP server (Dovecot, pymap)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run every test: {report.longrepr}"
