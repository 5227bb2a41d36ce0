"""The AWS backend hands a finished execution's history on page by page, each page marked
with whether more are coming, so the app can draw the first page at once."""

from __future__ import annotations

import pytest

from sfntui.aws import ConnectionOptions, StepFunctions
from sfntui.backends import BackendError, HistoryBatch
from sfntui.backends.aws import AwsBackend

from .conftest import REGION, Moto
from .endpoints import FakeEndpoint, aws_paged_history

STEPS = 10
CHAIN = {
    "StartAt": "P0",
    "States": {
        f"P{i}": {"Type": "Pass", **({"Next": f"P{i + 1}"} if i < STEPS - 1 else {"End": True})}
        for i in range(STEPS)
    },
}


async def test_a_finished_history_arrives_page_by_page_and_says_when_it_is_all_there(
    moto: Moto, sfn: StepFunctions
) -> None:
    execution = moto.start(moto.create_machine(CHAIN))
    whole = await sfn.get_history(execution)  # moto has finished it by now
    assert whole[-1]["type"] == "ExecutionSucceeded"
    assert len(whole) == 2 * STEPS + 2

    with FakeEndpoint(upstream=moto.url) as proxy:
        proxy.handlers["GetExecutionHistory"] = aws_paged_history(proxy)
        backend = AwsBackend(ConnectionOptions(endpoint_url=proxy.url, region=REGION))
        backend.history_page_size = 5
        try:
            batches = [batch async for batch in backend.follow(execution)]
        finally:
            await backend.aclose()

    assert [len(batch) for batch in batches] == [5, 5, 5, 5, 2]
    assert all(isinstance(batch, HistoryBatch) for batch in batches)
    assert [batch.loading for batch in batches] == [True, True, True, True, False]  # type: ignore[attr-defined]
    assert [e["id"] for batch in batches for e in batch] == [e["id"] for e in whole]
    # Oldest first, one chain of pages, and no tail after the end.
    reads = proxy.actions("GetExecutionHistory")
    assert len(reads) == 5
    assert not any(read.body.get("reverseOrder") for read in reads)
    assert not proxy.actions("DescribeExecution")


async def test_a_page_that_does_not_carry_on_the_one_before_is_a_clear_failure() -> None:
    def event(i: int) -> dict[str, object]:
        return {"id": i, "type": "PassStateEntered", "timestamp": 0, "previousEventId": i - 1}

    def gappy(body: dict[str, object]) -> tuple[int, dict[str, object]]:
        if not body.get("nextToken"):
            return 200, {"events": [event(1), event(2)], "nextToken": "p2"}
        return 200, {"events": [event(5), event(6)]}  # 3 and 4 never come

    with FakeEndpoint({"GetExecutionHistory": gappy}) as endpoint:
        options = ConnectionOptions(
            endpoint_url=endpoint.url, region=REGION, max_attempts=2, retry_delay=0.0
        )
        backend = AwsBackend(options)
        arn = f"arn:aws:states:{REGION}:123456789012:execution:m:run"
        pages: list[list[dict[str, object]]] = []

        async def read_all() -> None:
            async for page in backend.follow(arn):
                pages.append(page)

        try:
            with pytest.raises(BackendError, match="events 3 to 4 were missing"):
                await read_all()
        finally:
            await backend.aclose()
    assert [[e["id"] for e in page] for page in pages] == [[1, 2]]  # drawn, then the failure
