from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sfntui.history.events import ExecutionStatus
from sfntui.history.projection import Projection, state_runs
from sfntui.history.runs import FrameKind, PathStep, RunStatus

from .builder import HistoryBuilder


def _names_and_statuses(projection: Projection) -> list[tuple[str, str]]:
    return [(run.name, run.status.value) for run in projection.runs]


# --- a plain sequence ---


def test_a_sequence_of_states(history) -> None:
    history.start({"order": 7})
    history.pass_state("Prepare", {"order": 7})
    history.task("Charge", {"order": 7}, {"paid": True})
    history.succeed({"paid": True})
    projection = Projection(history.events)

    assert projection.status is ExecutionStatus.SUCCEEDED
    assert projection.input == {"order": 7}
    assert projection.output == {"paid": True}
    assert projection.error is None
    assert projection.started == datetime(2024, 5, 1, 12, 0, 1, tzinfo=UTC)
    assert projection.ended == datetime(2024, 5, 1, 12, 0, 9, tzinfo=UTC)
    assert _names_and_statuses(projection) == [("Prepare", "SUCCEEDED"), ("Charge", "SUCCEEDED")]

    charge = projection.latest_run("Charge")
    assert charge is not None
    assert charge.state_type == "Task"
    assert charge.input == {"order": 7}
    assert charge.output == {"paid": True}
    assert charge.result == {"paid": True}
    assert charge.resource == "arn:aws:lambda:fn"
    assert (charge.entered_id, charge.exited_id) == (4, 8)
    assert charge.ended - charge.started == timedelta(seconds=4)
    assert (charge.attempts, charge.retries) == (1, 0)
    assert charge.path == ()
    assert charge.frame is projection.root
    assert [event["type"] for event in charge.events] == [
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionSucceeded",
        "TaskStateExited",
    ]
    assert projection.status_of("Charge") is RunStatus.SUCCEEDED
    assert projection.status_of("Refund") is RunStatus.NOT_REACHED
    assert projection.latest_run("Refund") is None
    assert projection.runs_of("Refund") == ()
    assert projection.run_for_event(6) is charge
    assert projection.run_for_event(1) is None


def test_a_state_still_running_and_a_loop(history) -> None:
    history.start()
    history.pass_state("Poll")
    history.enter("Wait", "Pause")
    history.exit("Wait", "Pause")
    history.pass_state("Poll")
    history.enter("Wait", "Pause")
    projection = Projection(history.events)
    assert projection.status is ExecutionStatus.RUNNING
    assert [run.status for run in projection.runs_of("Pause")] == [
        RunStatus.SUCCEEDED,
        RunStatus.RUNNING,
    ]
    assert projection.status_of("Pause") is RunStatus.RUNNING
    pause = projection.latest_run("Pause")
    assert pause is not None
    assert pause.output is None
    assert pause.ended is None
    assert projection.open_runs == (pause,)
    assert projection.output is None


# --- retries, catches and failures ---


def test_retries_count_and_keep_each_failure(history) -> None:
    history.start()
    history.enter("Task", "Call", {"try": True})
    history.attempt(failure=("Lambda.ServiceException", "first"))
    history.attempt(failure=("Lambda.ServiceException", "second"))
    history.attempt(result={"ok": True})
    history.exit("Task", "Call", {"ok": True})
    history.succeed({"ok": True})
    call = Projection(history.events).latest_run("Call")
    assert call is not None
    assert call.status is RunStatus.SUCCEEDED
    assert (call.attempts, call.retries) == (3, 2)
    assert [(failure.error, failure.cause) for failure in call.failures] == [
        ("Lambda.ServiceException", "first"),
        ("Lambda.ServiceException", "second"),
    ]
    assert call.error is None
    assert call.output == {"ok": True}


def test_status_while_a_task_fails_and_is_retried(history) -> None:
    history.start()
    history.enter("Task", "Call")
    history.attempt(failure=("Timeout", "slow"))
    projection = Projection(history.events)
    call = projection.latest_run("Call")
    assert call is not None
    assert call.status is RunStatus.FAILED
    assert (call.error, call.cause) == ("Timeout", "slow")

    history.add("LambdaFunctionScheduled", resource="arn:aws:lambda:fn")
    changed = projection.add(history.events[-1:])
    assert changed == [call]
    assert call.status is RunStatus.RETRIED
    assert call.error is None
    assert call.retries == 1


