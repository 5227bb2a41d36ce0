"""Shared test setup: every test keeps its local runs in its own data folder (the run store
under XDG_DATA_HOME), and the conformance pass rate by area is printed at the end of a run."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path_factory, monkeypatch):
    """The run store of the test, never the user's: a fresh XDG_DATA_HOME per test."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times are shown in local time: make that the same everywhere (for snapshots)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001
    from tests.engine import test_conformance

    results = test_conformance.RESULTS
    if not results:
        return
    by_area: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for passed, jsonata, case_areas in results.values():
        for area in [*case_areas, "JSONata" if jsonata else "JSONPath only", "all"]:
            by_area[area][0] += passed
            by_area[area][1] += 1
    write = terminalreporter.write_line
    terminalreporter.section("conformance with recorded AWS executions")
    for area, (passed, total) in sorted(by_area.items(), key=lambda kv: (kv[0] != "all", kv[0])):
        write(f"{area:<22} {passed:>4}/{total:<4} {100 * passed / total:5.1f}%")
