from __future__ import annotations

import subprocess
import sys


def test_the_history_layer_loads_no_ui_engine_or_aws_code() -> None:
    probe = (
        "import sys, sfntui.history, sfntui.history.projection, sfntui.history.events; "
        "print(sorted(name for name in sys.modules if name.split('.')[0] in "
        "('textual', 'botocore', 'aiobotocore') or name.startswith(('sfntui.engine', "
        "'sfntui.aws', 'sfntui.tui', 'sfntui.graph'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
