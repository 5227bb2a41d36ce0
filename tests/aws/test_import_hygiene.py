from __future__ import annotations

import subprocess
import sys


def test_the_aws_layer_loads_no_ui_and_no_engine() -> None:
    probe = (
        "import sys, sfntui.aws, sfntui.aws.stepfunctions, sfntui.aws.express; "
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'textual' "
        "or name.startswith(('sfntui.engine', 'sfntui.tui', 'sfntui.graph', 'sfntui.backends'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_parsing_the_aws_commands_loads_no_aws_code() -> None:
    probe = (
        "import sys; from sfntui.cli import build_parser; build_parser(); "
        "print(sorted(name for name in sys.modules if name.split('.')[0] in "
        "('aiobotocore', 'botocore', 'textual') or name.startswith('sfntui.aws')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
