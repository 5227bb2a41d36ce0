"""How long `sfntui` takes to start: each command beside `python -m json.tool`, in one run.

    .venv/bin/python benchmarks/startup.py [--rounds N]

Every command is a fresh process, timed from launch to exit (wall clock), as a person at a
shell waits for it: `sfntui validate`, `run` and `graph` on a one-state definition (`graph`
twice: into a pipe, plain, and with the colours a terminal gets), and the app opened on its
built-in examples (`sfntui` with no argument) up to its first frame. The peer is
`python -m json.tool` reading the same file with the same interpreter: what it costs to start
Python and read a JSON file. The rounds interleave the commands (one of each per round), so
a busy moment slows all of them alike, and the best round of each is kept.

The app cannot be timed from a shell without a terminal, so its probe is a small script that
runs `sfntui`'s own `main()` with Textual's `App.run` told to run headless and to exit once
the first screen is mounted and drawn (`auto_pilot`: the app is ready, `pilot.pause()` lets
the refresh through) and its sidebar lists the examples; the probe prints their names, and
the benchmark stops if it printed none. Headless, Textual renders every frame but writes
none to a terminal: the few milliseconds a terminal takes to show it are not counted.

Targets (issue 10): each command at most 4 times `json.tool`; the app's first frame under
one second. Python's bytecode caches are written before timing (`PYTHONDONTWRITEBYTECODE`
is lifted for the runs): an installed package has them, so the timed runs do too.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMAND_RATIO_TARGET = 4.0
APP_TARGET_SECONDS = 1.0
PEER = "json.tool"
APP = "app, first frame"

ONE_STATE = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}

#: `sfntui` itself (its `main()`, no argument: the built-in examples), with Textual's `App.run`
#: made headless and told to exit once the first screen is drawn and its sidebar lists the
#: examples; the names listed are printed, so the benchmark can check the app got that far.
APP_PROBE = """
import sys

import textual.app

_run = textual.app.App.run


async def _stop_when_listed(pilot):
    from sfntui.tui.widgets.sidebar import Sidebar

    await pilot.pause()
    while not (machines := pilot.app.screen.query_one(Sidebar).machines):
        await pilot.pause()
    print(" ".join(sorted(machine.name for machine in machines)))
    pilot.app.exit()


def _run_to_first_frame(self, *args, **kwargs):
    return _run(self, *args, headless=True, auto_pilot=_stop_when_listed, **kwargs)


textual.app.App.run = _run_to_first_frame
sys.argv = ["sfntui"]
from sfntui.cli import main

sys.exit(main())
"""


def _sfntui() -> list[str]:
    """The installed `sfntui` script beside this interpreter, as a person runs it."""
    script = Path(sys.executable).with_name("sfntui")
    if script.exists():
        return [str(script)]
    found = shutil.which("sfntui")
    return [found] if found else [sys.executable, "-m", "sfntui"]


def _commands(definition: Path) -> dict[str, list[str]]:
    sfntui = _sfntui()
    file = str(definition)
    return {
        PEER: [sys.executable, "-m", "json.tool", file],
        "sfntui validate": [*sfntui, "validate", file],
        "sfntui run": [*sfntui, "run", file],
        "sfntui graph": [*sfntui, "graph", file],
        "sfntui graph, colour": [*sfntui, "graph", "--color", "always", file],
        APP: [sys.executable, "-c", APP_PROBE],
    }


def _run(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Wall-clock seconds from launch to exit, and what the command printed."""
    started = time.perf_counter()
    completed = subprocess.run(command, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        error = completed.stderr.decode(errors="replace").strip().splitlines()
        raise SystemExit(f"{' '.join(command[:3])} failed: {error[-1] if error else '?'}")
    return elapsed, completed.stdout.decode(errors="replace")


def _target(name: str, seconds: float, ratio: float) -> str:
    if name == PEER:
        return ""
    if name == APP:
        met = seconds < APP_TARGET_SECONDS
        return f"< {APP_TARGET_SECONDS:.0f} s " + ("ok" if met else "MISSED")
    met = ratio <= COMMAND_RATIO_TARGET
    return f"<= {COMMAND_RATIO_TARGET:.0f}x " + ("ok" if met else "MISSED")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="runs of each command (best kept)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        definition = Path(folder) / "one.asl.json"
        definition.write_text(json.dumps(ONE_STATE), encoding="utf-8")
        commands = _commands(definition)
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for name, command in commands.items():  # warm-up: bytecode caches written
            _, output = _run(command, env)
            if name == APP and not output.strip():
                raise SystemExit("the app's probe ended without the examples listed")
        best = dict.fromkeys(commands, float("inf"))
        for _ in range(args.rounds):
            for name, command in commands.items():
                best[name] = min(best[name], _run(command, env)[0])

    print(f"best of {args.rounds} runs, each a fresh process; load average {_load()}")
    print(f"{'command':<22} {'time':>8}  {'x json.tool':>11}  target")
    for name, seconds in best.items():
        ratio = seconds / best[PEER]
        target = _target(name, seconds, ratio)
        print(f"{name:<22} {seconds * 1000:6.0f} ms  {ratio:10.1f}x  {target}".rstrip())


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
