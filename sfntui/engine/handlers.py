"""Local Python handlers standing in for Lambda functions.

A handler is `handler(event, context)`, sync or async, mapped to a function name or ARN. Its
return value passes through as Lambda's would (a JSON round trip); for the optimized
`arn:aws:states:::lambda:invoke` integration it is wrapped as AWS wraps it (`Payload`,
`StatusCode`, ...). A handler that raises becomes the Lambda error AWS reports: the exception's
type as the error, and Lambda's error document as the cause. How a handler is kept apart from
sfntui (a thread, stdout to stderr, `sys.exit` and `os._exit` as a crash of the function) is
`handler_isolation`'s job. A result that is not JSON AWS accepts (NaN, Infinity, a lone
surrogate) fails the Task with a sentence.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import json
import sys
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sfntui.asl.strict_json import JsonValueError, check_json_value
from sfntui.engine import handler_isolation
from sfntui.engine.handler_isolation import HandlerCrashed, call_handler, isolated
from sfntui.engine.tasks import Resource, TaskFailure, TaskInvocation

Handler = Callable[[Any, Any], Any]


class HandlerImportError(ValueError):
    """A handler module or function that cannot be loaded; one sentence."""


def function_name(name_or_arn: str) -> str:
    """`arn:aws:lambda:r:a:function:f:alias` and `f:alias` -> `f`; a plain name stays."""
    if name_or_arn.startswith("arn:"):
        parts = name_or_arn.split(":")
        return parts[6] if len(parts) > 6 else name_or_arn
    return name_or_arn.split(":")[0]


@dataclass
class LambdaContext:
    """The `context` a handler receives, with the attributes Lambda's Python runtime has."""

    function_name: str
    aws_request_id: str
    invoked_function_arn: str
    memory_limit_in_mb: int = 128
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


class PythonHandlers:
    def __init__(self, handlers: Mapping[str, Handler] | None = None) -> None:
        self.handlers = {function_name(k): v for k, v in (handlers or {}).items()}

    def add(self, name_or_arn: str, handler: Handler) -> None:
        self.handlers[function_name(name_or_arn)] = handler

    def handles(self, state: str, resource: Resource) -> bool:
        if resource.kind == "lambda":
            return resource.function_name in self.handlers
        if not resource.is_lambda_invoke:
            return False
        if resource.function_name:
            return resource.function_name in self.handlers
        return bool(self.handlers)  # named by a path: known only when the task runs

    async def invoke(self, invocation: TaskInvocation) -> Any:
        resource = invocation.resource
        if resource.kind == "lambda":
            name, event = resource.function_name, invocation.parameters
        else:
            params = invocation.parameters if isinstance(invocation.parameters, dict) else {}
            name = function_name(str(params.get("FunctionName", "")))
            event = params.get("Payload")
        handler = self.handlers.get(name)
        if handler is None:
            raise TaskFailure(
                "Lambda.ResourceNotFoundException",
                f"Function not found: {name} (no local handler is mapped to it)",
            )
        request_id = str(uuid.uuid4())
        context = LambdaContext(
            name, request_id, f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
        )
        try:
            with isolated():
                value = await call_handler(handler, _json_copy(event), context)
            value = _json_copy(value)
        except TaskFailure:
            raise
        except HandlerCrashed as crash:  # as Lambda reports a runtime that exited
            status = crash.exit_status
            crash_document: dict[str, str] = {
                "errorType": "Runtime.ExitError",
                "errorMessage": (
                    f"RequestId: {request_id} Error: Runtime exited with error: exit status "
                    f"{status} ({crash.cause} in the handler)"
                ),
            }
            separators = (",", ":") if resource.is_lambda_invoke else (", ", ": ")
            raise TaskFailure(
                "Runtime.ExitError", json.dumps(crash_document, separators=separators)
            ) from None
        except Exception as exc:  # a handler's failure is the Lambda's error, as AWS reports it
            document = {
                "errorMessage": str(exc),
                "errorType": type(exc).__name__,
                "requestId": request_id,
                "stackTrace": traceback.format_list(_user_frames(exc)),
            }
            separators = (",", ":") if resource.is_lambda_invoke else (", ", ": ")
            raise TaskFailure(
                type(exc).__name__, json.dumps(document, separators=separators)
            ) from None
        if resource.kind == "lambda":
            return value
        return {
            "ExecutedVersion": "$LATEST",
            "Payload": value,
            "SdkHttpMetadata": {"HttpStatusCode": 200},
            "SdkResponseMetadata": {"RequestId": request_id},
            "StatusCode": 200,
        }


def _user_frames(exc: BaseException) -> list[traceback.FrameSummary]:
    """The traceback's frames of the handler's own code: none of sfntui's, as on Lambda."""
    ours = {__file__, handler_isolation.__file__}
    return [f for f in traceback.extract_tb(exc.__traceback__) if f.filename not in ours]


def _json_copy(value: Any) -> Any:
    """What Step Functions receives: bytes are Lambda's raw payload, read as JSON if they are."""
    if isinstance(value, bytes | bytearray):
        text = value.decode("utf-8", errors="replace")
        try:
            return json.loads(text)
        except ValueError:
            return text
    try:
        copied = json.loads(json.dumps(value))
        check_json_value(copied, "The handler's value")
        return copied
    except JsonValueError as exc:
        raise TaskFailure("Lambda.InvalidResponse", str(exc)) from None
    except (TypeError, ValueError, RecursionError) as exc:
        raise TaskFailure(
            "Lambda.InvalidResponse", f"The handler's value is not JSON-serializable: {exc}"
        ) from None


def _import_user_module(module_name: str) -> Any:
    """Import a handler module: what it prints goes to stderr, and exiting is a failure."""
    try:
        with contextlib.redirect_stdout(sys.stderr):
            return importlib.import_module(module_name)
    except (Exception, KeyboardInterrupt):
        raise
    except BaseException as exc:  # sys.exit() at import time
        raise HandlerImportError(
            f"the handler module '{module_name}' exited while it was imported "
            f"({type(exc).__name__})"
        ) from None


def load_handler(spec: str) -> Handler:
    """`package.module:function` -> the function; HandlerImportError with one sentence if not."""
    module_name, _, attr = spec.partition(":")
    attr = attr or "handler"
    try:
        if "" not in sys.path and "." not in sys.path:
            sys.path.insert(0, "")
        module = _import_user_module(module_name)
    except HandlerImportError:
        raise
    except Exception as exc:  # any import-time failure of user code is reported, not raised
        raise HandlerImportError(
            f"cannot import the handler module '{module_name}': {exc}"
        ) from None
    function = getattr(module, attr, None)
    if not callable(function):
        raise HandlerImportError(f"the module '{module_name}' has no function '{attr}'")
    return function


def load_handler_module(module_name: str) -> dict[str, Handler]:
    """Every public function of a module, by name: `--handlers MODULE` maps function names."""
    try:
        if "" not in sys.path:
            sys.path.insert(0, "")
        module = _import_user_module(module_name)
    except HandlerImportError:
        raise
    except Exception as exc:  # any import-time failure of user code is reported, not raised
        raise HandlerImportError(
            f"cannot import the handler module '{module_name}': {exc}"
        ) from None
    mapping = getattr(module, "HANDLERS", None)
    if isinstance(mapping, Mapping):
        return dict(mapping)
    return {
        name: value
        for name, value in vars(module).items()
        if callable(value)
        and not name.startswith("_")
        and inspect.isfunction(value)
        and value.__module__ == module.__name__
    }
