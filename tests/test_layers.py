"""The layer and cycle check (`lint-imports`, contracts in pyproject.toml) holds, and fails.

It runs on a copy of the package, unchanged and then with one bad import added, so the test
shows the check catches what it exists for: a cycle inside the engine (also one made of an
import only mypy reads), a lower layer importing a higher one, Textual in the core.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the package and its contracts, which a test may break."""
    shutil.copytree(
        ROOT / "sfntui", tmp_path / "sfntui", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _add_import(project: Path, module: str, line: str) -> None:
    path = project / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")


def test_the_package_keeps_its_layers_and_has_no_engine_cycle(project: Path) -> None:
    result = _lint(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract", "named"),  # named: what the report points at
    [
        pytest.param(
            "sfntui.engine.flow_states",
            "from sfntui.engine import interpreter",
            "No import cycle inside the engine BROKEN",
            (".interpreter", ".flow_states"),
            id="state-runner-imports-the-interpreter",
        ),
        pytest.param(
            "sfntui.engine.interpreter",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from sfntui.engine.debugger import Debugger",
            "No import cycle inside the engine BROKEN",
            (".interpreter", ".debugger"),
            id="cycle-made-of-a-type-only-import",
        ),
        pytest.param(
            "sfntui.asl.errors",
            "import sfntui.engine.outcome",
            "A lower layer never imports a higher one (DESIGN.md, Layers) BROKEN",
            ("sfntui.asl.errors -> sfntui.engine.outcome",),
            id="language-imports-the-engine",
        ),
        pytest.param(
            "sfntui.engine.tasks",
            "import sfntui.aws.connection",
            "A lower layer never imports a higher one (DESIGN.md, Layers) BROKEN",
            ("sfntui.engine.tasks -> sfntui.aws.connection",),
            id="engine-imports-aws",
        ),
        pytest.param(
            "sfntui.engine.recorder",
            "import textual.app",
            "never import Textual BROKEN",
            ("sfntui.engine.recorder -> textual",),
            id="engine-imports-textual",
        ),
    ],
)
def test_the_check_fails_on_a_bad_import(
    project: Path, module: str, line: str, contract: str, named: tuple[str, ...]
) -> None:
    _add_import(project, module, line)
    result = _lint(project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert contract in result.stdout
    broken = result.stdout.split("Broken contracts")[1]
    for fragment in named:  # the report names the import to remove
        assert fragment in broken
