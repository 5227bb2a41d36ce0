"""The headless core never loads the UI: each layer imported alone in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "sfntui.asl",
    "sfntui.asl.definition",
    "sfntui.asl.loader",
    "sfntui.asl.validate",
    "sfntui.history",
    "sfntui.history.projection",
    "sfntui.engine",
    "sfntui.engine.interpreter",
    "sfntui.engine.runner",
    "sfntui.aws",
    "sfntui.graph",
    "sfntui.runs",
    "sfntui.history.compare",
]


def _loaded_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(result.stdout.split())


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_load_textual(module: str) -> None:
    loaded = _loaded_after_import(module)
    assert "textual" not in loaded
    assert "sfntui.tui" not in loaded


@pytest.mark.parametrize("module", ["sfntui.asl.definition", "sfntui.engine.interpreter"])
def test_language_and_engine_do_not_load_aws_clients(module: str) -> None:
    loaded = _loaded_after_import(module)
    assert "aiobotocore" not in loaded
    assert "sfntui.aws" not in loaded


@pytest.mark.parametrize("module", ["sfntui.backends", "sfntui.backends.local", "sfntui.tui.app"])
def test_the_app_on_local_files_does_not_load_aws_clients(module: str) -> None:
    loaded = _loaded_after_import(module)
    assert not loaded & {"aiobotocore", "botocore", "sfntui.aws", "sfntui.backends.aws"}


def test_cli_help_imports_nothing_heavy() -> None:
    code = (
        "import sys; from sfntui.cli import build_parser; build_parser(); "
        "print(' '.join(sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(result.stdout.split())
    assert not loaded & {"textual", "aiobotocore", "botocore", "jsonpath_ng", "jsonata", "yaml"}
