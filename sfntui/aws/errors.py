"""AWS failures said in one sentence: what happened and what to do, never a traceback.

`explain(error, ...)` turns whatever botocore or aiohttp raised into an `AwsError` whose
`message` a person can act on: no credentials, an expired token, access denied, a wrong
region, an endpoint that does not answer, a throttle that did not clear. Faults that may clear
by themselves (the service unavailable, a connection dropped, an answer late, cut or garbled, a
throttle) are `TransientError`s, so that what follows an execution live knows to keep trying.
"""

from __future__ import annotations

import errno
from typing import Any

from botocore import exceptions as boto

from sfntui.history.actions import ActionCancelled, BackendError

#: Error codes that mean the credentials themselves are no good.
_BAD_CREDENTIAL_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "IncompleteSignature",
        "SignatureDoesNotMatch",
        "MissingAuthenticationToken",
    }
)
EXPIRED_CODES = frozenset({"ExpiredTokenException", "ExpiredToken"})
#: Error codes that mean the request's own timestamp was too old: the computer's clock is off.
_CLOCK_CODES = frozenset({"RequestExpired", "RequestTimeTooSkewed", "RequestInTheFuture"})
_DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied", "NotAuthorized"})
_NOT_FOUND_CODES = frozenset(
    {
        "ExecutionDoesNotExist",
        "StateMachineDoesNotExist",
        "ResourceNotFound",
        "ResourceNotFoundException",
        "MapRunDoesNotExist",
    }
)
#: Throttles: botocore's list, and KmsThrottlingException, which Step Functions answers (for
#: GetExecutionHistory, DescribeExecution, ...) when KMS throttles its calls for a machine
#: encrypted with a customer managed key.
THROTTLING_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestThrottledException",
        "RequestThrottled",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "KmsThrottlingException",
    }
)


class AwsError(BackendError):
    """Something went wrong talking to AWS; `message` is one sentence for a person.

    A kind of the neutral `BackendError`, so the app catches one kind from either source.
    """

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class ReadOnlyError(AwsError, ActionCancelled):
    """An action (start, stop, redrive) asked for while connected read-only."""


class ActionDeclined(AwsError, ActionCancelled):
    """The person asked to confirm an action said no; nothing was sent to AWS."""


class TransientError(AwsError):
    """A fault that may clear by itself, already retried: the service unavailable (HTTP 5xx), a
    connection dropped or refused, an answer late, cut short or garbled, a throttle.

    `reason` says it in a few words, for "reconnecting ..." lines.
    """

    def __init__(self, message: str, code: str | None = None, *, reason: str = "") -> None:
        super().__init__(message, code)
        self.reason = reason or "a network fault"


class UnreachableError(TransientError):
    """No connection could be made at all: the network is down, or the endpoint is wrong."""


