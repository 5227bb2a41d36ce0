"""Local Python handlers standing in for Lambda functions, as Step Functions would see them."""

from __future__ import annotations

import asyncio
import json
import sys
import textwrap
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.handlers import (
    HandlerImportError,
    PythonHandlers,
    function_name,
    load_handler,
    load_handler_module,
)
from sfntui.engine.interpreter import ExecutionResult, LocalExecution
from sfntui.engine.tasks import ResolverChain

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"


def plain_lambda(extra: dict | None = None) -> dict:
    return {
        "StartAt": "Call",
        "States": {
            "Call": {"Type": "Task", "Resource": FUNCTION_ARN, "End": True, **(extra or {})}
        },
    }


def lambda_invoke(payload: Any = None, extra: dict | None = None) -> dict:
    parameters: dict[str, Any] = {"FunctionName": FUNCTION_ARN, "Payload.$": "$"}
    if payload is not None:
        parameters = {"FunctionName": "orders:live", "Payload": payload}
    return {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": parameters,
                "End": True,
                **(extra or {}),
            }
        },
    }


async def run(
    definition: dict, handlers: dict, execution_input: Any = None
) -> tuple[LocalExecution, ExecutionResult]:
    execution = LocalExecution(
        parse_state_machine(definition),
        execution_input,
        clock=VirtualClock(datetime(2024, 1, 1, tzinfo=UTC)),
        resolvers=ResolverChain([PythonHandlers(handlers)]),
    )
    return execution, await execution.run()


def event_of(execution: LocalExecution, event_type: str) -> dict:
    return next(e for e in execution.history.events if e["type"] == event_type)


async def test_a_sync_handler_answers_a_plain_lambda_arn_with_its_return_value() -> None:
    seen: list[tuple[Any, str]] = []

    def orders(event: Any, context: Any) -> Any:
        seen.append((event, context.function_name))
        return {"total": event["qty"] * 3}

    execution, result = await run(plain_lambda(), {"orders": orders}, {"qty": 4})

    assert result.status == "SUCCEEDED"
    assert result.output == {"total": 12}
    assert seen == [({"qty": 4}, "orders")]
    assert (
        event_of(execution, "LambdaFunctionSucceeded")["lambdaFunctionSucceededEventDetails"][
            "output"
        ]
        == '{"total":12}'
    )


async def test_an_async_handler_is_awaited() -> None:
    async def orders(event: Any, context: Any) -> Any:
        await asyncio.sleep(0)
        return [event["id"], "async"]

    _, result = await run(plain_lambda(), {"orders": orders}, {"id": 9})

    assert result.output == [9, "async"]


