"""The project file: a team's local run set-up kept in the repository.

`sfntui.toml`, or a `[tool.sfntui]` table in `pyproject.toml`, found in the current folder
or the nearest folder above that has one. It maps machines (by name) to what answers their
Tasks and what they run on:

    [machines.OrderFlow]
    mock_config = "examples/mocks/MockConfigFile.json"   # paths are relative to the file
    test_case = "HappyPath"
    input = "examples/order.input.json"
    handlers = ["handlers.orders"]                       # modules, as --handlers
    handler = { "charge-card" = "handlers.orders:charge" }  # as --handler NAME=MODULE:FUNC
    items_dir = "items"

    [children]                                           # as --child NAME_OR_ARN=FILE
    Shipping = "machines/shipping.asl.json"

Anything wrong in it is one `ProjectFileError` sentence naming the file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_FILE = "sfntui.toml"
PYPROJECT = "pyproject.toml"
_MACHINE_KEYS = {"mock_config", "test_case", "input", "handlers", "handler", "items_dir"}


class ProjectFileError(ValueError):
    """A project file that cannot be used; the message is one sentence."""


@dataclass(frozen=True)
class MachineEntry:
    """What the project file says about one machine; paths made absolute."""

    mock_config: Path | None = None
    test_case: str | None = None
    input: Path | None = None
    handlers: tuple[str, ...] = ()
    handler: tuple[tuple[str, str], ...] = ()
    items_dir: Path | None = None


@dataclass(frozen=True)
class ProjectFile:
    file: Path
    machines: dict[str, MachineEntry] = field(default_factory=dict)
    children: dict[str, Path] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.file.parent


def find_project_file(start: Path | None = None) -> ProjectFile | None:
    """The project file of `start` (the current folder) or the nearest folder above with one;
    None when there is none. `ProjectFileError` when the one found cannot be read."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / PROJECT_FILE
        if own.is_file():
            return read_project_file(own)
        pyproject = candidate / PYPROJECT
        if pyproject.is_file():
            table = _tool_table(pyproject)
            if table is not None:
                return _project(pyproject, table, "[tool.sfntui]")
    return None


def read_project_file(path: Path) -> ProjectFile:
    if path.name == PYPROJECT:
        table = _tool_table(path)
        return _project(path, table or {}, "[tool.sfntui]")
    return _project(path, _read_toml(path), "")


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # only when there is a file to read

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ProjectFileError(f"{path}: the project file is not valid TOML: {error}") from None
    except OSError as error:
        raise ProjectFileError(f"{path}: cannot read the project file: {error}") from None


def _tool_table(path: Path) -> dict[str, Any] | None:
    tool = _read_toml(path).get("tool", {})
    table = tool.get("sfntui") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ProjectFileError(f"{path}: [tool.sfntui] must be a table")
    return table


def _project(path: Path, table: dict[str, Any], prefix: str) -> ProjectFile:
    where = f"{path}: {prefix + '.' if prefix else ''}"
    unknown = sorted(set(table) - {"machines", "children"})
    if unknown:
        raise ProjectFileError(
            f"{where}{unknown[0]} is not a project setting (use machines or children)"
        )
    machines_table = table.get("machines", {})
    if not isinstance(machines_table, dict):
        raise ProjectFileError(f"{where}machines must be a table of machine names")
    machines = {
        str(name): _machine(path.parent, body, f"{where}machines.{name}")
        for name, body in machines_table.items()
    }
    children_table = table.get("children", {})
    if not isinstance(children_table, dict) or not all(
        isinstance(value, str) for value in children_table.values()
    ):
        raise ProjectFileError(f"{where}children must map machine names or ARNs to files")
    children = {str(name): path.parent / value for name, value in children_table.items()}
    return ProjectFile(path.resolve(), machines, children)


def _machine(folder: Path, body: Any, where: str) -> MachineEntry:
    if not isinstance(body, dict):
        raise ProjectFileError(f"{where} must be a table")
    unknown = sorted(set(body) - _MACHINE_KEYS)
    if unknown:
        raise ProjectFileError(
            f"{where}.{unknown[0]} is not a machine setting "
            f"(use {', '.join(sorted(_MACHINE_KEYS))})"
        )

    def text(key: str) -> str | None:
        value = body.get(key)
        if value is not None and not isinstance(value, str):
            raise ProjectFileError(f"{where}.{key} must be a string")
        return value

    def path(key: str) -> Path | None:
        value = text(key)
        return None if value is None else folder / value

    handlers = body.get("handlers", [])
    if isinstance(handlers, str):
        handlers = [handlers]
    if not isinstance(handlers, list) or not all(isinstance(h, str) for h in handlers):
        raise ProjectFileError(f"{where}.handlers must be a list of module names")
    handler = body.get("handler", {})
    if not isinstance(handler, dict) or not all(
        isinstance(target, str) and ":" in target for target in handler.values()
    ):
        raise ProjectFileError(
            f"{where}.handler must map function names to \"MODULE:FUNCTION\" strings"
        )
    return MachineEntry(
        mock_config=path("mock_config"),
        test_case=text("test_case"),
        input=path("input"),
        handlers=tuple(handlers),
        handler=tuple((str(name), target) for name, target in handler.items()),
        items_dir=path("items_dir"),
    )
