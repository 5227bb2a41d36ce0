"""What answers a machine's Tasks on the local engine, put together from three places.

In order of precedence: the command line (`--mock-config`, `--test-case`, `--handler(s)`,
`--items-dir`, `--aws`), the project file (`sfntui.toml` / `[tool.sfntui]`), and a
`MockConfigFile.json` beside the definition that names the machine. So a built-in example
with its mock file beside it runs as it is, and a team keeps its set-up in the repository.

`MachineSetupError` carries one sentence (a mock file that is broken, a handler that does
not import).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfntui.backends.project_file import MachineEntry, ProjectFile
from sfntui.engine.runner import RunSetup

if TYPE_CHECKING:  # loaded when a machine has a mock file or handlers: `sfntui run` starts faster
    from sfntui.engine.handlers import Handler
    from sfntui.engine.mock_config import MockConfig
    from sfntui.engine.tasks import TaskResolver

#: The name Step Functions Local gives its mock file; found beside a definition.
MOCK_FILE_NAME = "MockConfigFile.json"


class MachineSetupError(ValueError):
    """The set-up of a machine cannot be used; the message is one sentence."""


@dataclass
class MachineSetups:
    """The run set-up of every machine the local backend lists, by name and file."""

    #: From the command line: a mock file and test case for the machines it names, handlers
    #: for all, and the real AWS call (`extra_resolvers`) when asked for.
    mock_config: MockConfig | None = None
    test_case: str | None = None
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    extra_resolvers: list[TaskResolver] = field(default_factory=list)
    items_dir: str | None = None
    virtual_clock: bool = False
    #: Where a virtual clock starts (now, if not given): runs that repeat to the millisecond.
    clock_start: datetime | None = None
    project: ProjectFile | None = None
    #: `--child NAME_OR_ARN=FILE`: the definitions of child executions (before the project's).
    children: dict[str, Path] = field(default_factory=dict)

    def child_file(self, target: str) -> Path | None:
        """The definition file given for a StateMachineArn (or its machine's name)."""
        given = {**(self.project.children if self.project else {}), **self.children}
        if target in given:
            return given[target]
        name = machine_name_of(target)
        return given.get(name)

    def entry(self, machine: str) -> MachineEntry:
        if self.project is None:
            return MachineEntry()
        return self.project.machines.get(machine, MachineEntry())

    def mock_file(self, machine: str, definition_file: str | None) -> MockConfig | None:
        """The mock file for `machine`: the command line's if it names it, else the project
        file's, else `MockConfigFile.json` beside the definition if it names it."""
        if self.mock_config is not None and machine in self.mock_config.machines():
            return self.mock_config
        entry = self.entry(machine)
        if entry.mock_config is not None:
            return _load(entry.mock_config)
        if definition_file:
            beside = Path(definition_file).parent / MOCK_FILE_NAME
            if beside.is_file():
                config = _load(beside)
                if machine in config.machines():
                    return config
        return None

    def test_cases(self, machine: str, definition_file: str | None) -> list[str]:
        """The test cases a run of `machine` can be given, the default one first."""
        config = self.mock_file(machine, definition_file)
        if config is None:
            return []
        cases = config.test_cases(machine)
        default = self.default_test_case(machine, cases)
        return [default, *(case for case in cases if case != default)] if default else cases

    def default_test_case(self, machine: str, cases: list[str]) -> str | None:
        for wanted in (self.test_case, self.entry(machine).test_case):
            if wanted is not None:
                return wanted
        return cases[0] if cases else None

    def case_inputs(self, machine: str, definition_file: str | None) -> dict[str, Any]:
        """The inputs the test cases give (`input` or `input_file` in the expectations file
        beside the mock file, as `sfntui test` reads it), by case; cases without one left out."""
        config = self.mock_file(machine, definition_file)
        if config is None or config.file is None:
            return {}
        mock_file = Path(config.file)
        stem = mock_file.name.removesuffix(".json")
        for suffix in (".expectations.json", ".expectations.yaml", ".expectations.yml"):
            candidate = mock_file.with_name(stem + suffix)
            if candidate.is_file():
                return _case_inputs(candidate, machine)
        return {}

    def input_file(self, machine: str) -> Path | None:
        """The project file's input for `machine`, if it names one."""
        return self.entry(machine).input

    def for_machine(
        self, machine: str, definition_file: str | None = None, test_case: str | None = None
    ) -> RunSetup:
        """The RunSetup of one run; `test_case` picks one of the mock file's cases."""
        entry = self.entry(machine)
        config = self.mock_file(machine, definition_file)
        setup = RunSetup(
            handlers={**self._project_handlers(entry), **self.handlers},
            extra_resolvers=list(self.extra_resolvers),
            virtual_clock=self.virtual_clock,
            clock_start=self.clock_start,
            items_dir=self.items_dir or (str(entry.items_dir) if entry.items_dir else None),
        )
        if config is not None:
            from sfntui.engine.mock_config import MockConfigError

            try:
                case = test_case or self.default_test_case(machine, config.test_cases(machine))
                config.resolver(machine, case or "")
            except MockConfigError as error:
                raise MachineSetupError(str(error)) from None
            setup = replace(setup, mock_config=config, machine_name=machine, test_case=case)
        return setup

    def _project_handlers(self, entry: MachineEntry) -> dict[str, Handler]:
        if not entry.handlers and not entry.handler:
            return {}
        from sfntui.engine.handlers import HandlerImportError, load_handler, load_handler_module

        assert self.project is not None
        folder = str(self.project.folder)
        if folder not in sys.path:
            sys.path.insert(0, folder)  # the project's handler modules import from its folder
        handlers: dict[str, Handler] = {}
        try:
            for module in entry.handlers:
                handlers.update(load_handler_module(module))
            for name, target in entry.handler:
                handlers[name] = load_handler(target)
        except HandlerImportError as error:
            raise MachineSetupError(f"{self.project.file}: {error}") from None
        return handlers


def machine_name_of(target: str) -> str:
    """`arn:aws:states:r:a:stateMachine:Name[:version]` -> `Name`; a name stays itself."""
    parts = target.split(":")
    if len(parts) >= 7 and parts[5] == "stateMachine":
        return parts[6]
    return target


def _case_inputs(path: Path, machine: str) -> dict[str, Any]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
        raise MachineSetupError(f"{path}: the expectations file cannot be read: {error}") from None
    try:
        cases = data["StateMachines"][machine]["TestCases"]
    except (KeyError, TypeError):
        return {}
    inputs: dict[str, Any] = {}
    for case, body in cases.items() if isinstance(cases, dict) else ():
        if not isinstance(body, dict):
            continue
        if "input" in body:
            inputs[str(case)] = body["input"]
        elif isinstance(body.get("input_file"), str):
            try:
                inputs[str(case)] = json.loads(
                    (path.parent / body["input_file"]).read_text(encoding="utf-8")
                )
            except (OSError, UnicodeDecodeError, ValueError):
                continue  # the dialog then keeps the input it has
    return inputs


def _load(path: Path) -> MockConfig:
    from sfntui.engine.mock_config import MockConfig, MockConfigError

    try:
        return MockConfig.load(path)
    except MockConfigError as error:
        raise MachineSetupError(str(error)) from None
