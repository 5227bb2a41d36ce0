"""Replay: a recorded execution (an AWS history, or an exported history file) run again locally.

`read_recording(events)` reads what the execution did; `replay(machine, recording)` runs the
definition on the local engine with the recorded Task results answering first, on a virtual
clock started at the recording's start, and says whether the run matches the recording or
where it first parted from it. `export_mocks` keeps a recording as a Step Functions Local mock
file, an expectations file and the definition, so `sfntui test` runs it as a regression test.

This package imports the engine and the history model only: fetching from AWS is the
caller's job (the `sfntui replay` command does it through `sfntui.aws`).
"""

from sfntui.replay.divergence import Divergence
from sfntui.replay.recording import RecordedCall, Recording, RecordingError, read_recording
from sfntui.replay.session import DIVERGED, ReplayResult, ReplaySetup, prepare_replay, replay

__all__ = [
    "DIVERGED",
    "Divergence",
    "RecordedCall",
    "Recording",
    "RecordingError",
    "ReplayResult",
    "ReplaySetup",
    "prepare_replay",
    "read_recording",
    "replay",
]
