"""The real AWS call for a Task state, for local runs that ask for it (opt-in).

Handles `arn:aws:states:::lambda:invoke`, plain Lambda function ARNs and
`arn:aws:states:::aws-sdk:<service>:<action>` in the request-response pattern, through
aiobotocore with the user's credentials. Results and errors take the shapes Step Functions
gives them: `lambda:invoke` wraps the function's answer in `Payload`, `StatusCode`, ...; an
SDK call's result has PascalCase field names; a service error is named
`<Service>.<ErrorCode>` (`S3.NoSuchKeyException`, `Lambda.ResourceNotFoundException`) and a
function error by the function's `errorType`.

It answers the engine's `TaskResolver` protocol by its shape alone: the engine hands it in
at run time, and a failure is a `TaskCallFailed` carrying `error` and `cause`, which the
engine reads as the task's failure. So neither package imports the other.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore import xform_name
from botocore.exceptions import ClientError
from botocore.model import ListShape, MapShape, ServiceModel, Shape, StructureShape

from sfntui.aws.connection import AwsSession, ConnectionOptions
from sfntui.aws.errors import explain

if TYPE_CHECKING:
    from sfntui.engine.tasks import Resource, TaskInvocation

#: SDK service names (as in `aws-sdk:<name>:...`) that botocore spells differently.
_BOTOCORE_NAMES = {
    "sfn": "stepfunctions",
    "cloudwatchlogs": "logs",
    "eventbridge": "events",
    "elasticloadbalancingv2": "elbv2",
    "elasticloadbalancing": "elb",
    "cognitoidentityprovider": "cognito-idp",
    "cognitoidentity": "cognito-identity",
    "databasemigration": "dms",
    "configservice": "config",
    "costexplorer": "ce",
    "directoryservice": "ds",
    "lexmodelbuilding": "lex-models",
    "lexruntime": "lex-runtime",
    "marketplacemetering": "meteringmarketplace",
    "applicationautoscaling": "application-autoscaling",
}


_UPPER_RUN = re.compile(r"[A-Z]{2,}")


def service_error_prefix(service_id: str) -> str:
    """botocore's service id as Step Functions names it in errors: `DynamoDB` -> `DynamoDb`."""
    words = [word[:1].upper() + word[1:] for word in re.split(r"[\s_-]+", service_id) if word]
    return "".join(_UPPER_RUN.sub(lambda run: run[0][0] + run[0][1:].lower(), w) for w in words)


def sdk_error_name(prefix: str, code: str) -> str:
    """Step Functions always adds the `Exception` suffix, even where the service has none."""
    return f"{prefix}.{code if code.endswith('Exception') else code + 'Exception'}"


class TaskCallFailed(Exception):
    """The AWS call failed: `error` and `cause` as Step Functions records them."""

    def __init__(self, error: str, cause: str | None = None) -> None:
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error = error
        self.cause = cause


class AwsTaskResolver:
    """A TaskResolver making the real AWS call; `async with` closes its clients."""

    def __init__(
        self, session: AwsSession | None = None, options: ConnectionOptions | None = None
    ) -> None:
        self._owns_session = session is None
        self.session = session or AwsSession(options)
        self._services: dict[str, str] | None = None

    async def __aenter__(self) -> AwsTaskResolver:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_session:
            await self.session.aclose()

    # -- the TaskResolver protocol ----------------------------------------------------------

    def handles(self, state: str, resource: Resource) -> bool:
        if resource.pattern:
            return False  # .sync and .waitForTaskToken need AWS to call back: not locally
        if resource.kind == "lambda" or resource.is_lambda_invoke:
            return True
        return resource.kind == "service" and resource.service.startswith("aws-sdk:")

    async def invoke(self, invocation: TaskInvocation) -> Any:
        resource = invocation.resource
        if resource.kind == "lambda":
            return await self._invoke_function(resource.arn, invocation.parameters, wrap=False)
        if resource.is_lambda_invoke:
            params = invocation.parameters if isinstance(invocation.parameters, Mapping) else {}
            return await self._invoke_function(
                str(params.get("FunctionName", "")), params.get("Payload"), wrap=True, extra=params
            )
        service = resource.service.removeprefix("aws-sdk:")
        return await self._sdk_call(service, resource.action, invocation.parameters)

    # -- Lambda -----------------------------------------------------------------------------

    async def _invoke_function(
        self, function: str, payload: Any, *, wrap: bool, extra: Mapping[str, Any] | None = None
    ) -> Any:
        params: dict[str, Any] = {"FunctionName": function}
        for key in ("Qualifier", "InvocationType", "LogType", "ClientContext"):
            if extra and extra.get(key) is not None:
                params[key] = extra[key]
        if payload is not None:
            params["Payload"] = payload if isinstance(payload, str) else json.dumps(payload)
        response = await self._call("lambda", "Invoke", params, lambda_integration=True)
        body = response.get("Payload")
        raw = await body.read() if hasattr(body, "read") else (body or b"")
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
        try:
            value: Any = json.loads(text) if text else None
        except ValueError:
            value = text
        if response.get("FunctionError"):
            error = value.get("errorType") if isinstance(value, dict) else None
            raise TaskCallFailed(error or "Lambda.Unknown", text)
        if not wrap:
            return value
        metadata = response.get("ResponseMetadata") or {}
        return {
            "ExecutedVersion": response.get("ExecutedVersion", "$LATEST"),
            "Payload": value,
            "SdkHttpMetadata": {
                "AllHttpHeaders": {
                    key: [value] for key, value in (metadata.get("HTTPHeaders") or {}).items()
                },
                "HttpHeaders": dict(metadata.get("HTTPHeaders") or {}),
                "HttpStatusCode": response.get("StatusCode", 200),
            },
            "SdkResponseMetadata": {"RequestId": metadata.get("RequestId", "")},
            "StatusCode": response.get("StatusCode", 200),
        }

    # -- AWS SDK integrations ---------------------------------------------------------------

    async def _sdk_call(self, sdk_service: str, action: str, parameters: Any) -> Any:
        service = await self._botocore_service(sdk_service)
        client = await self.session.client(service)
        model = client.meta.service_model
        operations = {name.lower(): name for name in model.operation_names}
        operation = operations.get(action.lower())
        if operation is None:
            raise TaskCallFailed(
                "States.Runtime",
                f"The {sdk_service} service has no action '{action}'.",
            )
        shape = model.operation_model(operation).input_shape
        params = _to_api(parameters or {}, shape) if shape is not None else {}
        response = await self._call(service, operation, params)
        response.pop("ResponseMetadata", None)
        output_shape = model.operation_model(operation).output_shape
        return await _from_api(response, output_shape)

    async def _botocore_service(self, sdk_service: str) -> str:
        if self._services is None:
            available = self.session.available_services()
            self._services = {name.replace("-", ""): name for name in available}
        name = sdk_service.lower()
        found = _BOTOCORE_NAMES.get(name) or self._services.get(name.replace("-", ""))
        if found is None:
            raise TaskCallFailed(
                "States.Runtime", f"'{sdk_service}' is not an AWS SDK service name."
            )
        return found

    async def _call(
        self,
        service: str,
        operation: str,
        params: dict[str, Any],
        *,
        lambda_integration: bool = False,
    ) -> Any:
        """The call; a failure as Step Functions records it. `lambda_integration`: a Lambda
        function ARN or `lambda:invoke`, not `aws-sdk:lambda:...`."""
        client = await self.session.client(service)
        try:
            return await getattr(client, xform_name(operation))(**params)
        except ClientError as exc:
            model = client.meta.service_model
            raise _service_failure(exc, model, lambda_integration) from None
        except Exception as exc:
            message = explain(exc, operation=operation, region=self.session.region).message
            # Lambda's calls fail on the client side as the Java SDK's SdkClientException
            # (the developer guide's "Handle Lambda service exceptions" retries on it).
            error = "Lambda.SdkClientException" if lambda_integration else "States.TaskFailed"
            raise TaskCallFailed(error, message) from None


