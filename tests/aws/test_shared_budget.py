"""The request budget is shared by every sfntui process of an account and region on the
machine: three processes spending it together stay inside one bucket, as AWS counts them."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest

from sfntui.aws import AwsSession, ConnectionOptions
from sfntui.cli import main

from .fault_endpoint import FaultyStepFunctions

CAPACITY, RATE, TAKES = 5, 20.0, 8
#: A process that says "ready", waits for "go", takes TAKES tokens and prints when it got each.
SPENDER = f"""
import asyncio, json, sys, time
from pathlib import Path
from sfntui.aws.budget import Quota, RequestBudget

budget = RequestBudget(share=1.0, quotas={{"GetExecutionHistory": Quota({CAPACITY}, {RATE})}})
budget.share_through(Path(sys.argv[1]))
print("ready", flush=True)
sys.stdin.readline()

async def spend():
    stamps = []
    for _ in range({TAKES}):
        await budget.acquire("GetExecutionHistory")
        stamps.append(time.time())
    return stamps

print(json.dumps(asyncio.run(spend())), flush=True)
"""


def spend_together(files: list[Path]) -> list[float]:
    """Run one spender per file at once; the moments each took its tokens, spender by
    spender."""
    spenders = [
        subprocess.Popen(
            [sys.executable, "-c", SPENDER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    try:
        for spender in spenders:
            assert spender.stdout is not None and spender.stdout.readline() == "ready\n"
        for spender in spenders:
            assert spender.stdin is not None
            spender.stdin.write("go\n")
            spender.stdin.flush()
        stamps = []
        for spender in spenders:
            out, _ = spender.communicate(timeout=60)
            stamps.extend(json.loads(out))
    finally:
        for spender in spenders:
            spender.kill()
    return stamps


def overspent(stamps: list[float]) -> int:
    """The most tokens taken in any window beyond what one bucket allows in it."""
    worst = 0
    for first, last in combinations(range(len(stamps)), 2):
        allowed = CAPACITY + RATE * (stamps[last] - stamps[first])
        worst = max(worst, round(last - first + 1 - allowed))
    return worst


def test_three_processes_share_one_bucket(tmp_path: Path) -> None:
    # beside them, three with budgets of their own show that the check can fail: three
    # buckets spend three bursts at once
    shared = [tmp_path / "budget.json"] * 3
    separate = [tmp_path / f"budget-{index}.json" for index in range(3)]

    stamps = spend_together(shared + separate)
    together = sorted(stamps[: 3 * TAKES])
    apart = sorted(stamps[3 * TAKES :])

    assert len(together) == len(apart) == 3 * TAKES
    assert overspent(together) <= 1  # (one token of slack for clock rounding)
    assert together[-1] - together[0] >= 0.9 * (3 * TAKES - CAPACITY) / RATE
    assert overspent(apart) >= CAPACITY


async def test_sessions_of_one_account_and_region_share_a_file(tmp_path: Path) -> None:
    def options(region: str) -> ConnectionOptions:
        return ConnectionOptions(endpoint_url="http://127.0.0.1:9", region=region)

    async with (
        AwsSession(options("us-east-1")) as first,
        AwsSession(options("us-east-1")) as second,
        AwsSession(options("eu-west-1")) as other_region,
    ):
        pass  # opening a session settles its region, and so its budget

    assert first.budget.shared_file == second.budget.shared_file
    assert first.budget.shared_file != other_region.budget.shared_file
    assert first.budget.shared_file is not None
    assert first.budget.shared_file.is_relative_to(tmp_path / "cache" / "sfntui")


def test_the_cli_spends_the_shared_budget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FaultyStepFunctions()
    fake.add_machine("orders")

    with fake:
        code = main(["ls", "--endpoint-url", fake.url])
    capsys.readouterr()

    assert code == 0
    (saved,) = (tmp_path / "cache" / "sfntui" / "budget").iterdir()
    state = json.loads(saved.read_text())
    assert set(state) == {"ListStateMachines"}
    assert state["ListStateMachines"]["tokens"] == pytest.approx(49, abs=0.5)  # 50 less one