def test_a_caught_failure(history) -> None:
    history.start()
    history.enter("Task", "Charge", {"card": "x"})
    history.attempt(failure=("CardDeclined", "insufficient funds"))
    error_output = {"card": "x", "error": {"Error": "CardDeclined"}}
    history.exit("Task", "Charge", error_output)
    history.pass_state("Apologise", error_output)
    history.succeed(error_output)
    projection = Projection(history.events)
    charge = projection.latest_run("Charge")
    assert charge is not None
    assert charge.status is RunStatus.CAUGHT
    assert (charge.error, charge.cause) == ("CardDeclined", "insufficient funds")
    assert charge.output == error_output
    assert projection.status_of("Apologise") is RunStatus.SUCCEEDED
    assert projection.status is ExecutionStatus.SUCCEEDED


def test_a_catch_seen_only_from_the_next_state_entered(history) -> None:
    history.start()
    history.enter("Task", "Charge")
    history.attempt(failure=("CardDeclined", "no"))
    history.enter("Pass", "Apologise")
    charge = Projection(history.events).latest_run("Charge")
    assert charge is not None
    assert charge.status is RunStatus.CAUGHT
    assert charge.ended is not None


def test_a_failure_that_fails_the_execution(history) -> None:
    history.start()
    history.enter("Task", "Charge")
    history.add("TaskScheduled", resourceType="lambda", resource="invoke", region="eu-west-1")
    history.add("TaskStarted", resourceType="lambda", resource="invoke")
    history.add("TaskFailed", resourceType="lambda", resource="invoke", error="E", cause="C")
    history.fail("E", "C")
    projection = Projection(history.events)
    assert projection.status is ExecutionStatus.FAILED
    assert (projection.error, projection.cause) == ("E", "C")
    charge = projection.latest_run("Charge")
    assert charge is not None
    assert charge.status is RunStatus.FAILED
    assert charge.ended == projection.ended
    assert charge.resource == "invoke"
    assert projection.open_runs == ()


def test_a_runtime_error_with_no_failure_event_of_its_own(history) -> None:
    history.start()
    history.enter("Choice", "Route")
    history.fail("States.NoChoiceMatched", "No Matches!")
    route = Projection(history.events).latest_run("Route")
    assert route is not None
    assert route.status is RunStatus.FAILED
    assert (route.error, route.cause) == ("States.NoChoiceMatched", "No Matches!")


def test_an_evaluation_failure_names_its_state(history) -> None:
    history.start()
    history.enter("Pass", "Shape")
    history.add("EvaluationFailed", error="States.Runtime", cause="bad path", state="Shape")
    history.fail("States.Runtime", "bad path")
    shape = Projection(history.events).latest_run("Shape")
    assert shape is not None
    assert shape.status is RunStatus.FAILED
    assert [failure.cause for failure in shape.failures] == ["bad path"]


def test_a_fail_state_takes_the_error_of_the_execution(history) -> None:
    history.start()
    history.pass_state("Check")
    history.enter("Fail", "Reject")
    projection = Projection(history.events)
    reject = projection.latest_run("Reject")
    assert reject is not None
    assert reject.status is RunStatus.FAILED
    assert reject.error is None
    history.fail("Rejected", "amount too large")
    projection.add(history.events[-1:])
    assert (reject.error, reject.cause) == ("Rejected", "amount too large")


def test_an_aborted_and_a_timed_out_execution(history) -> None:
    history.start()
    history.enter("Wait", "Sleep")
    history.add("ExecutionAborted", error="Stopped", cause="by hand")
    projection = Projection(history.events)
    assert projection.status is ExecutionStatus.ABORTED
    assert (projection.error, projection.cause) == ("Stopped", "by hand")
    assert projection.status_of("Sleep") is RunStatus.ABORTED

    timed = HistoryBuilder()
    timed.start()
    timed.enter("Task", "Slow")
    timed.attempt(failure=("States.Timeout", "task"))
    timed.add("ExecutionTimedOut", error="States.Timeout")
    projection = Projection(timed.events)
    assert projection.status is ExecutionStatus.TIMED_OUT
    assert projection.status_of("Slow") is RunStatus.FAILED


