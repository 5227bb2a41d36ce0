"""How long `sfntui` takes to start: each command beside `python -m json.tool`, in one run.

    .venv/bin/python benchmarks/startup.py [--rounds N]

Every command is a fresh process, timed from launch to exit (wall clock), as a person at a
shell waits for it: `sfntui validate`, `run` and `graph` on a one-state definition, and the
app opened on its built-in examples (`sfntui` with no argument) up to its first frame. The
peer is `python -m json.tool` reading the same file with the same interpreter: what it costs
to start Python and read a JSON file. The rounds interleave the commands (one of each per
round), so a busy moment slows all of them alike, and the best round of each is kept.

The app cannot be timed from a shell without a terminal, so its probe is a small script
that runs `sfntui`'s own `main()` with Textual's `App.run` told to run headless and to exit
as soon as the first screen is mounted and drawn (`auto_pilot`: the app is ready, then
`pilot.pause()` lets the first refresh through). A second probe waits, in the same way,
until the sidebar lists the examples (loaded by a worker after the first frame).

Targets (issue 10): each command at most 4 times `json.tool`; the app's first frame under
one second. Python's bytecode caches are written before timing (`PYTHONDONTWRITEBYTECODE`
is lifted for a warm-up round): an installed package has them, so the timed runs do too.
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

ONE_STATE = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}

#: The app, headless, ended at its first frame; argv[1] says how far to go ("frame" or "listed").
APP_PROBE = """
import sys

import textual.app

_run = textual.app.App.run
_until = sys.argv.pop(1)


async def _stop(pilot):
    await pilot.pause()
    if _until == "listed":
        from sfntui.tui.widgets.sidebar import Sidebar

        while not pilot.app.screen.query_one(Sidebar).machines:
            await pilot.pause()
    pilot.app.exit()


def _run_to_first_frame(self, *args, **kwargs):
    return _run(self, *args, headless=True, auto_pilot=_stop, **kwargs)


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
        "json.tool": [sys.executable, "-m", "json.tool", file],
        "sfntui validate": [*sfntui, "validate", file],
        "sfntui run": [*sfntui, "run", file],
        "sfntui graph": [*sfntui, "graph", file],
        "sfntui graph, colour": [*sfntui, "graph", "--color", "always", file],
        "app: first frame": [sys.executable, "-c", APP_PROBE, "frame"],
        "app: examples listed": [sys.executable, "-c", APP_PROBE, "listed"],
    }


def _time(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        error = completed.stderr.decode(errors="replace").strip().splitlines()
        raise SystemExit(f"{' '.join(command[:3])} failed: {error[-1] if error else '?'}")
    return elapsed


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
        for command in commands.values():  # warm-up: bytecode caches written, files cached
            _time(command, env)
        best = dict.fromkeys(commands, float("inf"))
        for _ in range(args.rounds):
            for name, command in commands.items():
                best[name] = min(best[name], _time(command, env))

    peer = best["json.tool"]
    print(f"best of {args.rounds} runs, each a fresh process; load average {_load()}")
    print(f"{'command':<22} {'time':>8}  {'x json.tool':>11}  target")
    for name, seconds in best.items():
        ratio = seconds / peer
        if name == "json.tool":
            target = ""
        elif name.startswith("app"):
            met = seconds < APP_TARGET_SECONDS or name != "app: first frame"
            target = f"< {APP_TARGET_SECONDS:.0f} s " + ("ok" if met else "MISSED")
            if name != "app: first frame":
                target = ""
        else:
            met = ratio <= COMMAND_RATIO_TARGET
            target = f"<= {COMMAND_RATIO_TARGET:.0f}x " + ("ok" if met else "MISSED")
        print(f"{name:<22} {seconds * 1000:6.0f} ms  {ratio:10.1f}x  {target}")


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
