"""The debugger's controls where concurrency and waiting make them hard: stepping off the end
of a branch while its siblings are held, and stop or restart while a task is waiting."""

from __future__ import annotations

import asyncio
from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.debugger import DebugSession, Stop
from sfntui.engine.runner import RunSetup, prepare
from sfntui.engine.tasks import Resource, TaskInvocation
from tests.deadline import awaited

FAN = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Next": "After",
            "Branches": [
                {
                    "StartAt": "A1",
                    "States": {
                        "A1": {"Type": "Pass", "Next": "A2"},
                        "A2": {"Type": "Pass", "End": True},
                    },
                },
                {
                    "StartAt": "B1",
                    "States": {
                        "B1": {"Type": "Pass", "Next": "B2"},
                        "B2": {"Type": "Pass", "End": True},
                    },
                },
            ],
        },
        "After": {"Type": "Pass", "End": True},
    },
}


def each(max_concurrency: int) -> dict:
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "MaxConcurrency": max_concurrency,
                "Next": "After",
                "ItemProcessor": {
                    "StartAt": "A1",
                    "States": {
                        "A1": {"Type": "Pass", "Next": "A2"},
                        "A2": {"Type": "Pass", "End": True},
                    },
                },
            },
            "After": {"Type": "Pass", "End": True},
        },
    }


def session_for(definition: dict, execution_input: Any, extra: list | None = None) -> DebugSession:
    machine = parse_state_machine(definition)
    setup = RunSetup(virtual_clock=True, extra_resolvers=extra or [])
    return DebugSession(
        lambda debugger: prepare(machine, execution_input, setup, debugger=debugger)
    )


async def step_to_the_end(session: DebugSession, action: str = "step") -> list[Stop]:
    seen = []
    while (stop := await awaited(session.next_stop())) is not None:
        seen.append(stop)
        getattr(session.debugger, action)()
    return seen


def walk(stops: list[Stop]) -> list[tuple[str, str, str]]:
    return [(s.state, s.moment, s.path) for s in stops]


async def test_stepping_off_the_end_of_a_branch_goes_on_in_the_parallel_state() -> None:
    session = session_for(FAN, {"n": 1})
    session.debugger.add_breakpoint("A1", "enter")
    session.start()

    stops = await step_to_the_end(session)

    # Branch 1 was held while branch 0 was stepped; when branch 0 ends it runs to its end
    # and stepping goes on at the Parallel state's next transition.
    assert walk(stops) == [
        ("A1", "enter", "Fan[0]"),
        ("A1", "exit", "Fan[0]"),
        ("A2", "enter", "Fan[0]"),
        ("A2", "exit", "Fan[0]"),
        ("Fan", "result", ""),
        ("Fan", "exit", ""),
        ("After", "enter", ""),
        ("After", "exit", ""),
    ]
    assert session.result is not None
    assert session.result.output == [{"n": 1}, {"n": 1}]


async def test_stepping_off_the_end_of_an_iteration_goes_on_in_the_map_state() -> None:
    for max_concurrency in (1, 0):
        session = session_for(each(max_concurrency), [10, 20, 30])
        session.debugger.add_breakpoint("A1", "enter", iteration=0)
        session.start()

        stops = await step_to_the_end(session)

        assert walk(stops)[3:5] == [("A2", "exit", "Each[0]"), ("Each", "result", "")]
        assert session.result is not None and session.result.output == [10, 20, 30]


class Queue:
    """Sends the message and returns at once: the Task then waits for its token."""

    def handles(self, state: str, resource: Resource) -> bool:
        return True

    async def invoke(self, invocation: TaskInvocation) -> Any:
        return {"MessageId": "m-1"}


ASK = {
    "StartAt": "Ask",
    "States": {
        "Ask": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"},
            "End": True,
        }
    },
}


async def test_stop_ends_a_run_whose_task_is_waiting_for_its_token() -> None:
    session = session_for(ASK, {}, [Queue()])
    session.start()
    for _ in range(20):
        await asyncio.sleep(0)
    assert session.execution is not None and len(session.execution.waiting_tokens) == 1

    session.debugger.stop()
    result = await awaited(session.wait())

    assert result is not None and result.status == "ABORTED"
    assert session.execution.history.events[-1]["type"] == "ExecutionAborted"
    assert session.execution.waiting_tokens == []