class ThrottledError(TransientError):
    """AWS kept answering ThrottlingException for longer than the caller was willing to wait."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message, code, reason="AWS is throttling calls")


class IncompleteHistoryError(AwsError):
    """A history that could not be read whole (event ids 1..N, no gap, no repeat)."""


#: HTTP statuses of a service that failed or is unavailable for now (botocore's standard mode
#: retries the same ones), and what each means in a sentence.
_UNAVAILABLE_STATUSES = {
    500: "an internal error",
    502: "a bad gateway",
    503: "the service is unavailable",
    504: "a gateway timeout",
}
#: Error codes that say the same as those statuses, whatever status carries them.
_UNAVAILABLE_CODES = frozenset(
    {
        "InternalFailure",
        "InternalServerError",
        "InternalError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
        "PriorRequestNotComplete",
    }
)


def worth_retrying(error: AwsError) -> bool:
    """Whether something following an execution live should keep trying after `error`.

    Transient faults, and an expired session token: the person can refresh it
    (`aws sso login`) while sfntui waits, and the next try reads the new one.
    """
    return isinstance(error, TransientError) or error.code in EXPIRED_CODES


def error_code(error: BaseException) -> str | None:
    if isinstance(error, boto.ClientError):
        return error.response.get("Error", {}).get("Code")
    return None


def arn_region(arn: str) -> str | None:
    """The region field of an ARN (`arn:aws:states:REGION:...`), if it has one."""
    parts = arn.split(":")
    if len(parts) > 4 and parts[0] == "arn" and parts[3]:
        return parts[3]
    return None


def explain(
    error: BaseException,
    *,
    operation: str = "",
    region: str | None = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
    resource: str | None = None,
    iam_prefix: str = "states",
) -> AwsError:
    """The one-sentence `AwsError` for an exception raised while calling AWS.

    `iam_prefix` is the service's prefix in IAM actions (`states`, `logs`, ...), to name the
    permission a refused call needs.
    """
    if isinstance(error, AwsError):
        return error
    code = error_code(error)
    where = f" in {region}" if region else ""
    profile_hint = f"--profile {profile}" if profile else "your AWS profile"
    call = f" {operation}" if operation else ""

    if isinstance(error, boto.ProfileNotFound):
        name = getattr(error, "kwargs", {}).get("profile") or profile
        return AwsError(
            f"The AWS profile '{name}' is not in your AWS config files; "
            "check the name or run `aws configure --profile NAME`."
        )
    if isinstance(error, boto.NoRegionError):
        return AwsError(
            "No AWS region is set: pass --region, set AWS_REGION, or add a region to your profile."
        )
    if isinstance(error, boto.NoCredentialsError | boto.PartialCredentialsError):
        return AwsError(
            "No AWS credentials were found: set AWS_PROFILE or pass --profile, "
            "or run `aws configure` (or `aws sso login`)."
        )
    if isinstance(error, boto.TokenRetrievalError | boto.SSOError):
        login = f"aws sso login --profile {profile}" if profile else "aws sso login"
        return AwsError(f"Your AWS SSO session has expired or is missing: run `{login}`.")
    if isinstance(error, boto.CredentialRetrievalError):
        return AwsError(
            f"AWS credentials could not be obtained for {profile_hint}: {_short(str(error))}."
        )
    target = endpoint_url or getattr(error, "kwargs", {}).get("endpoint_url") or "AWS"
    if isinstance(error, boto.ConnectionClosedError) or _was_reset(error):
        return TransientError(
            f"The connection to {target} was dropped during{call or ' a call'}, again on "
            "every retry: check your network and try again.",
            reason="the connection was dropped",
        )
    if isinstance(error, boto.ConnectTimeoutError | boto.ReadTimeoutError):
        return TransientError(
            f"{target} did not answer{call} in time, again on every retry: check your network "
            "and try again.",
            reason="no answer in time",
        )
    if isinstance(error, boto.EndpointConnectionError):
        return UnreachableError(
            f"Could not connect to {target}: check your network, or that the endpoint is "
            "running if you passed --endpoint-url.",
            reason=f"cannot connect to {target}",
        )
    if isinstance(error, boto.ParamValidationError):
        return AwsError(f"The request{call} was not valid: {_short(str(error))}.")
    if code in _CLOCK_CODES or "signature expired" in _message(error).lower():
        return AwsError(
            f"AWS refused{call} because the request's time is too far from AWS's: set your "
            "computer's clock right (turn on automatic time) and try again.",
            code,
        )
    if code in EXPIRED_CODES:
        return AwsError(
            f"Your AWS session token has expired: refresh your credentials for {profile_hint} "
            "(for SSO, `aws sso login`).",
            code,
        )
    if code in _BAD_CREDENTIAL_CODES:
        return AwsError(
            f"AWS rejected your credentials ({code}): check {profile_hint}, "
            "or that the keys in your environment are current.",
            code,
        )
    if code in _DENIED_CODES:
        return AwsError(
            f"AWS denied access to{call}{where}: your role needs the {iam_prefix}:"
            f"{operation or '*'} permission (or a profile that has it).",
            code,
        )
    if code == "KmsAccessDeniedException":
        return AwsError(
            f"Step Functions could not use the state machine's KMS key for{call}: the key "
            "policy must let your role use it (kms:Decrypt).",
            code,
        )
    if code in THROTTLING_CODES:
        return ThrottledError(
            f"AWS kept throttling{call}: other tools in this account are using its API quota; "
            "try again in a minute.",
            code,
        )
    if code in _NOT_FOUND_CODES:
        return _not_found(error, code, operation, region, resource)
    if code == "InvalidArn":
        return AwsError(f"{resource or 'The ARN'} is not a valid Step Functions ARN.", code)
    if code == "ExecutionNotRedrivable":
        reason = _message(error).rstrip(".") or "The execution cannot be redriven"
        return AwsError(
            f"{reason}: only executions that failed, timed out or were aborted in the last "
            "14 days can be redriven.",
            code,
        )
    if code == "ExecutionAlreadyExists":
        return AwsError(
            f"An execution with that name already exists: {_message(error)} Pick another name.",
            code,
        )
    if isinstance(error, boto.ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status in _UNAVAILABLE_STATUSES or code in _UNAVAILABLE_CODES:
            meaning = _UNAVAILABLE_STATUSES.get(status or 0, "the service is unavailable")
            answer = f"HTTP {status}" if status else str(code)
            return TransientError(
                f"{_service(iam_prefix, endpoint_url)} answered{call} with {answer} "
                f"({meaning}), again on every retry: try again in a minute.",
                code,
                reason=f"{meaning} ({answer})",
            )
        if code and code.isdigit() or (status and status >= 500 and not _message(error)):
            return AwsError(
                f"The endpoint failed{call} with HTTP {status or code}; it may not support this "
                "operation (moto and LocalStack lack some).",
                code,
            )
        return AwsError(f"AWS refused{call}: {code}: {_message(error)}", code)
    if isinstance(error, boto.HTTPClientError):
        return TransientError(
            f"The AWS call{call} failed: {_short(str(error))}.", reason="a network fault"
        )
    if isinstance(error, boto.BotoCoreError):
        return AwsError(f"The AWS call{call} failed: {_short(str(error))}.")
    if isinstance(error, OSError | TimeoutError):
        return TransientError(
            f"Could not reach {endpoint_url or 'AWS'}: {_short(str(error))}.",
            reason="a network fault",
        )
    return AwsError(f"The AWS call{call} failed: {type(error).__name__}: {_short(str(error))}.")


def _was_reset(error: BaseException) -> bool:
    """A connection made, then reset or broken by the other end (not one never made)."""
    cause = (
        getattr(error, "kwargs", {}).get("error") if isinstance(error, boto.BotoCoreError) else None
    )
    return isinstance(cause, OSError) and cause.errno in _BROKEN_CONNECTION_ERRNOS


_BROKEN_CONNECTION_ERRNOS = frozenset({errno.ECONNRESET, errno.ECONNABORTED, errno.EPIPE})


def _service(iam_prefix: str, endpoint_url: str | None) -> str:
    if endpoint_url:
        return f"The endpoint {endpoint_url}"
    return {"states": "Step Functions", "logs": "CloudWatch Logs"}.get(iam_prefix, "AWS")


def _not_found(
    error: BaseException, code: str, operation: str, region: str | None, resource: str | None
) -> AwsError:
    wanted_region = arn_region(resource) if resource else None
    if wanted_region and region and wanted_region != region:
        return AwsError(
            f"{resource} is in {wanted_region}, but sfntui is connected to {region}: "
            f"pass --region {wanted_region}.",
            code,
        )
    what = {
        "ExecutionDoesNotExist": "execution",
        "StateMachineDoesNotExist": "state machine",
        "MapRunDoesNotExist": "Map Run",
    }.get(code, "resource")
    named = f" {resource}" if resource else ""
    in_region = f" in {region}" if region else ""
    return AwsError(
        f"There is no {what}{named}{in_region}: check the ARN, the account and the region.",
        code,
    )


def _message(error: BaseException) -> str:
    if isinstance(error, boto.ClientError):
        text = error.response.get("Error", {}).get("Message") or ""
        return _short(text)
    return _short(str(error))


def _short(text: Any, limit: int = 300) -> str:
    one_line = " ".join(str(text).split())
    if "<html" in one_line.lower():
        return "(an HTML error page)"
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
