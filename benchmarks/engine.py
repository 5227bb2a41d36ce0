"""Engine throughput through `sfntui run`, the path users take, beside moto's ASL interpreter.

    .venv/bin/python benchmarks/engine.py [--quick]

Each case is written to a file and run as a user runs it: `sfntui run FILE` (load, validate,
run with the history and inspection data recorded, print the output), and again with
`--json --history` (the whole history printed); best of five, each starting with nothing
compiled, as a new process would. The command runs in this process (`sfntui.cli.main`), its
imports done once beforehand: start-up is `benchmarks/startup.py`'s business, but the
command's fixed costs (its argument parser, an event loop) are in every figure. moto runs
the same definitions in process (`mock_aws`, `execute_state_machine` on), its history read
back through the paginator; the transitions per second of each and their ratio are printed.
Target: through `sfntui run`, at least 30 times moto on every shape.

Also, ours alone: a distributed Map over 100,000 items through the CLI (each item a child run
with its own history) with its peak memory; a 5,000-Pass chain through the CLI (moto's
history grows quadratically there, so its rate on the 1,000 chain stands in: the harder
comparison); the shapes in JSONata, running (the engine's API) and through the CLI (where
each expression is compiled at load); and a debugger attached with no breakpoint.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sfntui.asl import jsonata, paths
from sfntui.asl.parse import parse_state_machine
from sfntui.cli import main as sfntui_main
from sfntui.engine.clock import VirtualClock
from sfntui.engine.debugger import Debugger
from sfntui.engine.interpreter import LocalExecution, RunOptions


def chain_of_passes(count: int) -> dict[str, Any]:
    states: dict[str, Any] = {}
    for i in range(count):
        state: dict[str, Any] = {"Type": "Pass", "Result": {"step": i}, "ResultPath": "$.last"}
        if i + 1 < count:
            state["Next"] = f"P{i + 1}"
        else:
            state["End"] = True
        states[f"P{i}"] = state
    return {"StartAt": "P0", "States": states}


def jsonata_chain_of_passes(count: int, merge: bool = True) -> dict[str, Any]:
    """The chain above in JSONata: each Pass merges its step into its input with `$merge`
    (the same work as ResultPath), or, with merge=False, builds its output from a template
    that reads the input (`{"last": {"step": i}, "from": "{% $states.input.last %}"}`)."""
    machine = chain_of_passes(count)
    for i, state in enumerate(machine["States"].values()):
        del state["Result"], state["ResultPath"]
        if merge:
            state["Output"] = "{% $merge([$states.input, {'last': {'step': " + str(i) + "}}]) %}"
        else:
            state["Output"] = {"last": {"step": i}, "from": "{% $states.input.last %}"}
    return {"QueryLanguage": "JSONata", **machine}


def jsonata_inline_map(items: int) -> tuple[dict[str, Any], Any]:
    processor = {
        "StartAt": "Prepare",
        "States": {
            "Prepare": {"Type": "Pass", "Output": {"n": "{% $states.input.n %}"}, "Next": "Decide"},
            "Decide": {
                "Type": "Choice",
                "Choices": [{"Condition": "{% $states.input.n > 500 %}", "Next": "Big"}],
                "Default": "Small",
            },
            "Big": {"Type": "Pass", "Output": "big", "End": True},
            "Small": {"Type": "Pass", "Output": "small", "End": True},
        },
    }
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "Items": "{% $states.input.items %}",
                "ItemProcessor": processor,
                "End": True,
            }
        },
    }
    return definition, {"items": [{"n": i} for i in range(items)]}


def jsonata_parallel(branches: int, length: int) -> dict[str, Any]:
    machine = parallel(branches, length)
    for branch in machine["States"]["Fan"]["Branches"]:
        for i, state in enumerate(branch["States"].values()):
            del state["Result"], state["ResultPath"]
            state["Output"] = "{% $merge([$states.input, {'last': {'step': " + str(i) + "}}]) %}"
    return {"QueryLanguage": "JSONata", **machine}


def inline_map(items: int) -> tuple[dict[str, Any], Any]:
    processor = {
        "StartAt": "Prepare",
        "States": {
            "Prepare": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "Next": "Decide"},
            "Decide": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericGreaterThan": 500, "Next": "Big"}],
                "Default": "Small",
            },
            "Big": {"Type": "Pass", "Result": "big", "End": True},
            "Small": {"Type": "Pass", "Result": "small", "End": True},
        },
    }
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": processor, "End": True}
        },
    }
    return definition, {"items": [{"n": i} for i in range(items)]}


def parallel(branches: int, length: int) -> dict[str, Any]:
    def branch(b: int) -> dict[str, Any]:
        chain = chain_of_passes(length)
        renamed = {f"B{b}_{k}": dict(v) for k, v in chain["States"].items()}
        for state in renamed.values():
            if "Next" in state:
                state["Next"] = f"B{b}_{state['Next']}"
        return {"StartAt": f"B{b}_P0", "States": renamed}

    return {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "Branches": [branch(b) for b in range(branches)],
                "End": True,
            }
        },
    }


def distributed_map() -> dict[str, Any]:
    """Items come from a local file through ItemReader, as a real one reads them from S3."""
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "JSON"},
                    "Parameters": {"Bucket": "bench", "Key": "items.json"},
                },
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                    "StartAt": "Work",
                    "States": {
                        "Work": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "Next": "Done"},
                        "Done": {"Type": "Pass", "End": True},
                    },
                },
                "ResultSelector": {"count.$": "States.ArrayLength($)"},
                "End": True,
            }
        },
    }


def transitions(events: list[dict[str, Any]]) -> int:
    return sum(1 for e in events if e["type"].endswith("StateEntered"))


class Cli:
    """`sfntui run` on definitions written to a folder, its output going to a file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        self.output = folder / "stdout.txt"

    def write(self, definition: dict[str, Any], execution_input: Any) -> list[str]:
        """The arguments that run this definition on this input."""
        self.count += 1
        file = self.folder / f"machine{self.count}.json"
        file.write_text(json.dumps(definition, indent=2))
        input_file = self.folder / f"input{self.count}.json"
        input_file.write_text(json.dumps(execution_input))
        return [str(file), "--input-file", str(input_file)]

    def run(self, arguments: list[str]) -> tuple[float, str]:
        # Each `sfntui run` is a new process: nothing is compiled yet (the language layer
        # keeps compiled paths and JSONata expressions by text, for validation and parsing).
        paths._CACHE.clear()
        jsonata._COMPILED.clear()
        with open(self.output, "w", encoding="utf-8") as out, contextlib.redirect_stdout(out):
            started = time.perf_counter()
            code = sfntui_main(["run", *arguments])
            elapsed = time.perf_counter() - started
        text = self.output.read_text(encoding="utf-8")
        assert code == 0, text
        return elapsed, text

    def measure(
        self, arguments: list[str], history: bool, runs: int = 5, child_transitions: int = 0
    ) -> tuple[float, int]:
        """Best of `runs`: seconds, and the transitions the run made (its history shows its
        own; a distributed Map's child runs are not printed, so their count is given)."""
        extra = ["--json", "--history"] if history else []
        times = []
        for _ in range(runs):
            elapsed, text = self.run([*extra, *arguments])
            times.append(elapsed)
        if not history:
            _, text = self.run(["--json", "--history", *arguments])
        report = json.loads(text)
        assert report["status"] == "SUCCEEDED", report
        return min(times), transitions(report["events"]) + child_transitions