async def test_restart_while_a_task_waits_starts_a_fresh_run() -> None:
    session = session_for(ASK, {}, [Queue()])
    session.start()
    for _ in range(20):
        await asyncio.sleep(0)
    first = session.execution

    await awaited(session.restart())
    for _ in range(20):
        await asyncio.sleep(0)

    assert first is not None and first.result is not None and first.result.status == "ABORTED"
    assert session.execution is not first
    assert session.execution is not None and len(session.execution.waiting_tokens) == 1
    session.execution.send_task_success(session.execution.waiting_tokens[0], {"ok": True})
    result = await awaited(session.wait())
    assert result is not None and result.status == "SUCCEEDED"
    assert result.output == {"ok": True}


async def test_an_input_edit_made_before_restart_does_not_leak_into_the_new_run() -> None:
    definition = {"StartAt": "First", "States": {"First": {"Type": "Pass", "End": True}}}
    session = session_for(definition, {"real": True})
    session.debugger.add_breakpoint("First", "enter")
    session.start()
    assert await awaited(session.next_stop()) is not None
    session.debugger.set_input({"edited": True})

    await session.restart()
    stop = await awaited(session.next_stop())
    assert stop is not None and stop.state == "First"
    session.debugger.continue_()
    result = await awaited(session.wait())

    assert result is not None and result.output == {"real": True}


async def test_stepping_into_a_followed_iteration_and_off_its_end_releases_the_others() -> None:
    session = session_for(each(0), [10, 20, 30])
    session.debugger.add_breakpoint("Each", "enter")
    session.start()
    stop = await awaited(session.next_stop())
    assert stop is not None and stop.path == ""
    session.debugger.remove_breakpoint(1)
    session.debugger.follow((("Map", "Each", 1),))
    session.debugger.step_into()

    stops = await step_to_the_end(session, "step_into")

    # Iteration 1 first, alone; once it ends, step into goes on into the iterations it held.
    assert walk(stops)[:4] == [
        ("A1", "enter", "Each[1]"),
        ("A1", "exit", "Each[1]"),
        ("A2", "enter", "Each[1]"),
        ("A2", "exit", "Each[1]"),
    ]
    assert {s.path for s in stops[4:-4]} == {"Each[0]", "Each[2]"}
    assert walk(stops)[-4:-2] == [("Each", "result", ""), ("Each", "exit", "")]
    assert session.result is not None and session.result.output == [10, 20, 30]


async def test_a_breakpoint_on_one_iteration_of_a_distributed_map_stops_there() -> None:
    definition = each(0)
    definition["States"]["Each"]["ItemProcessor"]["ProcessorConfig"] = {
        "Mode": "DISTRIBUTED",
        "ExecutionType": "STANDARD",
    }
    session = session_for(definition, [10, 20, 30])
    session.debugger.add_breakpoint("A1", "enter", iteration=1)
    session.start()

    stops = await step_to_the_end(session)

    # Each item is a child execution of its own, but a stop still says which one it is in,
    # and stepping it holds the others until it ends.
    assert [(s.state, s.moment, s.path, s.inspection["input"]) for s in stops[:4]] == [
        ("A1", "enter", "Each[1]", 20),
        ("A1", "exit", "Each[1]", 20),
        ("A2", "enter", "Each[1]", 20),
        ("A2", "exit", "Each[1]", 20),
    ]
    assert walk(stops)[4] == ("Each", "result", "")
    assert session.result is not None and session.result.output == [10, 20, 30]