def _service_failure(
    exc: ClientError, model: ServiceModel, lambda_integration: bool = False
) -> TaskCallFailed:
    """A service's error answer, named and worded as Step Functions records it.

    An error the service's model declares keeps its code (`S3.NoSuchKeyException`); any other
    takes the service's generic exception (`DynamoDb.DynamoDbException` for a DynamoDB
    ValidationException), as the Java SDK v2 behind aws-sdk integrations names them. The Lambda
    integration goes through the older SDK: `Lambda.AWSLambdaException`, and its
    `(Service: AWSLambda; ...)` wording of the cause.
    """
    prefix = service_error_prefix(model.service_id)
    error = exc.response.get("Error", {})
    code = error.get("Code") or "Unknown"
    metadata = exc.response.get("ResponseMetadata", {})
    status = metadata.get("HTTPStatusCode", "")
    request = metadata.get("RequestId", "")
    message = error.get("Message") or code
    declared = code in {shape.error_code for shape in model.error_shapes}
    if lambda_integration:
        name = sdk_error_name(prefix, code) if declared else f"{prefix}.AWSLambdaException"
        cause = (
            f"{message} (Service: AWSLambda; Status Code: {status}; Error Code: {code}; "
            f"Request ID: {request}; Proxy: null)"
        )
        return TaskCallFailed(name, cause)
    name = sdk_error_name(prefix, code if declared else prefix)
    details = [f"Service: {prefix}", f"Status Code: {status}", f"Request ID: {request}"]
    if metadata.get("HostId"):
        details.append(f"Extended Request ID: {metadata['HostId']}")
    return TaskCallFailed(name, f"{message} ({', '.join(details)})")


def _to_api(value: Any, shape: Shape) -> Any:
    """Step Functions' PascalCase parameters -> the member names of botocore's input shape."""
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        members = {name.lower(): name for name in shape.members}
        converted = {}
        for key, item in value.items():
            name = members.get(str(key).lower(), key)
            member = shape.members.get(name)
            converted[name] = _to_api(item, member) if member is not None else item
        return converted
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_to_api(item, shape.member) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, Mapping):
        return {key: _to_api(item, shape.value) for key, item in value.items()}
    if shape.type_name == "blob" and isinstance(value, str):
        return value.encode("utf-8")
    return value


async def _from_api(value: Any, shape: Shape | None) -> Any:
    """A botocore result as Step Functions returns it: PascalCase members, JSON values only."""
    if hasattr(value, "read"):  # a streaming body
        data = await value.read()
        return data.decode("utf-8", errors="replace")
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        return {
            key[:1].upper() + key[1:]: await _from_api(item, shape.members.get(key))
            for key, item in value.items()
        }
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [await _from_api(item, shape.member) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, Mapping):
        return {key: await _from_api(item, shape.value) for key, item in value.items()}
    if isinstance(value, bytes | bytearray):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: await _from_api(item, None) for key, item in value.items()}
    if isinstance(value, list):
        return [await _from_api(item, None) for item in value]
    return value
