"""State machine definitions taken out of CloudFormation, SAM and CDK templates.

Nothing is deployed, so intrinsic functions cannot be evaluated for real. They become readable
placeholders that keep the definition runnable: `{"Ref": "Topic"}` -> `"${Topic}"`,
`{"Fn::GetAtt": ["Fn", "Arn"]}` -> `"${Fn.Arn}"`; `Fn::Sub` substitutes the variables it is given
and leaves `${AWS::Region}` or `${Fn.Arn}` as they are; `Fn::Join` joins; `Fn::FindInMap` reads the
template's `Mappings`; `Fn::If` takes its first (true) branch; `Ref: AWS::NoValue` removes the
member. `DefinitionSubstitutions` then replace `${Name}` in every string (keys too).

Positions: a `Definition` object keeps the positions of its template lines. A `DefinitionString`
is parsed as JSON after substitution; when it was a YAML literal block (`DefinitionString: |` or
`!Sub |`) its lines map onto the template's lines (columns shift where a substitution changed the
length of a line), otherwise every pointer maps to the `DefinitionString` key.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sfntui.asl.parsed_source import BlockScalar, ParsedSource, Position, SourceError, pointer_token
from sfntui.asl.placeholders import BarePlaceholder, filled, parse_json_with_placeholders

STEP_FUNCTIONS_STATE_MACHINE = "AWS::StepFunctions::StateMachine"
SERVERLESS_STATE_MACHINE = "AWS::Serverless::StateMachine"
_MACHINE_TYPES = (STEP_FUNCTIONS_STATE_MACHINE, SERVERLESS_STATE_MACHINE)
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class MachineResource:
    logical_id: str
    properties: Mapping[str, Any]
    pointer: str  # of the resource's Properties in the template


def state_machine_resources(template: dict, source: ParsedSource) -> list[MachineResource]:
    resources = template.get("Resources")
    if resources is None:
        return []
    if not isinstance(resources, dict):
        raise SourceError("the template's Resources is not an object", *_at(source, "/Resources"))
    machines = []
    for logical_id, resource in resources.items():
        if isinstance(resource, dict) and resource.get("Type") in _MACHINE_TYPES:
            properties = resource.get("Properties")
            machines.append(
                MachineResource(
                    logical_id,
                    properties if isinstance(properties, dict) else {},
                    f"/Resources/{pointer_token(logical_id)}/Properties",
                )
            )
    return machines


@dataclass(frozen=True)
class ExtractedDefinition:
    definition: Any
    positions: dict[str, Position]
    file: str | None  # the DefinitionUri file it came from, or None for the template itself


def extract_definition(
    machine: MachineResource,
    template: dict,
    source: ParsedSource,
    template_dir: str,
    read_definition_file: Callable[[str], ParsedSource],
) -> ExtractedDefinition:
    """The definition of one state machine resource, with intrinsics and substitutions applied.

    `read_definition_file` reads a `DefinitionUri` file; errors in that file are its own to report.
    """
    properties = machine.properties
    name = machine.logical_id
    resolver = _Resolver(template, source.positions)
    substitutions = _substitutions(machine, resolver, source)
    resolver.substitutions = substitutions

    if "Definition" in properties:
        pointer = f"{machine.pointer}/Definition"
        definition = resolver.resolve(properties["Definition"], pointer, "")
        return ExtractedDefinition(definition, resolver.out_positions, None)

    if "DefinitionString" in properties:
        return _from_definition_string(machine, resolver, source)

    uri = properties.get("DefinitionUri")
    if isinstance(uri, str) and not uri.startswith("s3://"):
        path = os.path.normpath(os.path.join(template_dir, uri))
        if not _inside(path, template_dir):
            raise SourceError(
                f"{name}: DefinitionUri points outside the template's folder ({path}); sfntui "
                "reads such a file only when you name it yourself: pass that file instead of "
                "the template",
                *_at(source, f"{machine.pointer}/DefinitionUri"),
            )
        if not os.path.isfile(path):
            raise SourceError(
                f"{name}: DefinitionUri file not found: {path}",
                *_at(source, f"{machine.pointer}/DefinitionUri"),
            )
        parsed = read_definition_file(path)
        file_resolver = _Resolver(template, parsed.positions)
        file_resolver.substitutions = substitutions
        definition = file_resolver.resolve(parsed.value, "", "")
        return ExtractedDefinition(definition, file_resolver.out_positions, path)

    for key in ("DefinitionUri", "DefinitionS3Location"):
        if key in properties:
            raise SourceError(
                f"{name}: the definition is in S3 ({key}), which can't be read locally; "
                "download it and open that file instead",
                *_at(source, f"{machine.pointer}/{key}"),
            )
    raise SourceError(
        f"{name} has no Definition, DefinitionString or DefinitionUri",
        *_at(source, machine.pointer.rsplit("/", 1)[0]),
    )


def _inside(path: str, folder: str) -> bool:
    """Whether `path` (symbolic links followed) lies in `folder` or below it.

    A template is often someone else's (a cloned repository, a downloaded sample): its
    DefinitionUri must not make sfntui read, and show parts of, a file elsewhere on the
    machine (`../../.aws/credentials`) without the user asking for that file.
    """
    real_folder = os.path.realpath(folder or ".")
    real_path = os.path.realpath(path)
    try:
        return os.path.commonpath([real_folder, real_path]) == real_folder
    except ValueError:  # different drives
        return False


def _substitutions(
    machine: MachineResource, resolver: _Resolver, source: ParsedSource
) -> dict[str, str]:
    given = machine.properties.get("DefinitionSubstitutions")
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise SourceError(
            f"{machine.logical_id}: DefinitionSubstitutions is not an object",
            *_at(source, f"{machine.pointer}/DefinitionSubstitutions"),
        )
    return {str(key): resolver.text(value) for key, value in given.items()}


def _from_definition_string(
    machine: MachineResource, resolver: _Resolver, source: ParsedSource
) -> ExtractedDefinition:
    pointer = f"{machine.pointer}/DefinitionString"
    key_position = _at(source, pointer)
    value = machine.properties["DefinitionString"]
    text = resolver.substitute(resolver.text(value))
    block = _literal_block(value, pointer, source.block_scalars)
    try:
        parsed = parse_json_with_placeholders(text)
    except SourceError as error:
        problem = error.message.removeprefix("not valid JSON: ")
        message = f"{machine.logical_id}: DefinitionString is not valid JSON after substitution"
        if block is not None and error.line is not None and error.column is not None:
            position = _in_block(block, error.line, error.column)
            raise SourceError(f"{message}: {problem}", *position) from None
        where = f" (line {error.line}, column {error.column} of the string)" if error.line else ""
        raise SourceError(f"{message}: {problem}{where}", *key_position) from None
    if block is not None:
        positions = {
            item: _in_block(block, line, column)
            for item, (line, column) in parsed.positions.items()
        }
    elif key_position[0] is not None:
        positions = {item: key_position for item in parsed.positions}  # type: ignore[misc]
    else:
        positions = {}
    return ExtractedDefinition(parsed.value, positions, None)


def _literal_block(
    value: Any, pointer: str, block_scalars: dict[str, BlockScalar]
) -> BlockScalar | None:
    """The YAML literal block the DefinitionString text came from, if it came from one."""
    if isinstance(value, str):
        return block_scalars.get(pointer)
    if isinstance(value, dict) and len(value) == 1 and "Fn::Sub" in value:
        if isinstance(value["Fn::Sub"], str):
            return block_scalars.get(f"{pointer}/Fn::Sub")
        return block_scalars.get(f"{pointer}/Fn::Sub/0")
    return None


def _in_block(block: BlockScalar, line: int, column: int) -> Position:
    return block.first_line + line - 1, block.indent + column


def _at(source: ParsedSource, pointer: str) -> tuple[int | None, int | None]:
    position = source.positions.get(pointer)
    return position if position is not None else (None, None)


class _NoValue:
    """`Ref: AWS::NoValue`: the member or item holding it is removed."""


_NO_VALUE = _NoValue()


class _Resolver:
    """Replaces intrinsic functions with placeholders, carrying positions to the new pointers.

    Strings of the definition get the `DefinitionSubstitutions`; the arguments of an intrinsic
    function are read raw (`text`), and its result gets them once.
    """

    def __init__(self, template: dict, positions: Mapping[str, Position]) -> None:
        self.mappings = template.get("Mappings") if isinstance(template, dict) else None
        self.positions = positions
        self.out_positions: dict[str, Position] = {}
        self.substitutions: dict[str, str] = {}
        self.substituting = True

    def substitute(self, text: str) -> str:
        if not self.substituting or not self.substitutions or "${" not in text:
            return text
        return _PLACEHOLDER.sub(
            lambda match: self.substitutions.get(match.group(1), match.group(0)), text
        )

    def resolve(self, value: Any, source: str | None, target: str) -> Any:
        """`value` with intrinsics resolved; `source` is its pointer in the parsed file, if any."""
        if source is not None:
            position = self.positions.get(source)
            if position is not None:
                self.out_positions.setdefault(target, position)
        if isinstance(value, BarePlaceholder):  # `${Name}` unquoted: a number, usually
            return filled(value, self.substitute(value))
        if isinstance(value, str):
            return self.substitute(value)
        if isinstance(value, list):
            items: list[Any] = []
            for index, item in enumerate(value):
                item_source = None if source is None else f"{source}/{index}"
                resolved = self.resolve(item, item_source, f"{target}/{len(items)}")
                if resolved is not _NO_VALUE:
                    items.append(resolved)
            return items
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref" or key.startswith("Fn::"):
                inner = None if source is None else f"{source}/{pointer_token(key)}"
                return self._intrinsic(key, argument, inner, target)
        members = {}
        for key, item in value.items():
            new_key = self.substitute(key)
            item_source = None if source is None else f"{source}/{pointer_token(key)}"
            resolved = self.resolve(item, item_source, f"{target}/{pointer_token(new_key)}")
            if resolved is not _NO_VALUE:
                members[new_key] = resolved
        return members

    def raw(self, value: Any) -> Any:
        """`value` resolved without substitutions and without positions."""
        substituting, self.substituting = self.substituting, False
        try:
            return self.resolve(value, None, "")
        finally:
            self.substituting = substituting

    def text(self, value: Any) -> str:
        """`value` resolved raw and rendered as the text CloudFormation would put in its place."""
        resolved = self.raw(value)
        if isinstance(resolved, str):
            return resolved
        if isinstance(resolved, bool):
            return "true" if resolved else "false"
        if resolved is None or resolved is _NO_VALUE:
            return ""
        if isinstance(resolved, int | float):
            return str(resolved)
        return json.dumps(resolved, separators=(",", ":"))

    def _intrinsic(self, name: str, argument: Any, source: str | None, target: str) -> Any:
        """The value of one intrinsic function: its result, or a placeholder standing for it."""
        if name == "Ref" and argument == "AWS::NoValue":
            return _NO_VALUE
        if name in ("Fn::If", "Fn::Select", "Fn::FindInMap"):
            chosen = self._choice(name, argument, source)
            if chosen is not None:
                value, value_source = chosen
                return self.resolve(value, value_source, target)
        result = self._computed(name, argument)
        if isinstance(result, str):
            return self.substitute(result)
        if isinstance(result, list):
            return [self.substitute(item) for item in result]
        return result

    def _choice(
        self, name: str, argument: Any, source: str | None
    ) -> tuple[Any, str | None] | None:
        """For functions that pick a value: the value picked and its source pointer, if known."""
        if not isinstance(argument, list):
            return None
        if name == "Fn::If" and len(argument) == 3:
            return argument[1], None if source is None else f"{source}/1"
        if name == "Fn::Select" and len(argument) == 2:
            index, items = self.text(argument[0]), argument[1]
            items_source = None if source is None else f"{source}/1"
            if isinstance(items, dict):
                items, items_source = self.raw(items), None
            if isinstance(items, list) and index.isdigit() and int(index) < len(items):
                item_source = None if items_source is None else f"{items_source}/{index}"
                return items[int(index)], item_source
            return None
        if name == "Fn::FindInMap" and len(argument) >= 3:
            found: Any = self.mappings
            for key in argument[:3]:
                key = self.text(key)
                if not isinstance(found, dict) or key not in found:
                    return None
                found = found[key]
            return found, None
        return None

    def _computed(self, name: str, argument: Any) -> Any:
        """The result of a function that computes a value, or a placeholder for it."""
        if name == "Ref":
            return _placeholder(self.text(argument))
        if name == "Fn::GetAtt":
            if isinstance(argument, list):
                return _placeholder(".".join(self.text(part) for part in argument))
            return _placeholder(self.text(argument))
        if name == "Fn::Sub":
            return self._sub(argument)
        if name == "Fn::Join" and _is_pair(argument):
            parts = self.raw(argument[1])
            if isinstance(parts, list):
                return self.text(argument[0]).join(self.text(part) for part in parts)
        if name == "Fn::Split" and _is_pair(argument):
            return self.text(argument[1]).split(self.text(argument[0]))
        if name == "Fn::Base64":
            text = self.text(argument)
            if "${" not in text:
                return base64.b64encode(text.encode()).decode()
        if name == "Fn::ToJsonString":
            return json.dumps(self.raw(argument), separators=(",", ":"))
        if name == "Fn::Length":
            items = self.raw(argument)
            if isinstance(items, list):
                return len(items)
        if name == "Fn::FindInMap" and isinstance(argument, list):
            return _placeholder("FindInMap:" + ".".join(self.text(key) for key in argument[:3]))
        short = name.removeprefix("Fn::")
        if isinstance(argument, str) and argument:
            return _placeholder(f"{short}:{argument}")
        return _placeholder(short)

    def _sub(self, argument: Any) -> str:
        variables: dict[str, str] = {}
        if isinstance(argument, list) and argument:
            template = argument[0]
            if len(argument) > 1 and isinstance(argument[1], dict):
                variables = {str(key): self.text(value) for key, value in argument[1].items()}
        else:
            template = argument
        template = self.text(template)

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            return variables.get(name, match.group(0))

        return _PLACEHOLDER.sub(replace, template)


def _is_pair(argument: Any) -> bool:
    return isinstance(argument, list) and len(argument) == 2


def _placeholder(text: str) -> str:
    """`${text}`, with nothing in it that would break a JSON string it is pasted into."""
    return "${" + text.replace('"', "'").replace("\\", "/") + "}"
