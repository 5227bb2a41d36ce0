"""The connection to AWS: an aiobotocore session, its clients, and every call going through
the shared request budget, with faults retried and errors said in a sentence.

Retries come in two layers. botocore's standard retry mode retries each read (`is_read`) that
meets a transient fault (HTTP 500/502/503/504, a connection refused, reset or cut short, a read
timeout) with capped, jittered back-off, `max_attempts` times in all; every attempt it makes
spends the shared budget (a `before-send` hook). An action that changes something is sent
once. Throttles are left to `AwsSession.call`: each one slows the shared budget down (a
`needs-retry` hook), and the call is tried again, paced by that budget, until
`throttle_patience` runs out. `call` also retries a read whose answer botocore took for a
good one but is not (a body that did not parse: botocore reads it as an empty answer).

The environment may set `SFNTUI_AWS_CONNECT_TIMEOUT`, `SFNTUI_AWS_READ_TIMEOUT` (seconds),
`SFNTUI_AWS_MAX_ATTEMPTS` and `SFNTUI_AWS_RETRY_DELAY` (the first pause of sfntui's own
retries, in seconds): for a network slower than usual, and for tests that must not wait long.

Settings come from the user's usual AWS setup, as botocore resolves it: `--profile` or
`AWS_PROFILE` (SSO and assumed-role profiles included), `--region`, `AWS_REGION` or
`AWS_DEFAULT_REGION` or the profile's region, `--endpoint-url` or `AWS_ENDPOINT_URL_SFN` /
`AWS_ENDPOINT_URL` (LocalStack and moto work this way).
"""

from __future__ import annotations

import asyncio
import logging
import os
from contextlib import AsyncExitStack
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from botocore import xform_name
from botocore.exceptions import ClientError

from sfntui.aws.backoff import pause
from sfntui.aws.budget import RequestBudget, shared_budget_file
from sfntui.aws.errors import (
    THROTTLING_CODES,
    AwsError,
    ThrottledError,
    TransientError,
    arn_region,
    error_code,
    explain,
)

if TYPE_CHECKING:  # aiobotocore (and aiohttp) load when a session opens: ~0.3 s at startup
    from aiobotocore.session import AioSession

#: The region used against a local endpoint (moto, LocalStack) when none is configured.
LOCAL_ENDPOINT_REGION = "us-east-1"

# aiobotocore logs a WARNING with a traceback when credentials cannot be refreshed (an SSO
# session that expired, say), and botocore's NullHandler does not cover its loggers: with no
# logging set up, Python would print it on stderr, over the TUI. The failure reaches the user
# anyway, as the AwsError of the call. (An app that sets up logging still gets the records.)
logging.getLogger("aiobotocore").addHandler(logging.NullHandler())


def _from_environment(name: str, default: float, kind: type = float) -> Any:
    """A default that the environment may change (`SFNTUI_AWS_READ_TIMEOUT=2`, ...): for
    tests that must not wait long, and for a network slower than usual."""

    def read() -> Any:
        text = os.environ.get(name)
        if text:
            try:
                value = kind(text)
            except ValueError:
                return default
            if value > 0:
                return value
        return default

    return field(default_factory=read)


@dataclass(frozen=True)
class ConnectionOptions:
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    #: Refuse every action that changes something (start, stop, redrive).
    read_only: bool = False
    connect_timeout: float = _from_environment("SFNTUI_AWS_CONNECT_TIMEOUT", 5.0)
    read_timeout: float = _from_environment("SFNTUI_AWS_READ_TIMEOUT", 30.0)
    #: How long AWS may keep throttling one call before the caller is told.
    throttle_patience: float = 60.0
    #: The first pause after a ThrottlingException; it doubles on each one after.
    throttle_delay: float = _from_environment("SFNTUI_AWS_RETRY_DELAY", 0.5)
    #: Tries of one request for a transient fault (botocore's standard retry mode), and of
    #: one call whose answer did not parse.
    max_attempts: int = _from_environment("SFNTUI_AWS_MAX_ATTEMPTS", 3, int)
    #: The first pause before trying again what botocore does not retry itself (an answer
    #: that did not parse, a history page with a gap, a tail reconnecting); it doubles after.
    retry_delay: float = _from_environment("SFNTUI_AWS_RETRY_DELAY", 0.5)

    def for_arn(self, arn: str) -> ConnectionOptions:
        """These options, in the ARN's region unless a region was chosen explicitly."""
        region = arn_region(arn)
        if self.region is None and region:
            return replace(self, region=region)
        return self


