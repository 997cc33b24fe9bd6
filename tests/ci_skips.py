"""Under CI (`CI=true`) a test that would skip fails instead, naming what is missing: a CI without Go, Mono, Chromium
or the seed must not go green. A test whose skip is a case for another kind of machine, not something missing, says so
with `@pytest.mark.ci_may_skip(reason=...)`; those are the only skips CI allows. (Loaded by tests/conftest.py.)"""

from __future__ import annotations

import os

import pytest

CI_VALUES = ("true", "1", "yes")  # what CI systems set CI to (GitHub Actions, GitLab, Travis, CircleCI: true)


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in CI_VALUES


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "ci_may_skip(reason): this test's skip is allowed under CI=true, for the reason given")


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return text.removeprefix("Skipped: ")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail") or not under_ci() or item.get_closest_marker("ci_may_skip"):
        return
    report.outcome = "failed"
    report.longrepr = f"CI=true: a skip fails under CI. This test would have skipped: {skip_reason(report)}"
