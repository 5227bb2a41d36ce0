"""Shared test setup: the conformance pass rate by area is printed at the end of a run."""

from __future__ import annotations

from collections import defaultdict


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