def test_a_redriven_execution_runs_the_failed_state_again(history) -> None:
    history.start()
    history.enter("Task", "Flaky")
    history.attempt(failure=("Boom", "once"))
    history.fail("Boom", "once")
    history.add("ExecutionRedriven", redriveCount=1)
    history.task("Flaky", {}, {"ok": 1})
    history.succeed({"ok": 1})
    projection = Projection(history.events)
    assert projection.status is ExecutionStatus.SUCCEEDED
    assert projection.redrive_count == 1
    assert projection.error is None
    assert [run.status for run in projection.runs_of("Flaky")] == [
        RunStatus.FAILED,
        RunStatus.SUCCEEDED,
    ]


# --- Parallel ---


def _parallel_history() -> HistoryBuilder:
    """Two branches whose events interleave: A1 -> A2 in one, a Lambda task B1 in the other."""
    h = HistoryBuilder()
    h.start({"n": 1})
    h.enter("Parallel", "Fan", {"n": 1})
    started = h.add("ParallelStateStarted")
    a1 = h.enter("Pass", "A1", {"n": 1}, prev=started)
    b1 = h.enter("Task", "B1", {"n": 1}, prev=started)
    a1 = h.add("PassStateExited", prev=a1, name="A1", output='{"a": 1}')
    b1 = h.add("LambdaFunctionScheduled", prev=b1, resource="arn:aws:lambda:b")
    a2 = h.add("PassStateEntered", prev=a1, name="A2", input='{"a": 1}')
    b1 = h.add("LambdaFunctionStarted", prev=b1)
    a2 = h.add("PassStateExited", prev=a2, name="A2", output='{"a": 2}')
    b1 = h.add("LambdaFunctionSucceeded", prev=b1, output='{"b": 1}')
    b1 = h.add("TaskStateExited", prev=b1, name="B1", output='{"b": 1}')
    h.add("ParallelStateSucceeded", prev=b1)
    h.exit("Parallel", "Fan", [{"a": 2}, {"b": 1}])
    h.succeed([{"a": 2}, {"b": 1}])
    return h


def test_parallel_branches_follow_previous_event_links() -> None:
    projection = Projection(_parallel_history().events)
    fan = projection.latest_run("Fan")
    assert fan is not None
    assert fan.status is RunStatus.SUCCEEDED
    assert fan.output == [{"a": 2}, {"b": 1}]
    assert fan.iterations == ()
    first, second = fan.branches
    assert [run.name for run in first.runs] == ["A1", "A2"]
    assert [run.name for run in second.runs] == ["B1"]
    assert (first.first_state, second.first_state) == ("A1", "B1")
    assert (first.kind, first.index, second.index) == (FrameKind.BRANCH, 0, 1)
    assert first.status is second.status is RunStatus.SUCCEEDED
    b1 = projection.latest_run("B1")
    assert b1 is not None
    assert b1.path == (PathStep("Fan", FrameKind.BRANCH, 1),)
    assert b1.result == {"b": 1}
    assert b1.frame is second
    assert second.parent_run is fan
    assert [run.name for run in projection.runs] == ["Fan", "A1", "B1", "A2"]
    assert all(run.status is RunStatus.SUCCEEDED for run in projection.runs)


def test_a_failed_branch_aborts_its_sibling_and_the_parallel_is_caught(history) -> None:
    history.start()
    history.enter("Parallel", "Fan")
    started = history.add("ParallelStateStarted")
    slow = history.enter("Task", "Slow", prev=started)
    slow = history.add("TaskScheduled", prev=slow, resource="r", resourceType="sqs")
    done = history.pass_state("Quick", prev=started)
    reject = history.enter("Fail", "Reject", prev=done)
    slow = history.add("TaskStateAborted", prev=slow)
    history.add("ParallelStateFailed", prev=reject)
    history.exit("Parallel", "Fan", {"Error": "Rejected"})
    history.pass_state("Recover")
    history.succeed({})
    projection = Projection(history.events)
    assert _names_and_statuses(projection) == [
        ("Fan", "CAUGHT"),
        ("Slow", "ABORTED"),
        ("Quick", "SUCCEEDED"),
        ("Reject", "FAILED"),
        ("Recover", "SUCCEEDED"),
    ]
    fan = projection.latest_run("Fan")
    assert fan is not None
    assert [branch.status for branch in fan.branches] == [RunStatus.ABORTED, RunStatus.FAILED]
    assert [run.name for run in fan.branches[1].runs] == ["Quick", "Reject"]