async def test_lambda_invoke_wraps_the_return_value_as_aws_does() -> None:
    def orders(event: Any, context: Any) -> Any:
        return {"echo": event}

    execution, result = await run(lambda_invoke(), {"orders": orders}, {"id": 1})

    assert result.status == "SUCCEEDED"
    assert result.output["Payload"] == {"echo": {"id": 1}}
    assert result.output["StatusCode"] == 200
    assert result.output["ExecutedVersion"] == "$LATEST"
    assert result.output["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert event_of(execution, "TaskSucceeded")["taskSucceededEventDetails"]["resource"] == "invoke"


async def test_lambda_invoke_passes_only_the_payload_and_finds_the_function_by_name() -> None:
    seen: list[Any] = []

    def orders(event: Any, context: Any) -> Any:
        seen.append(event)
        return "ok"

    handlers = {"arn:aws:lambda:us-east-1:123456789012:function:orders": orders}
    _, result = await run(
        lambda_invoke(payload={"static": True}, extra={"OutputPath": "$.Payload"}), handlers, {}
    )

    assert seen == [{"static": True}]
    assert result.output == "ok"


async def test_a_raising_handler_fails_with_the_exception_type_and_lambdas_error_document() -> None:
    def orders(event: Any, context: Any) -> Any:
        raise ValueError("quantity must be positive")

    execution, result = await run(plain_lambda(), {"orders": orders}, {"qty": -1})

    assert result.status == "FAILED"
    assert result.error == "ValueError"
    assert result.cause is not None
    document = json.loads(result.cause)
    assert document["errorMessage"] == "quantity must be positive"
    assert document["errorType"] == "ValueError"
    assert isinstance(document["stackTrace"], list)
    assert isinstance(document["requestId"], str)
    # the plain Lambda integration reports the document as Lambda wrote it: ", " and ": "
    assert result.cause.startswith(
        '{"errorMessage": "quantity must be positive", "errorType": "ValueError"'
    )
    failed = event_of(execution, "LambdaFunctionFailed")["lambdaFunctionFailedEventDetails"]
    assert failed["error"] == "ValueError"
    assert failed["cause"] == result.cause


async def test_a_raising_handler_under_lambda_invoke_reports_compact_json() -> None:
    class OutOfStock(Exception):
        pass

    def orders(event: Any, context: Any) -> Any:
        raise OutOfStock("sku 2317")

    execution, result = await run(lambda_invoke(), {"orders": orders}, {})

    assert result.error == "OutOfStock"
    assert result.cause is not None
    assert result.cause.startswith('{"errorMessage":"sku 2317","errorType":"OutOfStock"')
    assert event_of(execution, "TaskFailed")["taskFailedEventDetails"]["error"] == "OutOfStock"


async def test_a_handlers_exception_type_can_be_caught_by_name() -> None:
    class PaymentDeclined(Exception):
        pass

    def orders(event: Any, context: Any) -> Any:
        raise PaymentDeclined("card expired")

    catch = {
        "Catch": [{"ErrorEquals": ["PaymentDeclined"], "ResultPath": "$.why", "Next": "Sorry"}]
    }
    definition = plain_lambda(catch)
    del definition["States"]["Call"]["End"]
    definition["States"]["Call"]["Next"] = "Sorry"
    definition["States"]["Sorry"] = {"Type": "Pass", "End": True}
    _, result = await run(definition, {"orders": orders}, {"order": 5})

    assert result.status == "SUCCEEDED"
    assert result.output["order"] == 5
    assert result.output["why"]["Error"] == "PaymentDeclined"
    assert json.loads(result.output["why"]["Cause"])["errorMessage"] == "card expired"


@pytest.mark.parametrize(
    ("returned", "expected"),
    [(b'"HelloWorld!"', "HelloWorld!"), (b'{"a": [1, 2]}', {"a": [1, 2]})],
)
async def test_bytes_returned_are_read_as_lambdas_json_payload(
    returned: bytes, expected: Any
) -> None:
    _, plain = await run(plain_lambda(), {"orders": lambda event, context: returned}, {})
    _, invoked = await run(lambda_invoke(), {"orders": lambda event, context: returned}, {})

    assert plain.output == expected
    assert invoked.output["Payload"] == expected


async def test_a_handler_gets_a_copy_it_cannot_change_the_state_input_through() -> None:
    def orders(event: Any, context: Any) -> Any:
        event["items"].append("stolen")
        return "done"

    definition = plain_lambda({"ResultPath": "$.result"})
    _, result = await run(definition, {"orders": orders}, {"items": ["a"]})

    assert result.output == {"items": ["a"], "result": "done"}


async def test_a_lambda_invoke_of_an_unmapped_function_is_not_found() -> None:
    _, result = await run(lambda_invoke(), {"other": lambda event, context: 1}, {})

    assert result.status == "FAILED"
    assert result.error == "Lambda.ResourceNotFoundException"


def test_function_names_are_read_from_names_arns_and_aliases() -> None:
    assert function_name("orders") == "orders"
    assert function_name("orders:live") == "orders"
    assert function_name(FUNCTION_ARN) == "orders"
    assert function_name(FUNCTION_ARN + ":live") == "orders"


# -- loading handlers from modules ------------------------------------------------------


def write_module(folder: Path, body: str) -> str:
    name = f"handlers_{uuid.uuid4().hex[:10]}"
    (folder / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")
    return name


@pytest.fixture
def module_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_load_handler_finds_module_colon_function(module_dir: Path) -> None:
    name = write_module(module_dir, "def charge(event, context):\n    return {'charged': event}\n")

    handler = load_handler(f"{name}:charge")

    assert handler({"n": 1}, None) == {"charged": {"n": 1}}


def test_load_handler_defaults_to_a_function_called_handler(module_dir: Path) -> None:
    name = write_module(module_dir, "def handler(event, context):\n    return 'default'\n")

    assert load_handler(name)(None, None) == "default"


def test_load_handler_names_a_missing_function(module_dir: Path) -> None:
    name = write_module(module_dir, "def charge(event, context):\n    return 1\n")

    with pytest.raises(HandlerImportError) as raised:
        load_handler(f"{name}:refund")
    message = str(raised.value)
    assert "\n" not in message
    assert name in message
    assert "refund" in message


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("import a_module_nobody_installed\n", id="missing-import"),
        pytest.param("def broken(:\n", id="syntax-error"),
        pytest.param("raise RuntimeError('needs AWS_REGION')\n", id="raises-on-import"),
    ],
)
def test_a_module_that_does_not_import_is_one_sentence(module_dir: Path, body: str) -> None:
    name = write_module(module_dir, body)

    with pytest.raises(HandlerImportError) as spec_error:
        load_handler(f"{name}:handler")
    with pytest.raises(HandlerImportError) as module_error:
        load_handler_module(name)
    for error in (spec_error.value, module_error.value):
        assert "\n" not in str(error)
        assert name in str(error)
    assert name not in sys.modules


