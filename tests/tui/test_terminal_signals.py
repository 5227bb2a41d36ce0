"""SIGTERM and SIGHUP end the app cleanly: the terminal is given back as it was.

The app runs as a person runs it, `sfntui` in a pseudo-terminal; once it has drawn its first
screen it gets the signal, and what it wrote last must leave the alternate screen and turn
mouse reporting off. Killed without cleanup, it would leave the terminal unusable.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from collections.abc import Callable

import pytest

from tests.deadline import HANG_SECONDS

#: Generous: the app starts in a second or two on a quiet machine.
DEADLINE_SECONDS = HANG_SECONDS
LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"
MOUSE_OFF = b"\x1b[?1000l"


def _read_until(fd: int, done: Callable[[bytes], bool], deadline: float) -> bytes:
    out = b""
    while not done(out):
        if time.monotonic() > deadline:
            raise AssertionError(f"the app never got there; it wrote: {out[-500:]!r}")
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    return out


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_ends_the_app_and_restores_the_terminal(number: int) -> None:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app, full screen in the pseudo-terminal
        os.environ["TERM"] = "xterm-256color"
        os.environ.pop("TEXTUAL", None)
        os.execv(sys.executable, [sys.executable, "-m", "sfntui"])
    deadline = time.monotonic() + DEADLINE_SECONDS
    try:
        started = _read_until(fd, lambda out: b"\x1b[?1049h" in out and b"order" in out, deadline)
        os.kill(pid, number)
        ended = _read_until(fd, lambda _out: False, deadline)
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    tail = (started + ended)[-3000:]
    assert LEAVE_ALTERNATE_SCREEN in tail
    assert MOUSE_OFF in tail
    assert b"Traceback" not in ended and b"Error" not in ended
    assert os.WIFEXITED(status), "the app was killed by the signal instead of ending"
    assert os.WEXITSTATUS(status) == 128 + number
