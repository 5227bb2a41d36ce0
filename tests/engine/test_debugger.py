"""The debugger driven through its async API: every control, on Parallel, Map, Retry, Catch."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.debugger import DebugSession, Stop
from sfntui.engine.runner import RunSetup, prepare
from tests.deadline import awaited


def session_for(
    definition: dict,
    execution_input: Any = None,
    handlers: dict | None = None,
    virtual: bool = True,
) -> DebugSession:
    machine = parse_state_machine(definition)
    setup = RunSetup(handlers=handlers or {}, virtual_clock=virtual)
    return DebugSession(
        lambda debugger: prepare(machine, execution_input or {}, setup, debugger=debugger)
    )


async def stops_until_end(session: DebugSession, action: str = "continue_") -> list[Stop]:
    seen = []
    while (stop := await awaited(session.next_stop())) is not None:
        seen.append(stop)
        getattr(session.debugger, action)()
    return seen


def lookup_book(event: Any, context: Any) -> Any:
    return {"status": "ok", "echo": event, "meta": {"id": 7, "shelf": "B2"}}


# The data-flow example: each step's value below is worked out by hand from AWS's rules
# (InputPath picks, Parameters builds, ResultSelector reshapes the raw result, ResultPath
# places it into the *raw* input, OutputPath picks from that).
DATA_FLOW = {
    "StartAt": "Lookup",
    "States": {
        "Lookup": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:lookup-book",
            "InputPath": "$.library",
            "Parameters": {"title.$": "$.book", "year": 2024},
            "ResultSelector": {"id.$": "$.meta.id", "title.$": "$.echo.title"},
            "ResultPath": "$.library.found",
            "OutputPath": "$.library",
            "End": True,
        }
    },
}
DATA_FLOW_INPUT = {"library": {"book": "Dune", "city": "Oslo"}, "user": "ana"}


async def test_exit_stop_shows_every_processing_step() -> None:
    session = session_for(DATA_FLOW, DATA_FLOW_INPUT, {"lookup-book": lookup_book})
    session.debugger.add_breakpoint("Lookup", "exit")
    session.start()
    stop = await session.next_stop()
    assert stop is not None and (stop.state, stop.moment, stop.reason) == (
        "Lookup",
        "exit",
        "breakpoint",
    )
    raw_result = {
        "status": "ok",
        "echo": {"title": "Dune", "year": 2024},
        "meta": {"id": 7, "shelf": "B2"},
    }
    assert stop.inspection == {
        "input": DATA_FLOW_INPUT,
        "afterInputPath": {"book": "Dune", "city": "Oslo"},
        "afterParameters": {"title": "Dune", "year": 2024},
        "result": raw_result,
        "afterResultSelector": {"id": 7, "title": "Dune"},
        "afterResultPath": {
            "library": {"book": "Dune", "city": "Oslo", "found": {"id": 7, "title": "Dune"}},
            "user": "ana",
        },
        "output": {"book": "Dune", "city": "Oslo", "found": {"id": 7, "title": "Dune"}},
    }
    session.debugger.continue_()
    assert await session.next_stop() is None
    assert session.result is not None and session.result.status == "SUCCEEDED"


async def test_editing_the_result_before_result_selector_changes_the_run() -> None:
    session = session_for(DATA_FLOW, DATA_FLOW_INPUT, {"lookup-book": lookup_book})
    session.debugger.add_breakpoint("Lookup", "result")
    session.start()
    stop = await session.next_stop()
    assert stop is not None and stop.moment == "result"
    assert stop.inspection["result"]["meta"]["id"] == 7
    session.debugger.set_result({"meta": {"id": 99}, "echo": {"title": "Emma"}})
    session.debugger.continue_()
    assert await session.next_stop() is None
    assert session.result is not None
    assert session.result.output["found"] == {"id": 99, "title": "Emma"}


async def test_editing_the_input_of_the_state_about_to_run() -> None:
    session = session_for(DATA_FLOW, DATA_FLOW_INPUT, {"lookup-book": lookup_book})
    session.debugger.add_breakpoint("Lookup", "enter")
    session.start()
    stop = await session.next_stop()
    assert stop is not None and stop.inspection == {"input": DATA_FLOW_INPUT}
    session.debugger.set_input({"library": {"book": "Ulysses"}})
    session.debugger.continue_()
    assert await session.next_stop() is None
    assert session.result is not None
    assert session.result.output == {"book": "Ulysses", "found": {"id": 7, "title": "Ulysses"}}


LOOP = {
    "StartAt": "Add",
    "States": {
        "Add": {
            "Type": "Pass",
            "Parameters": {"n.$": "States.MathAdd($.n, 1)", "amount.$": "$.amount"},
            "Next": "More?",
        },
        "More?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericLessThan": 4, "Next": "Add"}],
            "Default": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}


async def test_a_condition_decides_whether_a_breakpoint_stops() -> None:
    session = session_for(LOOP, {"n": 0, "amount": 10})
    session.debugger.add_breakpoint("More?", "enter", condition="$.n >= 3")
    session.debugger.add_watch("$.n")
    session.start()
    stops = await stops_until_end(session)
    assert [s.watches["$.n"] for s in stops] == [3, 4]


async def test_a_plain_jsonpath_condition_is_truthiness() -> None:
    session = session_for(LOOP, {"n": 0, "amount": 0})
    session.debugger.add_breakpoint("Add", "enter", condition="$.amount")
    session.start()
    assert await stops_until_end(session) == []


async def test_disabled_and_removed_breakpoints_do_not_stop() -> None:
    session = session_for(LOOP, {"n": 0, "amount": 1})
    first = session.debugger.add_breakpoint("Add")
    second = session.debugger.add_breakpoint("Done")
    session.debugger.enable_breakpoint(first.id, False)
    session.start()
    stop = await session.next_stop()
    assert stop is not None and stop.state == "Done"
    session.debugger.remove_breakpoint(second.id)
    session.debugger.continue_()
    assert await session.next_stop() is None


async def test_step_walks_each_transition_in_order() -> None:
    session = session_for(LOOP, {"n": 2, "amount": 1})
    session.debugger.add_breakpoint("Add", "enter")
    session.start()
    first = await session.next_stop()
    assert first is not None
    session.debugger.remove_breakpoint(1)
    session.debugger.step()
    walked = [(first.state, first.moment)]
    walked += [(s.state, s.moment) for s in await stops_until_end(session, "step")]
    assert walked == [
        ("Add", "enter"),
        ("Add", "exit"),
        ("More?", "enter"),
        ("More?", "exit"),
        ("Add", "enter"),
        ("Add", "exit"),
        ("More?", "enter"),
        ("More?", "exit"),
        ("Done", "enter"),
        ("Done", "exit"),
    ]


async def test_pause_stops_a_running_run_at_its_next_transition() -> None:
    session = session_for(LOOP, {"n": 0, "amount": 1})
    session.debugger.pause()
    session.start()
    stop = await session.next_stop()
    assert stop is not None and (stop.state, stop.reason) == ("Add", "pause")
    session.debugger.continue_()
    assert await session.next_stop() is None


async def test_stop_aborts_the_run() -> None:
    session = session_for(LOOP, {"n": 0, "amount": 1})
    session.debugger.add_breakpoint("More?")
    session.start()
    assert await session.next_stop() is not None
    session.debugger.stop()
    assert await session.next_stop() is None
    assert session.result is not None and session.result.status == "ABORTED"
    assert session.execution is not None
    assert session.execution.history.events[-1]["type"] == "ExecutionAborted"


async def test_restart_runs_again_from_the_start_with_breakpoints_kept() -> None:
    session = session_for(LOOP, {"n": 0, "amount": 1})
    session.debugger.add_breakpoint("Done")
    session.start()
    first = await session.next_stop()
    await session.restart()
    second = await session.next_stop()
    assert first is not None and second is not None
    assert (first.state, second.state) == ("Done", "Done")
    session.debugger.continue_()
    assert await session.next_stop() is None
    assert session.result is not None and session.result.status == "SUCCEEDED"


RETRY_CATCH = {
    "StartAt": "Charge",
    "States": {
        "Charge": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:charge",
            "Retry": [{"ErrorEquals": ["Busy"], "MaxAttempts": 1, "IntervalSeconds": 5}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Refund"}],
            "End": True,
        },
        "Refund": {"Type": "Pass", "End": True},
    },
}


class Busy(Exception):
    pass


class Declined(Exception):
    pass


def charge(event: Any, context: Any) -> Any:
    if event.get("attempts", 0) == 0:
        event["attempts"] = 1
        raise Busy("try later")
    raise Declined("card declined")


async def test_break_on_error_stops_before_retry_and_before_catch() -> None:
    calls: list[int] = []

    def flaky(event: Any, context: Any) -> Any:
        calls.append(1)
        raise (Busy("try later") if len(calls) == 1 else Declined("card declined"))

    session = session_for(RETRY_CATCH, {"order": 1}, {"charge": flaky})
    session.debugger.break_on_error = True
    session.start()
    stops = await stops_until_end(session)
    assert [(s.state, s.moment, s.error) for s in stops] == [
        ("Charge", "error", "Busy"),
        ("Charge", "error", "Declined"),
    ]
    assert session.result is not None and session.result.status == "SUCCEEDED"
    assert session.result.output["error"]["Error"] == "Declined"


PARALLEL_OF_MAPS = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": True}}},
                {
                    "StartAt": "Each",
                    "States": {
                        "Each": {
                            "Type": "Map",
                            "ItemsPath": "$.rows",
                            "ItemProcessor": {
                                "StartAt": "Cells",
                                "States": {
                                    "Cells": {
                                        "Type": "Map",
                                        "ItemsPath": "$",
                                        "ItemProcessor": {
                                            "StartAt": "Cell",
                                            "States": {"Cell": {"Type": "Pass", "End": True}},
                                        },
                                        "End": True,
                                    }
                                },
                            },
                            "End": True,
                        }
                    },
                },
            ],
            "End": True,
        }
    },
}


async def test_step_into_a_branch_and_step_out_again() -> None:
    session = session_for(PARALLEL_OF_MAPS, {"rows": [[1, 2], [3]]})
    session.debugger.add_breakpoint("Fan", "enter")
    session.start()
    stop = await session.next_stop()
    assert stop is not None and stop.location == ()
    session.debugger.remove_breakpoint(1)
    session.debugger.follow((("Parallel", "Fan", 1),))
    session.debugger.step_into()
    inside = await session.next_stop()
    assert inside is not None
    assert (inside.state, inside.moment, inside.path) == ("Each", "enter", "Fan[1]")
    session.debugger.step_out()
    out = await session.next_stop()
    assert out is not None and out.state == "Fan" and out.location == ()
    session.debugger.continue_()
    assert await session.next_stop() is None
    assert session.result is not None
    assert session.result.output == [{"rows": [[1, 2], [3]]}, [[1, 2], [3]]]


async def test_a_stop_kept_as_json_comes_back_as_it_was() -> None:
    import json

    session = session_for(PARALLEL_OF_MAPS, {"rows": [[1, 2], [3]]})
    session.debugger.add_breakpoint("Each", "enter", branch=1)
    session.start()
    stop = await session.next_stop()
    assert stop is not None and stop.path == "Fan[1]"
    kept = json.loads(json.dumps(stop.as_kept(9)))  # as the run store holds it
    assert kept["event_count"] == 9
    again = Stop.from_kept(kept)
    assert again.location == stop.location and again.state_type == "Map"
    assert (again.inspection, again.context) == (stop.inspection, stop.context)
    assert Stop.from_kept(stop.as_json()).context == {}  # a stop kept with less
    session.debugger.continue_()
    await stops_until_end(session)


async def test_a_breakpoint_in_one_nested_map_iteration_only() -> None:
    session = session_for(PARALLEL_OF_MAPS, {"rows": [[1, 2], [3, 4]]})
    session.debugger.add_breakpoint("Cell", "exit", iteration=1)
    session.start()
    stops = await stops_until_end(session)
    # `iteration=1` matches either Map level's index 1: row 1's cells, and cell 1 of row 0.
    seen = sorted((s.path, s.inspection["output"]) for s in stops)
    assert seen == [
        ("Fan[1] > Each[0] > Cells[1]", 2),
        ("Fan[1] > Each[1] > Cells[0]", 3),
        ("Fan[1] > Each[1] > Cells[1]", 4),
    ]


async def test_stepping_one_iteration_holds_the_others() -> None:
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "StartAt": "A",
                    "States": {
                        "A": {"Type": "Pass", "Next": "B"},
                        "B": {"Type": "Pass", "End": True},
                    },
                },
                "End": True,
            }
        },
    }
    session = session_for(definition, {"items": [0, 1, 2]})
    session.debugger.add_breakpoint("A", "enter", iteration=0)
    session.start()
    stop = await session.next_stop()
    assert stop is not None and stop.path == "Each[0]"
    session.debugger.remove_breakpoint(1)
    session.debugger.step()
    next_stop = await session.next_stop()
    assert next_stop is not None and (next_stop.state, next_stop.path) == ("A", "Each[0]")
    assert next_stop.moment == "exit"
    assert session.execution is not None
    exited = [
        e["stateExitedEventDetails"]["name"]
        for e in session.execution.history.events
        if e["type"] == "PassStateExited"
    ]
    # While iteration 0 is stepped, iterations 1 and 2 wait at their first state's entry.
    assert exited == ["A"]
    session.debugger.continue_()
    assert await session.next_stop() is None
    assert session.result is not None and session.result.output == [0, 1, 2]


async def test_variables_and_context_at_a_stop() -> None:
    definition = {
        "StartAt": "Set",
        "States": {
            "Set": {"Type": "Pass", "Assign": {"total": 5}, "Next": "Use"},
            "Use": {"Type": "Pass", "End": True},
        },
    }
    session = session_for(definition, {})
    session.debugger.add_breakpoint("Use")
    session.debugger.add_watch("$total * 2")
    session.start()
    stop = await session.next_stop()
    assert stop is not None
    assert stop.variables == {"total": 5}
    assert stop.watches == {"$total * 2": 10}
    assert stop.context["State"]["Name"] == "Use"
    session.debugger.continue_()
    assert await session.next_stop() is None


async def test_a_paused_run_holds_no_thread_and_no_cpu() -> None:
    definition = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": f"P{i}", "States": {f"P{i}": {"Type": "Pass", "End": True}}}
                    for i in range(4)
                ],
                "End": True,
            }
        },
    }
    threads_before = threading.active_count()
    session = session_for(definition, {}, virtual=False)
    session.debugger.add_breakpoint("P0")
    session.start()
    stop = await session.next_stop()
    assert stop is not None
    cpu_before = time.process_time()
    await asyncio.sleep(0.5)
    cpu_used = time.process_time() - cpu_before
    assert threading.active_count() == threads_before
    assert cpu_used < 0.1
    session.debugger.continue_()
    assert await session.next_stop() is None


@pytest.mark.parametrize("moment", ["later", ""])
def test_a_breakpoint_moment_must_be_known(moment: str) -> None:
    session = session_for(LOOP)
    with pytest.raises(ValueError, match="moment"):
        session.debugger.add_breakpoint("Add", moment)  # type: ignore[arg-type]
