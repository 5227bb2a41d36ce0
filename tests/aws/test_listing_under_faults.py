"""`sfntui ls` and `sfntui executions` against an endpoint that fails on purpose: every item
once, `--limit` honoured even by a page longer than asked for, and a page chain that never
ends reported instead of followed for ever."""

from __future__ import annotations

import pytest

from sfntui.cli import main

from .fault_endpoint import FaultyStepFunctions, history


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SFNTUI_AWS_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("SFNTUI_AWS_RETRY_DELAY", "0.01")


def with_executions(count: int, **faults: object) -> tuple[FaultyStepFunctions, str]:
    fake = FaultyStepFunctions(**faults)  # type: ignore[arg-type]
    machine = fake.add_machine("orders")
    for index in range(count):
        fake.add_execution(machine, f"run-{index:03}", history(4))
    return fake, machine


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def names(lines: list[str]) -> list[str]:
    return [line.split()[2] for line in lines]


@pytest.mark.parametrize("fault", ["malformed", "unavailable", "reset", "cut"])
def test_a_listing_page_that_fails_once_is_read_again(
    fault: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, machine = with_executions(250, script={"ListExecutions": [None, fault]})

    with fake:
        code, lines, err = run(capsys, "executions", machine, "--endpoint-url", fake.url)

    assert (code, err) == (0, "")
    assert names(lines) == [f"run-{index:03}" for index in reversed(range(250))]
    assert fake.faults("ListExecutions") == [fault]


@pytest.mark.parametrize("fault", [None, "oversized"])
def test_limit_is_honoured_however_long_the_pages(
    fault: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, machine = with_executions(40, always={"ListExecutions": fault} if fault else {})
    for index in range(12):
        fake.add_machine(f"machine-{index:02}")

    with fake:
        _, executions, _ = run(
            capsys, "executions", machine, "--limit", "7", "--endpoint-url", fake.url
        )
        _, machines, _ = run(capsys, "ls", "--limit", "3", "--endpoint-url", fake.url)

    assert names(executions) == [f"run-{index:03}" for index in range(39, 32, -1)]
    assert len(machines) == 3
    assert fake.requests("ListExecutions") == 1  # seven asked for, one page read


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("loop", "never end: the endpoint answered the same page token (stopped after 2 pages)"),
        ("endless", "never end: the endpoint answered 50 empty pages in a row"),
    ],
)
def test_a_listing_that_never_ends_is_an_error(
    fault: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, machine = with_executions(150, always={"ListExecutions": fault})

    with fake:
        code, lines, err = run(capsys, "executions", machine, "--endpoint-url", fake.url)

    assert code == 2
    assert lines == []
    assert err.startswith("sfntui: The pages of ListExecutions of ")
    assert said in err


def test_an_unavailable_service_is_said_so(capsys: pytest.CaptureFixture[str]) -> None:
    fake = FaultyStepFunctions(always={"ListStateMachines": "unavailable"})

    with fake:
        code, lines, err = run(capsys, "ls", "--endpoint-url", fake.url)

    assert code == 2
    assert err == (
        f"sfntui: The endpoint {fake.url} answered ListStateMachines with HTTP 503 (the service "
        "is unavailable), again on every retry: try again in a minute.\n"
    )
    assert fake.requests("ListStateMachines") == 2  # botocore's two tries