def run_ours(
    definition: dict[str, Any],
    execution_input: Any,
    debugger: Debugger | None = None,
) -> tuple[float, int]:
    """The engine's API, no loading or printing: for the ratios between engine settings."""
    machine = parse_state_machine(definition)
    started = time.perf_counter()
    execution = LocalExecution(
        machine,
        execution_input,
        clock=VirtualClock(),
        options=RunOptions(history_limit=None),
        debugger=debugger,
    )
    result = asyncio.run(execution.run())
    elapsed = time.perf_counter() - started
    assert result.status == "SUCCEEDED", result
    return elapsed, execution.transitions


def run_moto(definition: dict[str, Any], execution_input: Any) -> tuple[float, int]:
    import boto3
    from moto import mock_aws

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        client = boto3.client("stepfunctions", region_name="us-east-1")
        arn = client.create_state_machine(
            name="bench",
            definition=json.dumps(definition),
            roleArn="arn:aws:iam::123456789012:role/bench",
        )["stateMachineArn"]
        started = time.perf_counter()
        execution = client.start_execution(
            stateMachineArn=arn, name="run", input=json.dumps(execution_input)
        )["executionArn"]
        while client.describe_execution(executionArn=execution)["status"] == "RUNNING":
            time.sleep(0.005)
        events: list[dict[str, Any]] = []
        pages = client.get_paginator("get_execution_history").paginate(executionArn=execution)
        for page in pages:
            events.extend(page["events"])
        elapsed = time.perf_counter() - started
    return elapsed, transitions(events)


