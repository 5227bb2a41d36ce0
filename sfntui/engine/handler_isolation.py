"""A local Python handler run the way Lambda runs a function: apart from sfntui.

A handler is user code standing in for a Lambda function, and it must not be able to hang,
end or write into the command that runs it:

- A synchronous handler runs in a thread of its own (a daemon thread, so that one Ctrl-C
  ends sfntui even while a handler still sleeps), and the event loop stays free: the Task's
  TimeoutSeconds and HeartbeatSeconds fire while it runs, as they do on AWS.
- `sys.exit()` and any other BaseException a handler raises crash "the function", as they
  crash Lambda's Python runtime: the Task fails with `Runtime.ExitError`, never sfntui.
- `os._exit()` cannot be caught: it ends the process at once, and would end `sfntui run` or
  `sfntui test` with the handler's exit code (0: a silent pass in CI). So while handlers run,
  `os._exit` is replaced by a function that raises instead, and the Task fails as above. A
  handler that took `_exit` out of `os` before (`from os import _exit`) still ends the process;
  then the exit code is the handler's, which sfntui cannot change.
- What a handler prints goes to stderr: stdout belongs to sfntui's `--json` output. While
  handlers run, `sys.stdout` is a proxy that sends a handler's writes (known by a context
  variable, which its thread or task carries) to stderr, and everything else to stdout.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TextIO

_IN_HANDLER: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "sfntui_in_handler", default=False
)
_LOCK = threading.Lock()
_ACTIVE = 0
_SAVED: tuple[TextIO, Callable[[int], NoReturn]] | None = None


class HandlerExit(BaseException):
    """A handler called `os._exit(status)`: raised in its place, a crash of the function."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class HandlerCrashed(Exception):  # noqa: N818 - what happened to the function, as Lambda says
    """A handler ended "the function" (sys.exit, os._exit, another BaseException): carried as
    an ordinary exception, so the event loop never sees a SystemExit of the handler's."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(repr(original))
        self.original = original

    @property
    def cause(self) -> str:
        """What ended the function, as its code said it: `sys.exit(2)`, `os._exit(0)`, ..."""
        original = self.original
        if isinstance(original, HandlerExit):
            return f"os._exit({original.status})"
        if isinstance(original, SystemExit):
            return f"sys.exit({original.code!r})"
        return type(original).__name__

    @property
    def exit_status(self) -> int:
        """The status the function's process would have ended with."""
        original = self.original
        if isinstance(original, HandlerExit):
            return original.status
        if isinstance(original, SystemExit):
            code = original.code
            if code is None:
                return 0
            return code if isinstance(code, int) else 1
        return 1


def _refuse_exit(status: int) -> NoReturn:
    raise HandlerExit(status)


class _HandlerStdout:
    """`sys.stdout` while handlers run: a handler's writes go to stderr, the rest to stdout."""

    def __init__(self, stdout: TextIO) -> None:
        self._stdout = stdout

    def _target(self) -> TextIO:
        return sys.stderr if _IN_HANDLER.get() else self._stdout

    def write(self, text: str) -> int:
        return self._target().write(text)

    def flush(self) -> None:
        self._target().flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stdout, name)


@contextmanager
def isolated() -> Iterator[None]:
    """While any handler runs: `os._exit` raises, and stdout is the handlers' proxy."""
    global _ACTIVE, _SAVED
    with _LOCK:
        if _ACTIVE == 0:
            _SAVED = (sys.stdout, os._exit)
            sys.stdout = _HandlerStdout(sys.stdout)  # type: ignore[assignment]
            os._exit = _refuse_exit
        _ACTIVE += 1
    try:
        yield
    finally:
        with _LOCK:
            _ACTIVE -= 1
            if _ACTIVE == 0 and _SAVED is not None:
                stdout, exit_function = _SAVED
                if isinstance(sys.stdout, _HandlerStdout):
                    sys.stdout = stdout
                os._exit = exit_function  # type: ignore[assignment]
                _SAVED = None


async def call_handler(handler: Callable[..., Any], *args: Any) -> Any:
    """`handler(*args)`: a coroutine function awaited on the loop, any other in a thread."""
    if inspect.iscoroutinefunction(handler):
        return await _on_loop(handler(*args))
    value = await _in_thread(handler, *args)
    if inspect.isawaitable(value):
        return await _on_loop(value)
    return value


async def _on_loop(awaitable: Any) -> Any:
    token = _IN_HANDLER.set(True)
    try:
        return await awaitable
    except (KeyboardInterrupt, asyncio.CancelledError):  # the user's Ctrl-C, a stopped run
        raise
    except Exception:
        raise
    except BaseException as exc:  # sys.exit() and the like: the function crashed
        raise HandlerCrashed(exc) from None
    finally:
        _IN_HANDLER.reset(token)


async def _in_thread(function: Callable[..., Any], *args: Any) -> Any:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()
    context = contextvars.copy_context()

    def settle(value: Any, error: BaseException | None) -> None:
        if future.done():  # the Task timed out or the run was stopped meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)

    def target() -> None:
        def work() -> Any:
            _IN_HANDLER.set(True)
            return function(*args)

        try:
            value, error = context.run(work), None
        except Exception as exc:  # handed to the awaiting task
            value, error = None, exc
        except BaseException as exc:  # sys.exit(), os._exit(): the function crashed
            value, error = None, HandlerCrashed(exc)
        try:
            loop.call_soon_threadsafe(settle, value, error)
        except RuntimeError:  # the loop is closed: sfntui has ended
            pass

    name = getattr(function, "__name__", "handler")
    threading.Thread(target=target, name=f"handler {name}", daemon=True).start()
    return await future
