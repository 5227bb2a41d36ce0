"""Engine throughput: our local engine against moto's ASL interpreter, in one process run.

    .venv/bin/python benchmarks/engine.py [--quick]

For each shared case, both engines run the same definition with the full history produced,
and the state transitions per second of each and their ratio are printed. Then, ours alone,
a distributed Map over 100,000 items (each item a child run with its own history), with its
peak memory. moto runs in process with `mock_aws` and `execute_state_machine` on.

`--cli-map N` runs instead only the path a user takes: `sfntui run` (a separate process, as
typed in a shell) on a distributed Map of N items (default 1,000,000) read through
`--items-dir`, and prints its time and peak memory (target: under 1 GB; the whole runs of the
children were kept, ~9 KB each, before: 100,000 items took 912 MB and 1,000,000 aborted).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.debugger import Debugger
from sfntui.engine.interpreter import LocalExecution, RunOptions
from sfntui.engine.item_reader import LocalItemReader
from sfntui.engine.tasks import ResolverChain


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


def run_ours(
    definition: dict[str, Any],
    execution_input: Any,
    keep_children: bool = True,
    resolvers: ResolverChain | None = None,
    debugger: Debugger | None = None,
) -> tuple[float, int]:
    machine = parse_state_machine(definition)
    started = time.perf_counter()
    execution = LocalExecution(
        machine,
        execution_input,
        clock=VirtualClock(),
        resolvers=resolvers,
        options=RunOptions(history_limit=None),
        debugger=debugger,
    )
    execution.keep_child_runs = keep_children
    result = asyncio.run(execution.run())
    elapsed = time.perf_counter() - started
    assert result.status == "SUCCEEDED", result
    assert (
        execution.transitions
        == transitions(execution.history.events)
        + sum(transitions(child.history.events) for child in execution.child_runs)
        or not keep_children
    )
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


def report(name: str, ours: tuple[float, int], peer: tuple[float, int] | None) -> None:
    our_rate = ours[1] / ours[0]
    line = f"{name:<44} ours {our_rate:>10,.0f} transitions/s ({ours[1]:,} in {ours[0]:.2f} s)"
    if peer is not None:
        peer_rate = peer[1] / peer[0]
        line += f" | moto {peer_rate:>8,.0f}/s | ratio {our_rate / peer_rate:6.1f}x"
    print(line, flush=True)


def best_of(runs: int, work: Callable[[], tuple[float, int]]) -> tuple[float, int]:
    return min((work() for _ in range(runs)), key=lambda r: r[0])


def cli_distributed_map(items: int) -> None:
    """`sfntui run` on a distributed Map of `items` items: time and the process's peak memory."""
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / "bench").mkdir()
        with (Path(root) / "bench" / "items.json").open("w") as out:
            out.write("[" + ",".join(f'{{"n":{i}}}' for i in range(items)) + "]")
        definition = Path(root) / "map.asl.json"
        definition.write_text(json.dumps(distributed_map()))
        command = [sys.executable, "-m", "sfntui", "run", str(definition)]
        command += ["--items-dir", root, "--virtual-clock", "--json"]
        started = time.perf_counter()
        finished = subprocess.run(command, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report = json.loads(finished.stdout) if finished.returncode == 0 else {}
    status = report.get("status", f"exit {finished.returncode}: {finished.stderr.strip()[:200]}")
    verdict = "within" if peak < 1024 else "OVER"
    print(
        f"sfntui run, distributed Map of {items:,} items: {status} in {elapsed:.1f} s, "
        f"{items / elapsed:,.0f} items/s, peak memory {peak:,.0f} MB ({verdict} the 1 GB target)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument(
        "--cli-map",
        type=int,
        nargs="?",
        const=1_000_000,
        metavar="N",
        help="only `sfntui run` on a distributed Map of N items (default 1,000,000)",
    )
    args = parser.parse_args()
    if args.cli_map:
        cli_distributed_map(args.cli_map)
        return
    scale = 10 if args.quick else 1
    items = 100_000 // scale
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / "bench").mkdir()
        items_file = Path(root) / "bench" / "items.json"
        items_file.write_text(json.dumps([{"n": i} for i in range(items)]))
        reader = ResolverChain([LocalItemReader(root, ["Each"])])
        ours = run_ours(distributed_map(), {}, keep_children=False, resolvers=reader)
    report(f"distributed Map, {items:,} child runs", ours, None)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'':<44} peak memory (RSS, before moto loads) {peak:,.0f} MB")
    cases = [
        ("chain of 1,000 Pass states", chain_of_passes(1000 // scale), {}),
        ("inline Map, 1,000 items of Pass->Choice->Pass", *inline_map(1000 // scale)),
        ("Parallel, 10 branches of 50 Pass states", parallel(10, 50 // scale), {}),
    ]
    for name, definition, execution_input in cases:
        ours = best_of(3, lambda d=definition, i=execution_input: run_ours(d, i))
        peer = run_moto(definition, execution_input)
        report(name, ours, peer)
    print("the same shapes in JSONata (target: at most 2 times slower than JSONPath):")
    jsonata_cases = [
        jsonata_chain_of_passes(1000 // scale),
        jsonata_inline_map(1000 // scale),
        jsonata_parallel(10, 50 // scale),
    ]
    for (name, definition, execution_input), jsonata in zip(cases, jsonata_cases, strict=True):
        definition_j, input_j = jsonata if isinstance(jsonata, tuple) else (jsonata, {})
        plain = best_of(3, lambda d=definition, i=execution_input: run_ours(d, i))
        other = best_of(3, lambda d=definition_j, i=input_j: run_ours(d, i))
        slower = (plain[1] / plain[0]) / (other[1] / other[0])
        print(f"  {name:<44} {other[1] / other[0]:>10,.0f}/s = {slower:.2f}x slower")
    chain = chain_of_passes(1000 // scale)
    template = jsonata_chain_of_passes(1000 // scale, merge=False)
    plain = best_of(3, lambda: run_ours(chain, {}))
    other = best_of(3, lambda: run_ours(template, {"last": None}))
    slower = (plain[1] / plain[0]) / (other[1] / other[0])
    label = "chain, an Output template instead of $merge"
    print(f"  {label:<44} {other[1] / other[0]:>10,.0f}/s = {slower:.2f}x slower")
    print("debugger attached, no breakpoint set (target: at least 80% of the speed without):")
    for name, definition, execution_input in cases:
        plain = best_of(5, lambda d=definition, i=execution_input: run_ours(d, i))
        attached = best_of(
            5, lambda d=definition, i=execution_input: run_ours(d, i, debugger=Debugger())
        )
        share = (attached[1] / attached[0]) / (plain[1] / plain[0])
        print(f"  {name:<44} {attached[1] / attached[0]:>10,.0f}/s = {share:.0%} of without")


if __name__ == "__main__":
    main()