def test_a_parallel_retried_then_failing(history) -> None:
    history.start()
    history.enter("Parallel", "Fan")
    for _ in range(3):
        started = history.add("ParallelStateStarted")
        history.enter("Fail", "Nope", prev=started)
    history.add("ParallelStateFailed")
    history.fail("Nope.Error", "no")
    projection = Projection(history.events)
    fan = projection.latest_run("Fan")
    assert fan is not None
    assert fan.status is RunStatus.FAILED
    assert (fan.attempts, fan.retries) == (3, 2)
    assert (fan.error, fan.cause) == ("Nope.Error", "no")
    assert [(branch.attempt, branch.index) for branch in fan.branches] == [(1, 0), (2, 0), (3, 0)]
    assert [run.status for run in projection.runs_of("Nope")] == [RunStatus.FAILED] * 3
    assert projection.latest_run("Nope").error == "Nope.Error"  # type: ignore[union-attr]


# --- Map ---


def _nested_map_history() -> HistoryBuilder:
    """Outer Map over 2 items, each an inner Map over 2 items running a Pass; the two outer
    iterations interleave."""
    h = HistoryBuilder()
    h.start([[1, 2], [3, 4]])
    h.enter("Map", "Outer", [[1, 2], [3, 4]])
    outer = h.add("MapStateStarted", length=2)
    cursors = []
    for index in range(2):
        iteration = h.add("MapIterationStarted", prev=outer, name="Outer", index=index)
        cursors.append(h.enter("Map", "Inner", [1, 2], prev=iteration))
    for index in range(2):
        h.cursor = cursors[index]
        inner = h.add("MapStateStarted", length=2)
        for item in range(2):
            h.add("MapIterationStarted", prev=inner, name="Inner", index=item)
            h.pass_state("Leaf", index * 10 + item)
            h.add("MapIterationSucceeded", name="Inner", index=item)
        h.add("MapStateSucceeded")
        h.exit("Map", "Inner", [index * 10, index * 10 + 1])
        cursors[index] = h.add("MapIterationSucceeded", name="Outer", index=index)
    h.add("MapStateSucceeded", prev=cursors[1])
    h.exit("Map", "Outer", [[0, 1], [10, 11]])
    h.succeed([[0, 1], [10, 11]])
    return h


def test_nested_map_iterations_form_a_tree() -> None:
    projection = Projection(_nested_map_history().events)
    assert projection.status is ExecutionStatus.SUCCEEDED
    outer = projection.latest_run("Outer")
    assert outer is not None
    assert outer.item_count == 2
    assert outer.branches == ()
    assert [(it.kind, it.index, it.status) for it in outer.iterations] == [
        (FrameKind.ITERATION, 0, RunStatus.SUCCEEDED),
        (FrameKind.ITERATION, 1, RunStatus.SUCCEEDED),
    ]
    second_inner = outer.iterations[1].runs[0]
    assert second_inner.name == "Inner"
    assert second_inner.output == [10, 11]
    leaves = [run.input for it in second_inner.iterations for run in it.runs]
    assert leaves == [10, 11]
    leaf = second_inner.iterations[1].runs[0]
    assert leaf.path == (
        PathStep("Outer", FrameKind.ITERATION, 1),
        PathStep("Inner", FrameKind.ITERATION, 1),
    )
    assert len(projection.runs_of("Leaf")) == 4
    assert all(run.status is RunStatus.SUCCEEDED for run in projection.runs)
    assert outer.iterations[1].started == datetime(2024, 5, 1, 12, 0, 6, tzinfo=UTC)


