"""Every recorded AWS execution in ../shared/conformance/ run through the local engine.

A case listed in EXPECTED_TO_FAIL carries the reason beside it; the list only shrinks: a
listed case that starts passing fails the run (strict xfail), so it must be taken off.
The pass rate by area is printed at the end of the run (see conftest.py).
"""

from __future__ import annotations

import pytest

from tests.engine.conformance import areas, differences, load_cases, uses_jsonata

_HANDLER_ONLY = (
    "no recorded mock: the local handler answers, and AWS's Lambda error document holds a "
    "request id and a /var/task stack trace that no local handler reproduces"
)

EXPECTED_TO_FAIL: dict[str, str] = {
    "test_activities__TestActivities__test_activity_task_on_deleted": (
        "the activity was deleted on AWS before the run; a local run has no activity registry "
        "to find it missing"
    ),
    "test_apigetway_task_service__TestTaskApiGateway__"
    "test_invoke_with_headers_singleStringHeader": (
        "API Gateway's own check of the Headers format, made by AWS before the task starts"
    ),
    "test_base_scenarios__TestBaseScenarios__test_lambda_service_invoke_sync_execution": (
        "no recorded mock: the output holds the real Lambda response's HTTP headers and ids"
    ),
    "test_error_output__TestStateVariablesTemplate__test_parallel_catch_error_"
    "PARALLEL_CATCH_ERROR_VARIABLE_SAMPLING": _HANDLER_ONLY,
    "test_express_async__TestExpressAsync__test_catch": _HANDLER_ONLY,
    "test_express_async__TestExpressAsync__test_retry": _HANDLER_ONLY,
    "test_express_sync__TestExpressSync__test_retry": _HANDLER_ONLY,
    "test_express_async__TestExpressAsync__test_query_runtime_memory": (
        "an Express run started asynchronously has $$.Execution.RedriveCount, a synchronous one "
        "does not; the engine runs Express machines as StartSyncExecution does"
    ),
}

CASES = load_cases()
RESULTS: dict[str, tuple[bool, bool, list[str]]] = {}


def _params() -> list:
    params = []
    for case in CASES:
        marks = []
        if case["name"] in EXPECTED_TO_FAIL:
            marks.append(pytest.mark.xfail(reason=EXPECTED_TO_FAIL[case["name"]], strict=True))
        params.append(pytest.param(case, id=case["name"], marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
def test_case_conforms(case: dict) -> None:
    problems = differences(case)
    RESULTS[case["name"]] = (not problems, uses_jsonata(case), areas(case))
    assert not problems, "\n".join(problems)


def test_every_expected_failure_names_a_case() -> None:
    names = {case["name"] for case in CASES}
    assert set(EXPECTED_TO_FAIL) <= names
