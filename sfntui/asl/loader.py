"""Loading state machine definitions from files, with the source position of every part.

Reads an ASL definition in JSON (`.json`, `.asl.json`) or YAML (`.asl.yaml`, `.yaml`, ...), a
CloudFormation or SAM template (JSON or YAML, short tags like `!Sub` included: see
`cfn_templates` for how intrinsic functions and `DefinitionSubstitutions` are handled), a CDK
`cdk.out` directory (every `*.template.json` in it), a SAM project (its `template.yaml`), or
any other folder (the `*.asl.json`/`*.asl.yaml` files in it). This is I/O and parsing only:
whether the definition is valid ASL is the validator's business, so whatever JSON value the
file holds is returned as it is.

Every failure is a `DefinitionLoadError` whose text is one line, `FILE:LINE:COL: MESSAGE`.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from sfntui.asl.file_limits import FileTooLargeError, read_limited_bytes
from sfntui.asl.parsed_source import ParsedSource, SourceError
from sfntui.asl.placeholders import parse_json_with_placeholders

_DEFINITION_SUFFIXES = (".asl.json", ".asl.yaml", ".asl.yml", ".json", ".yaml", ".yml")
#: What a definition file is called, when a folder that is not a CDK or SAM project is searched.
ASL_FILE_SUFFIXES = (".asl.json", ".asl.yaml", ".asl.yml")
_SAM_TEMPLATES = ("template.yaml", "template.yml", "template.json")


@dataclass(frozen=True)
class LoadedDefinition:
    """A definition as read from its file.

    `positions` maps JSON pointers relative to the definition (`/States/Foo/Next`) to the 1-based
    (line, column) in `file` of the member's key, or of the item for array items.
    """

    definition: Any
    file: str | None
    name: str  # the logical id for a template's machine, else the file name without `.asl.json`
    positions: Mapping[str, tuple[int, int]]
    #: The name the template deploys the machine under (StateMachineName, or SAM's Name).
    deployed_name: str | None = None

    def position(self, pointer: str) -> tuple[int, int] | None:
        """The position of `pointer`, or of its nearest ancestor that has one."""
        while True:
            found = self.positions.get(pointer)
            if found is not None or not pointer:
                return found
            pointer = pointer.rsplit("/", 1)[0] if "/" in pointer else ""


class DefinitionLoadError(Exception):
    """A definition that could not be loaded, said in one sentence with where it happened."""

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = re.sub(r"\s*\n\s*", " ", message).strip()
        self.file = file
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [str(part) for part in (self.file, self.line, self.column) if part is not None]
        if self.file is None and where:
            where.insert(0, "<text>")
        return f"{':'.join(where)}: {self.message}" if where else self.message


def load_definition(
    path: str | os.PathLike[str], state_machine: str | None = None
) -> LoadedDefinition:
    """The one definition at `path`; `state_machine` picks one of a template's (its logical id).

    A plain ASL file holds one definition, so `state_machine` is not consulted for it.
    """
    location = os.fspath(path)
    try:
        candidates = _candidates_at(location)
        return _select(candidates, state_machine, location).build()
    except RecursionError:
        raise DefinitionLoadError("the definition is nested too deeply", location) from None


def load_definitions(path: str | os.PathLike[str]) -> list[LoadedDefinition]:
    """Every definition at `path`: one for an ASL file, each state machine of a template."""
    location = os.fspath(path)
    try:
        return [candidate.build() for candidate in _candidates_at(location)]
    except RecursionError:
        raise DefinitionLoadError("the definition is nested too deeply", location) from None


def parse_definition_text(
    text: str,
    file: str | None = None,
    *,
    fmt: Literal["json", "yaml"] | None = None,
    state_machine: str | None = None,
) -> LoadedDefinition:
    """Like `load_definition` for a text already read; `file` names it in positions and errors.

    Without `fmt` the format follows `file`'s extension, else the text's first character.
    A template's `DefinitionUri` is taken relative to `file`'s folder (or the current one).
    """
    try:
        source = _parse(text, file, fmt)
        folder = os.path.dirname(file) if file else "."
        candidates = _source_candidates(source, file, folder, _definition_name(file))
        if not candidates:
            raise _no_machine_error(file)
        return _select(candidates, state_machine, file).build()
    except RecursionError:
        raise DefinitionLoadError("the definition is nested too deeply", file) from None


@dataclass(frozen=True)
class _Candidate:
    """A definition that can be built: templates build only the machine that is asked for."""

    name: str
    build: Callable[[], LoadedDefinition]
    aliases: tuple[str, ...] = ()
    file: str | None = None  # for one ASL file of a folder: its path within the folder


def _candidates_at(location: str) -> list[_Candidate]:
    if os.path.isdir(location):
        return _directory_candidates(location)
    if not os.path.exists(location):
        raise DefinitionLoadError("file not found", location)
    source = _parse(_read_text(location), location, None)
    candidates = _source_candidates(
        source, location, os.path.dirname(location), _definition_name(location)
    )
    if not candidates:
        raise _no_machine_error(location)
    return candidates


def definition_sources(path: str | os.PathLike[str]) -> list[str]:
    """What `path` stands for, as paths to load one at a time.

    A file, a CDK `cdk.out` or a SAM project stands for itself; any other folder for the ASL
    files in it and its subfolders (`*.asl.json`, `*.asl.yaml`, `*.asl.yml`), sorted. A folder
    with none of them is a `DefinitionLoadError`.
    """
    location = os.fspath(path)
    if not os.path.isdir(location) or _is_project(location):
        return [location]
    return _asl_files(location)


def _is_project(directory: str) -> bool:
    """A CDK `cdk.out` (`*.template.json` files) or a SAM project (a `template.yaml`)."""
    return bool(_cdk_templates(directory)) or any(
        os.path.isfile(os.path.join(directory, name)) for name in _SAM_TEMPLATES
    )


def _asl_files(directory: str) -> list[str]:
    """The ASL files under a folder that is not a project; at least one."""
    found: list[str] = []
    for folder, subfolders, files in os.walk(directory):
        subfolders[:] = [
            name for name in subfolders if not name.startswith(".") and name != "node_modules"
        ]
        found.extend(
            os.path.join(folder, name) for name in files if name.lower().endswith(ASL_FILE_SUFFIXES)
        )
    found.sort(key=lambda file: file.split(os.sep))  # by path, as the app lists them
    if not found:
        raise DefinitionLoadError(
            "the folder holds no definition: no *.asl.json or *.asl.yaml file, no CDK "
            "*.template.json and no SAM template.yaml",
            directory,
        )
    return found


def _directory_candidates(directory: str) -> list[_Candidate]:
    templates = _cdk_templates(directory)
    if not templates:
        for name in _SAM_TEMPLATES:
            sam_template = os.path.join(directory, name)
            if os.path.isfile(sam_template):
                return _candidates_at(sam_template)
        return [_file_candidate(file, directory) for file in _asl_files(directory)]
    found: list[tuple[str, str, _Candidate]] = []  # (stack, logical id, candidate)
    for template in templates:
        source = _parse(_read_text(template), template, "json")
        stack = os.path.basename(template).removesuffix(".template.json")
        for candidate in _source_candidates(source, template, os.path.dirname(template), stack):
            if candidate.aliases:  # a template's machine, not a stray definition file
                found.append((stack, candidate.name, candidate))
    if not found:
        raise DefinitionLoadError(
            f"none of the {len(templates)} templates in the directory has a state machine",
            directory,
        )
    counts: dict[str, int] = {}
    for _, logical_id, _ in found:
        counts[logical_id] = counts.get(logical_id, 0) + 1
    candidates = []
    for stack, logical_id, candidate in found:
        qualified = f"{stack}/{logical_id}"
        name = qualified if counts[logical_id] > 1 else logical_id
        candidates.append(
            _Candidate(name, _renamed(candidate.build, name), (logical_id, qualified))
        )
    return candidates


def _cdk_templates(directory: str) -> list[str]:
    """`*.template.json` files under `directory`, nested stage assemblies included, assets not."""
    templates: list[str] = []
    for folder, subfolders, files in os.walk(directory):
        subfolders[:] = sorted(
            name for name in subfolders if not name.startswith("asset.") and name != "node_modules"
        )
        templates.extend(
            os.path.join(folder, name) for name in sorted(files) if name.endswith(".template.json")
        )
    return templates


def _file_candidate(file: str, directory: str) -> _Candidate:
    """One ASL file of a folder, read only when it is the one chosen."""
    name = _definition_name(file)
    relative = os.path.relpath(file, directory)

    def build() -> LoadedDefinition:
        return _select(_candidates_at(file), None, file).build()

    return _Candidate(name, build, (name, relative), file=relative)


def _renamed(build: Callable[[], LoadedDefinition], name: str) -> Callable[[], LoadedDefinition]:
    def build_renamed() -> LoadedDefinition:
        loaded = build()
        return replace(loaded, name=name)

    return build_renamed


def _source_candidates(
    source: ParsedSource, file: str | None, folder: str, name: str
) -> list[_Candidate]:
    """The definitions a parsed file holds: itself, or a template's state machines."""
    if not _is_template(source.value):
        loaded = LoadedDefinition(source.value, file, name, source.positions)
        return [_Candidate(name, lambda: loaded)]
    from sfntui.asl.cfn_templates import extract_definition, state_machine_resources

    try:
        machines = state_machine_resources(source.value, source)
    except SourceError as error:
        raise _load_error(error, file) from None

    def builder(machine: Any) -> Callable[[], LoadedDefinition]:
        def build() -> LoadedDefinition:
            try:
                extracted = extract_definition(
                    machine, source.value, source, folder, _read_definition_file
                )
            except SourceError as error:
                raise _load_error(error, file) from None
            return LoadedDefinition(
                extracted.definition,
                extracted.file if extracted.file is not None else file,
                machine.logical_id,
                extracted.positions,
                _deployed_name(machine.properties),
            )

        return build

    candidates = []
    for machine in machines:
        deployed = _deployed_name(machine.properties)
        aliases = (machine.logical_id,) + ((deployed,) if deployed else ())
        candidates.append(_Candidate(machine.logical_id, builder(machine), aliases))
    return candidates


