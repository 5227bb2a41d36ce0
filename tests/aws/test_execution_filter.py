"""Filtering the sidebar's executions by status and by name as you type (`f`), against the
fault-injecting endpoint (fixed statuses); and the filter's words on their own."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from sfntui.aws import ConnectionOptions, PollInterval
from sfntui.backends.aws import AwsBackend
from sfntui.backends.local import LocalBackend
from sfntui.history.records import ExecutionSummary
from sfntui.tui.app import make_app
from sfntui.tui.execution_filter import ExecutionFilter
from sfntui.tui.screens import main
from tests.tui.steps import main_screen, sidebar, wait_until

from .fault_endpoint import REGION, FaultyStepFunctions, history


def names(executions: list[ExecutionSummary]) -> list[str]:
    return sorted(execution.name for execution in executions)


async def test_typing_a_status_and_a_name_narrows_the_executions_as_you_type(
    tmp_path: Path,
) -> None:
    with FaultyStepFunctions() as faulty:
        machine = faulty.add_machine("orders")
        faulty.add_execution(machine, "order-1", history(5))
        faulty.add_execution(machine, "order-2", history(5, ending="ExecutionFailed"))
        faulty.add_execution(machine, "refund-1", history(5, ending="ExecutionFailed"))
        options = ConnectionOptions(endpoint_url=faulty.url, region=REGION)
        aws = AwsBackend(options, interval=PollInterval(0.05, 0.2))
        async with make_app(LocalBackend([tmp_path]), aws=aws).run_test(size=(100, 30)) as pilot:
            tree = sidebar(pilot)
            await wait_until(pilot, lambda: tree.machine_node(machine) is not None, "listed")
            tree.select_node(tree.machine_node(machine))
            listed = lambda: names(tree.executions_of(machine))  # noqa: E731
            await wait_until(pilot, lambda: len(listed()) == 3, "the executions")
            tree.focus()

            await pilot.press("f")
            box = main_screen(pilot).query_one("#execution-filter", Input)
            shown = box.display and box.has_focus
            await pilot.press(*"fail")
            failed = listed()
            await pilot.press(*" order")
            failed_orders = listed()
            await pilot.press(*" zzz")
            note = [str(node.label) for node in tree.machine_node(machine).children]
            box.value = ""
            await wait_until(pilot, lambda: len(listed()) == 3, "all again")

            assert shown
            assert failed == ["order-2", "refund-1"]
            assert failed_orders == ["order-2"]
            assert note == ["none match the filter (3 hidden)"]


def test_filter_words_are_statuses_or_pieces_of_the_name() -> None:
    def run(name: str, status: str) -> ExecutionSummary:
        return ExecutionSummary(arn=f"arn:x:{name}", name=name, machine_arn="m", status=status)

    timed_out = ExecutionFilter.parse("time Nightly")

    assert timed_out.statuses == {"TIMED_OUT"} and timed_out.name_pieces == ("nightly",)
    assert timed_out.matches(run("nightly-7", "TIMED_OUT"))
    assert not timed_out.matches(run("nightly-7", "FAILED"))
    assert ExecutionFilter.parse("failed aborted").matches(run("x", "ABORTED"))
    assert ExecutionFilter.parse("").is_empty


async def test_older_executions_are_listed_a_page_more_when_the_cursor_reaches_the_end(
    tmp_path: Path,
) -> None:
    with FaultyStepFunctions() as faulty:
        machine = faulty.add_machine("busy")
        for index in range(150):
            faulty.add_execution(machine, f"run-{index:03}", history(3))
        options = ConnectionOptions(endpoint_url=faulty.url, region=REGION)
        aws = AwsBackend(options, interval=PollInterval(0.05, 0.2))
        async with make_app(LocalBackend([tmp_path]), aws=aws).run_test(size=(100, 30)) as pilot:
            tree = sidebar(pilot)
            await wait_until(pilot, lambda: tree.machine_node(machine) is not None, "listed")
            tree.select_node(tree.machine_node(machine))
            node = tree.machine_node(machine)
            await wait_until(pilot, lambda: len(tree.executions_of(machine)) == 100, "a page")
            first_page = len(tree.executions_of(machine))
            last = node.children[-1]
            more_leaf = str(last.label)

            tree.move_cursor(last)
            await wait_until(pilot, lambda: len(tree.executions_of(machine)) == 150, "the rest")

            assert first_page == 100 and more_leaf.startswith("more…")
            assert not str(node.children[-1].label).startswith("more")  # nothing older
            assert "run-000" in names(tree.executions_of(machine))


async def test_polls_read_the_newest_page_alone_once_older_pages_are_listed(
    tmp_path: Path,
) -> None:
    with FaultyStepFunctions() as faulty:
        machine = faulty.add_machine("busy")
        for index in range(250):
            faulty.add_execution(machine, f"run-{index:03}", history(3))
        options = ConnectionOptions(endpoint_url=faulty.url, region=REGION)
        aws = AwsBackend(options, interval=PollInterval(0.05, 0.1))
        async with make_app(LocalBackend([tmp_path]), aws=aws).run_test(size=(100, 30)) as pilot:
            tree = sidebar(pilot)
            await wait_until(pilot, lambda: tree.machine_node(machine) is not None, "listed")
            tree.select_node(tree.machine_node(machine))
            node = tree.machine_node(machine)
            await wait_until(pilot, lambda: len(tree.executions_of(machine)) == 100, "a page")
            tree.move_cursor(node.children[-1])  # "more…": the second page
            await wait_until(pilot, lambda: len(tree.executions_of(machine)) == 200, "two pages")
            requests = faulty.endpoint.requests
            since = len(requests)

            def polls() -> list[dict[str, object]]:
                return [r.body for r in requests[since:] if r.action == "ListExecutions"]

            await wait_until(pilot, lambda: len(polls()) >= 5, "five more polls")
            # Each poll asks for the newest page and nothing past it: the older page is not
            # read again every time (250 executions, 200 listed: 2 pages a poll before).
            assert all("nextToken" not in body for body in polls())
            assert len(tree.executions_of(machine)) == 200
            # A new execution shows at the top, the older ones stay listed under it.
            faulty.add_execution(machine, "run-new", history(3))
            await wait_until(
                pilot, lambda: "run-new" in names(tree.executions_of(machine)), "the new one"
            )
            listed = names(tree.executions_of(machine))
            assert "run-050" in listed and len(listed) == 201


async def test_a_running_execution_on_an_older_page_is_seen_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main, "OLDER_RUNNING_POLL", 0.05)
    with FaultyStepFunctions() as faulty:
        machine = faulty.add_machine("busy")
        running = {}
        for index in range(150):
            name = f"run-{index:03}"
            still = index % 10 == 0  # one in ten still running
            arn = faulty.add_execution(machine, name, history(3), visible=2 if still else None)
            if still:
                running[name] = arn
        options = ConnectionOptions(endpoint_url=faulty.url, region=REGION)
        aws = AwsBackend(options, interval=PollInterval(0.05, 0.2))
        async with make_app(LocalBackend([tmp_path]), aws=aws).run_test(size=(100, 30)) as pilot:
            tree = sidebar(pilot)
            await wait_until(pilot, lambda: tree.machine_node(machine) is not None, "listed")
            tree.select_node(tree.machine_node(machine))
            node = tree.machine_node(machine)
            await wait_until(pilot, lambda: len(tree.executions_of(machine)) == 100, "a page")
            newest = names(tree.executions_of(machine))
            tree.move_cursor(node.children[-1])  # "more…": the older page
            await wait_until(pilot, lambda: len(tree.executions_of(machine)) == 150, "the rest")
            older = [name for name in running if name not in newest]

            def status(name: str) -> str:
                found = [e for e in tree.executions_of(machine) if e.name == name]
                return str(found[0].status)

            listed_running = [status(name) for name in older]
            for name in older:  # they end on AWS
                faulty.executions[running[name]].visible = 3
            await wait_until(
                pilot, lambda: all(status(name) == "SUCCEEDED" for name in older), "their end"
            )

            assert len(older) == 5
            assert listed_running == ["RUNNING"] * 5
