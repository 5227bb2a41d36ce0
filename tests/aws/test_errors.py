"""Throttling slows calls down; every other failure is one sentence saying what to do."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from sfntui.aws import (
    AwsError,
    AwsSession,
    ConnectionOptions,
    PollInterval,
    Quota,
    RequestBudget,
    StepFunctions,
    ThrottledError,
    TokenBucket,
)

from .conftest import REGION, Moto
from .endpoints import FakeEndpoint, Reply, error, throttle_then

NO_MACHINES: Reply = (200, {"stateMachines": []})
WAITS = {
    "StartAt": "A",
    "States": {
        "A": {"Type": "Wait", "Seconds": 1, "Next": "B"},
        "B": {"Type": "Pass", "End": True},
    },
}


def quick_options(url: str, **extra: Any) -> ConnectionOptions:
    return ConnectionOptions(endpoint_url=url, region=REGION, throttle_delay=0.02, **extra)


async def list_machines(options: ConnectionOptions, budget: RequestBudget | None = None) -> Any:
    async with AwsSession(options, budget) as session:
        return await StepFunctions(session).list_state_machines()


def one_sentence(message: str) -> bool:
    return "\n" not in message and "Traceback" not in message and message.endswith((".", "`."))


async def test_a_throttled_call_slows_down_and_then_succeeds() -> None:
    budget = RequestBudget(quotas={"ListStateMachines": Quota(100, 100)})
    with FakeEndpoint({"ListStateMachines": throttle_then(3, lambda body: NO_MACHINES)}) as fake:
        machines = await list_machines(quick_options(fake.url), budget)

    assert machines == []
    assert len(fake.requests) == 4
    assert budget.throttles["ListStateMachines"] == 3
    bucket = budget.bucket("ListStateMachines")
    assert bucket.rate < bucket.full_rate  # slower now, recovering as calls succeed


async def test_a_throttle_that_does_not_clear_is_one_sentence() -> None:
    with FakeEndpoint({"ListStateMachines": throttle_then(10_000, lambda b: NO_MACHINES)}) as fake:
        started = time.monotonic()
        with pytest.raises(ThrottledError) as raised:
            await list_machines(quick_options(fake.url, throttle_patience=0.5))

    assert "kept throttling ListStateMachines" in raised.value.message
    assert one_sentence(raised.value.message)
    assert time.monotonic() - started < 3
    assert len(fake.requests) < 15  # backing off, not hammering


async def test_a_tail_rides_out_throttling(moto: Moto) -> None:
    execution = moto.start(moto.create_machine(WAITS))
    proxy = FakeEndpoint(upstream=moto.url)
    answered = [0]

    def history(body: dict[str, Any]) -> Reply:
        answered[0] += 1
        if answered[0] in (2, 3):
            return error("ThrottlingException", "Rate exceeded")
        arn = body["executionArn"]
        return 200, proxy.upstream_call("GetExecutionHistory", {"executionArn": arn}, REGION)

    proxy.handlers["GetExecutionHistory"] = history
    with proxy:
        async with AwsSession(quick_options(proxy.url)) as session:
            tail = await StepFunctions(session).tail(execution, interval=PollInterval(0.1, 1.0))
            followed = [e["type"] async for batch in tail.follow() for e in batch]
            throttles = session.budget.throttles["GetExecutionHistory"]

    assert followed[0] == "ExecutionStarted"
    assert followed[-1] == "ExecutionSucceeded"
    assert len(followed) == len(set(followed)) == 6
    assert throttles == 2


async def test_an_endpoint_that_is_down_is_one_sentence() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"

    started = time.monotonic()
    with pytest.raises(AwsError) as raised:
        await list_machines(ConnectionOptions(endpoint_url=url, region=REGION))

    assert raised.value.message.startswith(f"Could not connect to {url}")
    assert one_sentence(raised.value.message)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ExpiredTokenException", "Your AWS session token has expired"),
        ("UnrecognizedClientException", "AWS rejected your credentials"),
        ("AccessDeniedException", "needs the states:ListStateMachines permission"),
    ],
)
async def test_refusals_say_what_to_do(code: str, expected: str) -> None:
    refusing = FakeEndpoint({"ListStateMachines": lambda body: error(code, "no")})
    with refusing as fake, pytest.raises(AwsError) as raised:
        await list_machines(quick_options(fake.url))

    assert expected in raised.value.message
    assert raised.value.code == code
    assert one_sentence(raised.value.message)


async def test_no_credentials_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    answering = FakeEndpoint({"ListStateMachines": lambda body: NO_MACHINES})
    with answering as fake, pytest.raises(AwsError) as raised:
        await list_machines(quick_options(fake.url))

    assert raised.value.message.startswith("No AWS credentials were found")
    assert fake.requests == []


async def test_an_unknown_profile_is_one_sentence() -> None:
    with pytest.raises(AwsError) as raised:
        await list_machines(ConnectionOptions(profile="nope", region=REGION))

    assert "The AWS profile 'nope' is not in your AWS config files" in raised.value.message


async def test_no_region_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")

    with pytest.raises(AwsError, match="No AWS region is set: pass --region"):
        await list_machines(ConnectionOptions())


async def test_a_wrong_region_names_the_right_one(moto: Moto) -> None:
    execution = "arn:aws:states:eu-west-1:123456789012:execution:orders:run-1"
    async with AwsSession(ConnectionOptions(endpoint_url=moto.url, region=REGION)) as session:
        with pytest.raises(AwsError) as raised:
            await StepFunctions(session).describe_execution(execution)

    assert raised.value.message == (
        f"{execution} is in eu-west-1, but sfntui is connected to us-east-1: "
        "pass --region eu-west-1."
    )


def test_region_comes_from_the_arn_unless_chosen() -> None:
    arn = "arn:aws:states:eu-west-1:123456789012:execution:orders:run-1"

    assert ConnectionOptions().for_arn(arn).region == "eu-west-1"
    assert ConnectionOptions(region="us-west-2").for_arn(arn).region == "us-west-2"


async def test_environment_variables_choose_region_and_endpoint(
    moto: Moto, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SFN", moto.url)
    arn = moto.create_machine(WAITS, region="eu-west-3")

    async with AwsSession() as session:
        machines = await StepFunctions(session).list_state_machines()
        endpoint = await session.endpoint_url()

    assert session.region == "eu-west-3"  # AWS_REGION wins over AWS_DEFAULT_REGION
    assert endpoint == moto.url
    assert arn in [m.arn for m in machines]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_a_token_bucket_spends_its_burst_then_waits_for_refills() -> None:
    clock = FakeClock()
    bucket = TokenBucket(capacity=3, rate=2.0, clock=clock, sleep=clock.sleep)

    for _ in range(5):
        await bucket.take()

    assert clock.slept == [0.5, 0.5]  # three from the burst, then one every half second


async def test_budget_stays_inside_aws_quota_for_history_reads() -> None:
    clock = FakeClock()
    budget = RequestBudget(clock=clock, sleep=clock.sleep)

    for _ in range(400):
        await budget.acquire("GetExecutionHistory")

    # AWS: a bucket of 400 refilling 20 a second; sfntui allows itself half of that.
    assert budget.calls["GetExecutionHistory"] == 400
    assert clock.now == pytest.approx((400 - 200) / 10)
    budget.throttled("GetExecutionHistory")
    assert budget.bucket("GetExecutionHistory").rate == pytest.approx(5.0)