def _deployed_name(properties: Mapping[str, Any]) -> str | None:
    """StateMachineName (CloudFormation) or Name (SAM), when the template writes it out."""
    for key in ("StateMachineName", "Name"):
        value = properties.get(key)
        if isinstance(value, str) and value and "${" not in value:
            return value
    return None


def _is_template(document: Any) -> bool:
    """A CloudFormation or SAM template, read by `cfn_templates` (loaded only for one)."""
    return isinstance(document, dict) and any(
        key in document for key in ("Resources", "AWSTemplateFormatVersion", "Transform")
    )


def _read_definition_file(path: str) -> ParsedSource:
    return _parse(_read_text(path), path, None)


def _select(candidates: list[_Candidate], wanted: str | None, file: str | None) -> _Candidate:
    names = ", ".join(candidate.name for candidate in candidates)
    if wanted is None or (len(candidates) == 1 and not candidates[0].aliases):
        if len(candidates) == 1:
            return candidates[0]
        if all(candidate.file for candidate in candidates):
            files = ", ".join(candidate.file or "" for candidate in candidates)
            raise DefinitionLoadError(
                f"the folder holds {len(candidates)} definitions ({files}); name the file of "
                "the one to use, or choose one with --state-machine NAME",
                file,
            )
        raise DefinitionLoadError(
            f"there are {len(candidates)} state machines ({names}); "
            "choose one with --state-machine LOGICAL_ID",
            file,
        )
    matches = [c for c in candidates if wanted == c.name or wanted in c.aliases]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise DefinitionLoadError(
            f"there is no state machine {wanted!r}; the state machines are: {names}", file
        )
    choices = ", ".join(candidate.name for candidate in matches)
    raise DefinitionLoadError(f"{wanted!r} names several state machines: {choices}", file)


