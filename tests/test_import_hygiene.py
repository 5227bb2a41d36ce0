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


# -- each command loads what it uses, and no more ---------------------------------------------

#: Run `sfntui ARGS` in a fresh interpreter; after it, the loaded modules on the last line.
_COMMAND = (
    "import sys\n"
    "from sfntui.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print('\\n' + ' '.join(sorted(sys.modules)))\n"
    "sys.exit(code)\n"
)
#: Loaded only by the commands (or the definitions) that need them: each costs 10-300 ms.
HEAVY = {"textual", "aiobotocore", "aiohttp", "jsonata", "yaml", "jsonpath_ng"}


def _loaded_by_command(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _COMMAND, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.splitlines()[-1].split())


@pytest.fixture
def one_pass(tmp_path) -> str:
    path = tmp_path / "one.asl.json"
    path.write_text('{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}')
    return str(path)


def test_validate_loads_neither_the_model_nor_the_engine_nor_a_heavy_library(one_pass) -> None:
    loaded = _loaded_by_command("validate", one_pass)

    assert not loaded & HEAVY
    assert not loaded & {"sfntui.asl.model", "sfntui.engine", "sfntui.graph", "rich", "asyncio"}
    assert not loaded & {"sfntui.asl.jsonata", "sfntui.asl.intrinsics", "sfntui.asl.choice"}
    assert "sfntui.asl.validate" in loaded


def test_run_loads_the_engine_but_no_heavy_library(one_pass) -> None:
    loaded = _loaded_by_command("run", one_pass)

    assert not loaded & HEAVY
    assert not loaded & {"sfntui.graph", "rich", "sfntui.aws", "botocore"}
    assert not loaded & {"sfntui.history.projection", "sfntui.engine.mock_config"}
    assert "sfntui.engine.interpreter" in loaded


def test_graph_loads_neither_the_engine_nor_a_heavy_library(one_pass) -> None:
    loaded = _loaded_by_command("graph", one_pass)

    assert not loaded & HEAVY
    assert not loaded & {"sfntui.engine", "sfntui.aws", "asyncio", "sfntui.history.projection"}
    assert "sfntui.graph.render" in loaded


def test_what_a_definition_uses_is_loaded_when_it_is_used(tmp_path) -> None:
    # The other side of the tests above: the same check sees a library that is loaded.
    yaml_file = tmp_path / "one.asl.yaml"
    yaml_file.write_text("StartAt: P\nStates: {P: {Type: Pass, End: true}}\n")
    jsonata_file = tmp_path / "jsonata.asl.json"
    jsonata_file.write_text(
        '{"QueryLanguage": "JSONata", "StartAt": "P",'
        ' "States": {"P": {"Type": "Pass", "Output": "{% 1 + 1 %}", "End": true}}}'
    )

    assert "yaml" in _loaded_by_command("validate", str(yaml_file))
    assert "jsonata" in _loaded_by_command("validate", str(jsonata_file))


def test_the_app_over_local_files_does_not_load_the_aws_client() -> None:
    loaded = _loaded_after_import("sfntui.commands.app")
    loaded |= _loaded_after_import("sfntui.tui.app")

    assert "textual" in loaded
    assert not loaded & {"aiobotocore", "aiohttp", "jsonata", "yaml"}