def test_a_failed_iteration_fails_the_map_and_a_catch_takes_it(history) -> None:
    history.start([1, 2])
    history.enter("Map", "Items", [1, 2])
    started = history.add("MapStateStarted", length=2)
    history.add("MapIterationStarted", prev=started, name="Items", index=0)
    history.enter("Task", "Work", 1)
    history.attempt(failure=("Boom", "item 1"))
    history.add("MapIterationFailed", name="Items", index=0)
    history.add("MapIterationAborted", prev=started, name="Items", index=1)
    history.add("MapStateFailed")
    history.exit("Map", "Items", {"Error": "Boom"})
    history.pass_state("Cleanup")
    history.succeed({})
    projection = Projection(history.events)
    items = projection.latest_run("Items")
    assert items is not None
    assert items.status is RunStatus.CAUGHT
    assert (items.error, items.cause) == ("Boom", "item 1")
    assert [it.status for it in items.iterations] == [RunStatus.FAILED]
    work = projection.latest_run("Work")
    assert work is not None
    assert work.status is RunStatus.FAILED
    assert work.path == (PathStep("Items", FrameKind.ITERATION, 0),)


def test_a_map_that_fails_the_execution_aborts_iterations_still_running(history) -> None:
    history.start([1, 2])
    history.enter("Map", "Items", [1, 2])
    started = history.add("MapStateStarted", length=2)
    history.add("MapIterationStarted", prev=started, name="Items", index=0)
    running = history.enter("Wait", "Hold", 1)
    history.add("MapIterationStarted", prev=started, name="Items", index=1)
    failed = history.enter("Fail", "Stop", 2)
    history.add("MapIterationFailed", prev=failed, name="Items", index=1)
    history.add("MapStateFailed")
    history.fail("Stopped", "item 2")
    projection = Projection(history.events)
    items = projection.latest_run("Items")
    assert items is not None
    assert [(it.index, it.status) for it in items.iterations] == [
        (0, RunStatus.ABORTED),
        (1, RunStatus.FAILED),
    ]
    assert projection.run_for_event(running) is projection.latest_run("Hold")
    assert projection.status_of("Hold") is RunStatus.ABORTED
    assert (projection.latest_run("Stop").error, items.error) == ("Stopped", "Stopped")  # type: ignore[union-attr]
    assert items.status is RunStatus.FAILED


def test_a_distributed_map_records_its_map_run(history) -> None:
    history.start()
    history.enter("Map", "Big")
    history.add("MapStateStarted", length=0)
    history.add("MapRunStarted", mapRunArn="arn:aws:states:mapRun:1")
    history.add("MapRunFailed", error="States.ExceedToleratedFailureThreshold", cause="too many")
    history.add("MapStateFailed")
    history.fail("States.ExceedToleratedFailureThreshold", "too many")
    big = Projection(history.events).latest_run("Big")
    assert big is not None
    assert big.map_run_arn == "arn:aws:states:mapRun:1"
    assert big.status is RunStatus.FAILED
    assert big.error == "States.ExceedToleratedFailureThreshold"


# --- payloads ---


def test_payloads_are_parsed_once_and_only_when_read(history) -> None:
    history.start()
    history.enter("Pass", "Big")
    history.events[-1]["stateEnteredEventDetails"]["input"] = '{"cut": "off at 256 Ki'
    history.events[-1]["stateEnteredEventDetails"]["inputDetails"] = {"truncated": True}
    history.add("PassStateExited", name="Big", output='{"a": [1]}', assignedVariables={"x": "2"})
    big = Projection(history.events).latest_run("Big")
    assert big is not None
    assert big.input == '{"cut": "off at 256 Ki'  # not JSON: the text itself
    assert big.output is big.output  # parsed once
    assert big.output == {"a": [1]}
    assert big.assigned_variables == {"x": 2}


# --- feeding the projection ---