def test_a_module_that_does_not_exist_is_one_sentence() -> None:
    with pytest.raises(HandlerImportError) as raised:
        load_handler_module("no_such_handlers_module_here")
    assert "no_such_handlers_module_here" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_load_handler_module_maps_its_own_public_functions_by_name(module_dir: Path) -> None:
    name = write_module(
        module_dir,
        """
        from json import dumps

        def charge(event, context):
            return 'charged'

        async def refund(event, context):
            return 'refunded'

        def _private(event, context):
            return 'hidden'

        LIMIT = 3
        """,
    )

    handlers = load_handler_module(name)

    assert sorted(handlers) == ["charge", "refund"]
    assert handlers["charge"](None, None) == "charged"


def test_a_handlers_mapping_in_the_module_wins(module_dir: Path) -> None:
    name = write_module(
        module_dir,
        """
        def charge(event, context):
            return 'charged'

        HANDLERS = {'charge-card-prod': charge}
        """,
    )

    assert list(load_handler_module(name)) == ["charge-card-prod"]


async def test_the_error_document_is_the_one_lambdas_python_runtime_writes() -> None:
    # AWS (recorded in ../shared/conformance/): {"errorMessage", "errorType", "requestId",
    # "stackTrace": ['  File "/var/task/handler.py", line 2, in handler\n    raise ...\n']}
    request_ids: list[str] = []

    def check_quantity(quantity: int) -> None:
        if quantity < 0:
            raise ValueError("quantity must be positive")

    def orders(event: Any, context: Any) -> Any:
        request_ids.append(context.aws_request_id)
        check_quantity(event["qty"])

    _, result = await run(plain_lambda(), {"orders": orders}, {"qty": -1})

    document = json.loads(result.cause or "")
    assert list(document) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert document["requestId"] == request_ids[0]
    frames = document["stackTrace"]
    assert len(frames) == 2  # the handler, then what it called: nothing of sfntui's own
    for frame, function, line in zip(
        frames, ("orders", "check_quantity"), ("check_quantity(event", "raise ValueError"),
        strict=True,
    ):
        assert frame.startswith(f'  File "{__file__}", line ')
        assert f", in {function}\n    {line}" in frame
        assert frame.endswith("\n")
