"""The connection to AWS: an aiobotocore session, its clients, and every call going through
the shared request budget, with throttling slowing calls down and errors said in a sentence.

Settings come from the user's usual AWS setup, as botocore resolves it: `--profile` or
`AWS_PROFILE` (SSO and assumed-role profiles included), `--region`, `AWS_REGION` or
`AWS_DEFAULT_REGION` or the profile's region, `--endpoint-url` or `AWS_ENDPOINT_URL_SFN` /
`AWS_ENDPOINT_URL` (LocalStack and moto work this way).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from botocore import xform_name
from botocore.exceptions import ClientError

from sfntui.aws.budget import RequestBudget
from sfntui.aws.errors import (
    THROTTLING_CODES,
    AwsError,
    ThrottledError,
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


@dataclass(frozen=True)
class ConnectionOptions:
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    #: Refuse every action that changes something (start, stop, redrive).
    read_only: bool = False
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    #: How long AWS may keep throttling one call before the caller is told.
    throttle_patience: float = 60.0
    #: The first pause after a ThrottlingException; it doubles on each one after.
    throttle_delay: float = 0.5

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

        try:
            session = AioSession(profile=self.options.profile)
            session.set_config_variable("user_agent_extra", "sfntui")
            self._region = self._resolve_region(session)
        except AwsError:
            raise
        except Exception as exc:
            raise self._explain(exc) from None
        self._session = session

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
                retries={"total_max_attempts": 1},
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
            self._clients[service] = found
            return found

    def available_services(self) -> list[str]:
        """botocore's names of every service it has a model for ("s3", "cognito-idp", ...)."""
        self.open()
        assert self._session is not None
        return list(self._session.get_available_services())

    async def endpoint_url(self, service: str = "stepfunctions") -> str:
        return (await self.client(service)).meta.endpoint_url

    # -- calls ---------------------------------------------------------------------------

    async def call(
        self, service: str, operation: str, *, resource: str | None = None, **params: Any
    ) -> dict[str, Any]:
        """One API call (`operation` as AWS spells it, e.g. "GetExecutionHistory").

        Waits for a token of the shared budget first. A ThrottlingException slows the budget
        down and the call is tried again, until `throttle_patience` runs out.
        """
        client = await self.client(service)
        method = getattr(client, xform_name(operation))
        loop = asyncio.get_running_loop()
        started = loop.time()
        delay = self.options.throttle_delay
        while True:
            await self.budget.acquire(operation)
            try:
                response = await method(**params)
            except ClientError as exc:
                if error_code(exc) not in THROTTLING_CODES:
                    raise self._explain(exc, operation, resource, client) from None
                self.budget.throttled(operation)
                pause = delay * (0.5 + random.random() / 2)
                if loop.time() - started + pause > self.options.throttle_patience:
                    waited = round(loop.time() - started)
                    raise ThrottledError(
                        f"AWS kept throttling {operation} for {waited} s: other tools in this "
                        "account are using its API quota; try again in a minute.",
                        error_code(exc),
                    ) from None
                await asyncio.sleep(pause)
                delay = min(delay * 2, 10.0)
                continue
            except Exception as exc:
                raise self._explain(exc, operation, resource, client) from None
            self.budget.succeeded(operation)
            response.pop("ResponseMetadata", None)
            return response

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