def rate(measured: tuple[float, int]) -> float:
    return measured[1] / measured[0]


def report(name: str, ours: tuple[float, int], peer_rate: float | None = None) -> None:
    line = f"  {name:<46} {rate(ours):>9,.0f}/s ({ours[1]:,} in {ours[0]:.3f} s)"
    if peer_rate is not None:
        line += f" | {rate(ours) / peer_rate:6.1f}x moto"
    print(line, flush=True)


def best_of(runs: int, work: Callable[[], tuple[float, int]]) -> tuple[float, int]:
    return min((work() for _ in range(runs)), key=lambda r: r[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    items, length, per_branch = 100_000 // scale, 1000 // scale, 50 // scale
    cases = [
        (f"chain of {length:,} Pass states", chain_of_passes(length), {}),
        (f"inline Map, {length:,} items of Pass->Choice->Pass", *inline_map(length)),
        (f"Parallel, 10 branches of {per_branch} Pass states", parallel(10, per_branch), {}),
    ]
    jsonata_cases = [
        (cases[0][0], jsonata_chain_of_passes(length), {}),
        (cases[1][0], *jsonata_inline_map(length)),
        (cases[2][0], jsonata_parallel(10, per_branch), {}),
        (
            "chain, an Output template instead of $merge",
            jsonata_chain_of_passes(length, merge=False),
            {"last": None},
        ),
    ]
    with tempfile.TemporaryDirectory() as root:
        folder = Path(root)
        cli = Cli(folder)
        cli.run(cli.write(chain_of_passes(1), {}))  # the command's imports, done once
        (folder / "bench").mkdir()
        (folder / "bench" / "items.json").write_text(
            json.dumps([{"n": i} for i in range(items)])
        )
        distributed = cli.write(distributed_map(), {}) + ["--items-dir", root]
        ours = cli.measure(distributed, history=False, runs=1, child_transitions=2 * items)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print("sfntui run, ours alone:")
        report(f"distributed Map, {items:,} child runs", ours)
        print(f"  {'':<46} peak memory (RSS, before moto loads) {peak:,.0f} MB")
        print("sfntui run beside moto (same definitions, same process run; target 30x):")
        moto_rates = []
        for name, definition, execution_input in cases:
            arguments = cli.write(definition, execution_input)
            plain = cli.measure(arguments, history=False)
            printed = cli.measure(arguments, history=True)
            peer = run_moto(definition, execution_input)
            moto_rates.append(rate(peer))
            print(f"  {name}: moto {rate(peer):,.0f}/s ({peer[1]:,} in {peer[0]:.2f} s)")
            report("sfntui run", plain, rate(peer))
            report("sfntui run --json --history", printed, rate(peer))
        long_chain = cli.write(chain_of_passes(5 * length), {})
        print(f"a chain of {5 * length:,} Pass states (against moto's rate on the shorter chain):")
        report("sfntui run", cli.measure(long_chain, history=False), moto_rates[0])
        report("sfntui run --json --history", cli.measure(long_chain, history=True), moto_rates[0])
        print(
            "the same shapes in JSONata, how much slower than in JSONPath "
            "(target: at most 2x, running):"
        )
        for (name, definition, execution_input), (_, plain_definition, plain_input) in zip(
            jsonata_cases, [*cases, cases[0]], strict=True
        ):
            plain = best_of(3, lambda d=plain_definition, i=plain_input: run_ours(d, i))
            other = best_of(3, lambda d=definition, i=execution_input: run_ours(d, i))
            plain_cli = cli.measure(cli.write(plain_definition, plain_input), history=False)
            other_cli = cli.measure(cli.write(definition, execution_input), history=False)
            print(
                f"  {name:<46} running {rate(other):>9,.0f}/s = "
                f"{rate(plain) / rate(other):.2f}x slower\n"
                f"  {'':<46} sfntui run {rate(other_cli):>6,.0f}/s = "
                f"{rate(plain_cli) / rate(other_cli):.2f}x slower (expressions compiled at load)"
            )
    print("debugger attached, no breakpoint, the engine's API (target: at least 80% of without):")
    for name, definition, execution_input in cases:
        plain = best_of(5, lambda d=definition, i=execution_input: run_ours(d, i))
        attached = best_of(
            5, lambda d=definition, i=execution_input: run_ours(d, i, debugger=Debugger())
        )
        share = rate(attached) / rate(plain)
        print(f"  {name:<46} {rate(attached):>9,.0f}/s = {share:.0%} of without")


if __name__ == "__main__":
    main()
