"""sfntui.replay stands on the engine and the history model only: no UI, no AWS client."""

from __future__ import annotations

import subprocess
import sys


def test_replay_loads_neither_textual_nor_the_aws_side() -> None:
    code = "import sys, sfntui.replay, sfntui.replay.export; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(result.stdout.split())
    assert "sfntui.replay.session" in loaded
    assert "textual" not in loaded
    assert "sfntui.aws" not in loaded
    assert "aiobotocore" not in loaded
    assert "sfntui.tui" not in loaded