class AwsSession:
    """aiobotocore clients for one profile, region and endpoint; use as `async with`.

    Every call goes through `call`, which spends the shared `budget`, retries when throttled
    and turns failures into `AwsError`.
    """

    def __init__(
        self, options: ConnectionOptions | None = None, budget: RequestBudget | None = None
    ) -> None:
        self.options = options or ConnectionOptions()
        #: Without a budget of its own, a session shares one with every sfntui process of the
        #: same account (profile) and region on this machine, through a file (`open`).
        self._share_budget = budget is None
        self.budget = budget or RequestBudget()
        self._session: AioSession | None = None
        self._region: str | None = None
        self._stack = AsyncExitStack()
        self._clients: dict[str, Any] = {}
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> AwsSession:
        self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._clients.clear()
        await self._stack.aclose()

    # -- setup ---------------------------------------------------------------------------

    def open(self) -> None:
        """Create the botocore session and settle the region; AwsError if that fails."""
        if self._session is not None:
            return
        from aiobotocore.session import AioSession

        from sfntui.aws.history_parser import response_parsers

        try:
            session = AioSession(profile=self.options.profile)
            session.set_config_variable("user_agent_extra", "sfntui")
            session.register_component("response_parser_factory", response_parsers())
            self._region = self._resolve_region(session)
        except AwsError:
            raise
        except Exception as exc:
            raise self._explain(exc) from None
        self._session = session
        if self._share_budget:
            self._share_budget = False
            account = self.profile or os.environ.get("AWS_ACCESS_KEY_ID") or "default"
            path = shared_budget_file(account, self._region, self.options.endpoint_url)
            if path is not None:
                self.budget.share_through(path)

    def forget_credentials(self) -> None:
        """Read the credentials again on the next call (after `aws sso login`, say).

        The clients made so far stay open until `aclose`, for calls still running on them.
        """
        self._session = None
        self._clients.clear()

    def _resolve_region(self, session: AioSession) -> str:
        region = (
            self.options.region
            or os.environ.get("AWS_REGION")
            or session.get_config_variable("region")
        )
        if region:
            return region
        if (
            self.options.endpoint_url
            or os.environ.get("AWS_ENDPOINT_URL_SFN")
            or os.environ.get("AWS_ENDPOINT_URL")
        ):
            return LOCAL_ENDPOINT_REGION
        raise AwsError(
            "No AWS region is set: pass --region, set AWS_REGION, or add a region to your profile."
        )

    @property
    def region(self) -> str:
        self.open()
        assert self._region is not None
        return self._region

    @property
    def profile(self) -> str | None:
        return self.options.profile or os.environ.get("AWS_PROFILE")

    async def client(self, service: str) -> Any:
        """The aiobotocore client for `service` ("stepfunctions", "logs", "s3", ...)."""
        found = self._clients.get(service)
        if found is not None:
            return found
        async with self._lock:
            found = self._clients.get(service)
            if found is not None:
                return found
            self.open()
            assert self._session is not None
            from aiobotocore.config import AioConfig

            config = AioConfig(
                connect_timeout=self.options.connect_timeout,
                read_timeout=self.options.read_timeout,
                retries={
                    "mode": "standard",
                    "total_max_attempts": max(1, self.options.max_attempts),
                },
            )
            try:
                creator = self._session.create_client(
                    service,
                    region_name=self.region,
                    endpoint_url=self.options.endpoint_url,
                    config=config,
                )
                found = await self._stack.enter_async_context(creator)
            except Exception as exc:
                raise self._explain(exc) from None
            assert found is not None
            events = found.meta.events
            service_id = found.meta.service_model.service_id.hyphenize()
            events.register("before-send", self._spend_budget)
            # before botocore's own retry handler, which is registered on the same event
            events.register_first(f"needs-retry.{service_id}", self._throttles_are_ours)
            self._clients[service] = found
            return found

    async def _spend_budget(self, event_name: str, **_: Any) -> None:
        """Every request that leaves, botocore's retries included, waits for a budget token."""
        await self.budget.acquire(event_name.rsplit(".", 1)[-1])

    def _throttles_are_ours(self, event_name: str, response: Any = None, **_: Any) -> Any:
        """A throttle slows the shared budget down, and is retried by `call`, not by botocore.

        The budget, shared with the other sfntui processes, is what paces calls after a
        throttle: botocore's own back-off on top would wait twice. The first handler to answer
        decides, and False means "do not retry". (botocore's handler still runs after this one
        and takes a little of its retry quota, which successful calls give back.)
        """
        operation = event_name.rsplit(".", 1)[-1]
        if response is not None and error_code_of(response[1]) in THROTTLING_CODES:
            self.budget.throttled(operation)
            return False
        if not is_read(operation):
            return False  # sent once: see `is_read`
        return None

    def available_services(self) -> list[str]:
        """botocore's names of every service it has a model for ("s3", "cognito-idp", ...)."""
        self.open()
        assert self._session is not None
        return list(self._session.get_available_services())

    async def endpoint_url(self, service: str = "stepfunctions") -> str:
        return (await self.client(service)).meta.endpoint_url

    # -- calls ---------------------------------------------------------------------------

    async def call(
        self,
        service: str,
        operation: str,
        *,
        resource: str | None = None,
        expect: str | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        """One API call (`operation` as AWS spells it, e.g. "GetExecutionHistory").

        botocore retries transient faults itself (see the module's docstring). A throttle that
        outlasts its tries is tried again here, with a longer pause each time, until
        `throttle_patience` runs out. An answer that is not one (a body that did not parse, which
        botocore reads as an empty answer; one without the member named by `expect`, such as a
        page's list) is tried again `max_attempts` times in all.
        """
        client = await self.client(service)
        method = getattr(client, xform_name(operation))
        loop = asyncio.get_running_loop()
        started = loop.time()
        throttled = garbled = 0
        while True:
            try:
                response = await method(**params)
            except ClientError as exc:
                if error_code(exc) not in THROTTLING_CODES:
                    raise self._explain(exc, operation, resource, client) from None
                throttled += 1
                wait = pause(self.options.throttle_delay, throttled, cap=10.0)
                if loop.time() - started + wait > self.options.throttle_patience:
                    waited = round(loop.time() - started)
                    raise ThrottledError(
                        f"AWS kept throttling {operation} for {waited} s: other tools in this "
                        "account are using its API quota; try again in a minute.",
                        error_code(exc),
                    ) from None
                await asyncio.sleep(wait)
                continue
            except Exception as exc:
                raise self._explain(exc, operation, resource, client) from None
            missing = _missing_member(client, operation, response, expect)
            if missing:
                garbled += 1
                if garbled >= max(1, self.options.max_attempts):
                    raise TransientError(
                        f"{self._where()} answered {operation} with something that is not "
                        f"a valid answer (no {missing}), {garbled} times: try again in a minute.",
                        reason="an answer that did not parse",
                    )
                await asyncio.sleep(pause(self.options.retry_delay, garbled))
                continue
            self.budget.succeeded(operation)
            response.pop("ResponseMetadata", None)
            return response

    def _where(self) -> str:
        if self.options.endpoint_url:
            return f"The endpoint {self.options.endpoint_url}"
        return "AWS"

    def _explain(
        self,
        exc: BaseException,
        operation: str = "",
        resource: str | None = None,
        client: Any = None,
    ) -> AwsError:
        endpoint = self.options.endpoint_url
        iam_prefix = "states"
        if client is not None:
            endpoint = endpoint or client.meta.endpoint_url
            iam_prefix = client.meta.service_model.signing_name or iam_prefix
        return explain(
            exc,
            operation=operation,
            region=self._region,
            profile=self.profile,
            endpoint_url=endpoint,
            resource=resource,
            iam_prefix=iam_prefix,
        )


#: Operations that only read: tried again after a fault. Any other (StartExecution, a task's
#: Lambda Invoke, ...) is sent once, but after a throttle (which refused it): if its answer is
#: lost, a second try could start a second execution or invoke a function twice.
_READ_PREFIXES = ("Describe", "List", "Get", "Filter")


def is_read(operation: str) -> bool:
    return operation.startswith(_READ_PREFIXES)


def error_code_of(parsed: Any) -> str | None:
    """The error code of a parsed botocore answer, if it is an error."""
    if isinstance(parsed, dict):
        found = parsed.get("Error")
        if isinstance(found, dict):
            return found.get("Code")
    return None


def _missing_member(
    client: Any, operation: str, response: dict[str, Any], expect: str | None
) -> str | None:
    """What shows that the answer to a read is not one: `expect` missing, or every member the
    API always returns (botocore reads a body that is not JSON as an empty answer; on a page of
    a listing that would end the listing early). None when it is an answer.

    An answer that lacks only some of them is taken: moto and LocalStack leave some out. An
    action's answer is taken as it is (moto answers StopExecution with nothing at all), and it
    is not sent again anyway (`is_read`).
    """
    if expect is not None:
        return None if expect in response else expect
    if not is_read(operation):
        return None
    shape = client.meta.service_model.operation_model(operation).output_shape
    required = list(shape.required_members) if shape is not None else []
    if required and not any(name in response for name in required):
        return required[0]
    return None