async def test_stop_aborts_the_child_executions_of_a_distributed_map() -> None:
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    **ASK,
                },
                "End": True,
            }
        },
    }
    session = session_for(definition, [1, 2, 3], [Queue()])
    session.start()
    await asyncio.sleep(0.05)
    assert session.execution is not None
    children = session.execution.child_runs
    assert [len(child.waiting_tokens) for child in children] == [1, 1, 1]

    session.debugger.stop()
    result = await awaited(session.wait())

    assert result is not None and result.status == "ABORTED"
    # Each child ends aborted, with its history closed and its token no longer awaited.
    assert [(c.result.status if c.result else None) for c in children] == ["ABORTED"] * 3
    assert [c.history.events[-1]["type"] for c in children] == ["ExecutionAborted"] * 3
    assert [c.waiting_tokens for c in children] == [[], [], []]


async def test_following_an_iteration_still_waiting_for_a_concurrency_slot() -> None:
    # MaxConcurrency 2: iteration 3 starts only once iterations 0 and 1 have given up their
    # slots, so they must not be held while it is awaited.
    session = session_for(each(2), [10, 20, 30, 40])
    session.debugger.add_breakpoint("Each", "enter")
    session.start()
    assert await awaited(session.next_stop()) is not None
    session.debugger.remove_breakpoint(1)
    session.debugger.follow((("Map", "Each", 3),))
    session.debugger.step_into()

    stops = await step_to_the_end(session, "step_into")

    assert walk(stops)[:2] == [("A1", "enter", "Each[3]"), ("A1", "exit", "Each[3]")]
    assert session.result is not None and session.result.output == [10, 20, 30, 40]


async def test_following_a_child_of_a_distributed_map_that_waits_for_a_worker() -> None:
    definition = each(1)
    definition["States"]["Each"]["ItemProcessor"]["ProcessorConfig"] = {
        "Mode": "DISTRIBUTED",
        "ExecutionType": "STANDARD",
    }
    session = session_for(definition, [10, 20, 30])
    session.debugger.add_breakpoint("Each", "enter")
    session.start()
    assert await awaited(session.next_stop()) is not None
    session.debugger.remove_breakpoint(1)
    session.debugger.follow((("Map", "Each", 2),))
    session.debugger.step_into()

    stops = await step_to_the_end(session, "step_into")

    assert walk(stops)[:2] == [("A1", "enter", "Each[2]"), ("A1", "exit", "Each[2]")]
    assert session.result is not None and session.result.output == [10, 20, 30]


async def test_following_a_later_iteration_of_a_map_that_runs_one_at_a_time() -> None:
    # MaxConcurrency 1: iteration 2 starts only once iterations 0 and 1 have ended, so
    # stepping into it must let them run rather than hold them at their first gate.
    session = session_for(each(1), [10, 20, 30])
    session.debugger.add_breakpoint("Each", "enter")
    session.start()
    assert await awaited(session.next_stop()) is not None
    session.debugger.remove_breakpoint(1)
    session.debugger.follow((("Map", "Each", 2),))
    session.debugger.step_into()

    stops = await step_to_the_end(session, "step_into")

    assert walk(stops)[:4] == [
        ("A1", "enter", "Each[2]"),
        ("A1", "exit", "Each[2]"),
        ("A2", "enter", "Each[2]"),
        ("A2", "exit", "Each[2]"),
    ]
    assert [s.inspection["input"] for s in stops[:1]] == [30]
    assert walk(stops)[4:6] == [("Each", "result", ""), ("Each", "exit", "")]
    assert session.result is not None and session.result.output == [10, 20, 30]


async def test_following_a_later_iteration_picked_while_paused_in_an_earlier_one() -> None:
    # Paused inside iteration 0 of a one-at-a-time Map, the user picks iteration 2: it has
    # been waiting for its turn since the Map started, and the ones before it must end first.
    for max_concurrency in (1, 2):
        session = session_for(each(max_concurrency), [10, 20, 30, 40])
        session.debugger.add_breakpoint("A1", "enter", iteration=0)
        session.start()
        stop = await awaited(session.next_stop())
        assert stop is not None and stop.path == "Each[0]"
        session.debugger.remove_breakpoint(1)
        session.debugger.follow((("Map", "Each", 3),))
        session.debugger.step_into()

        stops = await step_to_the_end(session, "step_into")

        assert ("A1", "enter", "Each[3]") in walk(stops), max_concurrency
        assert session.result is not None and session.result.output == [10, 20, 30, 40]
