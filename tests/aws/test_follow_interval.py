"""An open execution is polled at most 2 s apart however long nothing changes (the screen is
at most 2 s behind AWS), and at the pace changes come while they do."""

from __future__ import annotations

from sfntui.aws import ConnectionOptions, PollInterval
from sfntui.backends.aws import FOLLOW_SLOWEST, AwsBackend


def pauses(interval: PollInterval, changes: list[bool]) -> list[float]:
    return [interval.next(changed) for changed in changes]


def test_the_pause_backs_off_while_nothing_changes_but_never_past_two_seconds() -> None:
    backend = AwsBackend(ConnectionOptions(region="us-east-1"))
    quiet = pauses(backend.follow_interval(), [False] * 40)
    busy = pauses(backend.follow_interval(), [False] * 10 + [True])

    assert FOLLOW_SLOWEST == 2.0
    assert quiet[0] < quiet[3] and max(quiet) == 2.0
    assert busy[-1] == backend.follow_interval().fastest  # a change: back to the fastest


def test_a_slower_interval_given_to_the_backend_is_capped_for_an_open_execution() -> None:
    given = PollInterval(fastest=5.0, slowest=30.0)
    backend = AwsBackend(ConnectionOptions(region="us-east-1"), interval=given)

    assert max(pauses(backend.follow_interval(), [False] * 20)) <= 2.0