def _everything() -> list[dict]:
    """Parallel, nested Map, retries and a catch in one history."""
    h = _parallel_history()
    events = h.events[:-1]  # without ExecutionSucceeded
    nested = _nested_map_history().events[1:-1]  # without its start and end
    last = len(events)
    shift = last - 1  # the nested history's event 2 becomes event `last + 1`
    for event in nested:
        previous = event["previousEventId"] + shift if event["id"] > 2 else last
        events.append(dict(event, id=event["id"] + shift, previousEventId=previous))
    tail = HistoryBuilder()
    tail.events = events
    tail.cursor = len(events)
    tail.enter("Task", "Call")
    tail.attempt(failure=("E", "one"))
    tail.attempt(failure=("E", "two"))
    tail.exit("Task", "Call", {"Error": "E"})
    tail.pass_state("Recover")
    tail.succeed({})
    return tail.events


def _snapshot(projection: Projection) -> list:
    def frame(f) -> tuple:
        return (f.kind, f.index, f.attempt, f.status, [run_(r) for r in f.runs])

    def run_(r) -> tuple:
        return (
            r.name,
            r.status,
            r.attempts,
            r.error,
            r.cause,
            r.entered_id,
            r.exited_id,
            r.output_text,
            [f.cause for f in r.failures],
            [frame(child) for child in r.children],
        )

    return [projection.status, projection.error, len(projection.runs), frame(projection.root)]


def test_the_combined_history_projects_as_expected() -> None:
    projection = Projection(_everything())
    assert projection.status is ExecutionStatus.SUCCEEDED
    assert projection.status_of("Call") is RunStatus.CAUGHT
    assert projection.latest_run("Call").retries == 1  # type: ignore[union-attr]
    assert [run.name for run in projection.root.runs] == ["Fan", "Outer", "Call", "Recover"]
    assert len(projection.runs_of("Leaf")) == 4
    assert projection.ignored_events == 0


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=80), max_size=12))
def test_adding_in_batches_equals_adding_at_once(cuts) -> None:
    events = _everything()
    whole = _snapshot(Projection(events))
    projection = Projection()
    start = 0
    for cut in sorted(cuts) + [len(events)]:
        projection.add(events[start:cut])
        start = max(start, cut)
    assert _snapshot(projection) == whole


def test_adding_one_event_at_a_time_equals_adding_at_once() -> None:
    events = _everything()
    projection = Projection()
    for event in events:
        projection.add([event])
    assert _snapshot(projection) == _snapshot(Projection(events))


def test_order_within_a_batch_and_duplicates_do_not_matter() -> None:
    events = _everything()
    shuffled = events[:40]
    random.Random(7).shuffle(shuffled)
    projection = Projection(shuffled)
    projection.add(events[30:60])  # ten events again
    projection.add(reversed(events[60:]))
    projection.add(events[:5])  # old news
    assert _snapshot(projection) == _snapshot(Projection(events))
    assert projection.ignored_events == 15
    assert projection.last_event_id == len(events)
    assert [event["id"] for event in projection.events] == list(range(1, len(events) + 1))


def test_add_reports_the_runs_that_changed(history) -> None:
    history.start()
    history.pass_state("A")
    projection = Projection(history.events)
    history.enter("Task", "B")
    history.attempt(result=1)
    changed = projection.add(history.events[3:])
    assert [run.name for run in changed] == ["B"]
    history.exit("Task", "B", 1)
    history.pass_state("C")
    assert [run.name for run in projection.add(history.events[7:])] == ["B", "C"]
    assert projection.add([]) == []


def test_events_without_an_id_or_of_unknown_type(history) -> None:
    history.start()
    history.add("SomeFutureEvent")
    history.pass_state("A")
    projection = Projection([{"type": "PassStateEntered"}, *history.events])
    assert projection.ignored_events == 1
    assert _names_and_statuses(projection) == [("A", "SUCCEEDED")]


def test_a_partial_history_without_its_start(history) -> None:
    history.start()
    history.pass_state("A")
    history.task("B", {}, 2)
    projection = Projection(history.events[3:])
    assert projection.status is ExecutionStatus.RUNNING
    assert projection.input is None
    assert _names_and_statuses(projection) == [("B", "SUCCEEDED")]


def test_state_runs_convenience(history) -> None:
    history.start()
    history.pass_state("A")
    history.pass_state("B")
    assert [run.name for run in state_runs(history.events)] == ["A", "B"]
    assert Projection().status is ExecutionStatus.NOT_STARTED