def _no_machine_error(file: str | None) -> DefinitionLoadError:
    from sfntui.asl.cfn_templates import SERVERLESS_STATE_MACHINE, STEP_FUNCTIONS_STATE_MACHINE

    return DefinitionLoadError(
        f"the template has no state machine (no {STEP_FUNCTIONS_STATE_MACHINE} or "
        f"{SERVERLESS_STATE_MACHINE} resource)",
        file,
    )


def _read_text(file: str) -> str:
    try:
        data = read_limited_bytes(file, "definition")
    except FileTooLargeError as error:
        raise DefinitionLoadError(str(error), file) from None
    except FileNotFoundError:
        raise DefinitionLoadError("file not found", file) from None
    except IsADirectoryError:
        raise DefinitionLoadError("a directory, not a file", file) from None
    except OSError as error:
        raise DefinitionLoadError(f"can't read the file: {error.strerror or error}", file) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise DefinitionLoadError("not a valid UTF-16 text file", file) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        offset = error.start
        line = data.count(b"\n", 0, offset) + 1
        column = offset - data.rfind(b"\n", 0, offset)
        raise DefinitionLoadError(
            f"not a UTF-8 text file (byte 0x{data[offset]:02x} can't be decoded)",
            file,
            line,
            column,
        ) from None


def _parse(text: str, file: str | None, fmt: Literal["json", "yaml"] | None) -> ParsedSource:
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise DefinitionLoadError("the file is empty" if file else "the text is empty", file)
    try:
        if fmt is None:
            fmt = _format_of(file)
        if fmt == "json":
            return parse_json_with_placeholders(text)
        if fmt == "yaml":
            return _parse_yaml(text)
        if text.lstrip()[0] not in "{[":
            return _parse_yaml(text)
        try:
            return parse_json_with_placeholders(text)
        except SourceError as json_error:
            try:
                return _parse_yaml(text)
            except SourceError:
                raise json_error from None
    except SourceError as error:
        raise _load_error(error, file) from None


def _parse_yaml(text: str) -> ParsedSource:
    from sfntui.asl.yaml_positions import parse_yaml  # PyYAML, only for YAML files

    parsed = parse_yaml(text)
    if parsed is None:
        raise SourceError("the file holds nothing but YAML comments")
    return parsed


def _format_of(file: str | None) -> Literal["json", "yaml"] | None:
    lowered = (file or "").lower()
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith((".yaml", ".yml")):
        return "yaml"
    return None


def _definition_name(file: str | None) -> str:
    if not file:
        return "definition"
    name = os.path.basename(file)
    for suffix in _DEFINITION_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return os.path.splitext(name)[0] or name


def _load_error(error: SourceError, file: str | None) -> DefinitionLoadError:
    return DefinitionLoadError(error.message, file, error.line, error.column)
