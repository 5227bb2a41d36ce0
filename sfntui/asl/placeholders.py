"""Template placeholders (`${Name}`) left in a definition, as a template would fill them.

A SAM or CloudFormation definition file is a template for the definition AWS deploys:
`DefinitionSubstitutions` replace each `${Name}` before Step Functions sees it. Two things
follow for a tool that reads such a file on its own:

- A placeholder may stand where a number goes, unquoted (`"Seconds": ${ReminderTimeout}`),
  which is not JSON until it is substituted. `parse_json_with_placeholders` reads such a
  text by quoting each bare placeholder in place (same length, so every line and column
  stays where it was); the value becomes a `BarePlaceholder`, a string that remembers it was
  bare, so a substitution can turn it back into the number (or other JSON value) it stands for.
- A placeholder stands for any valid value of the slot it is in: `is_placeholder` tells the
  validator to take it as such, and `placeholder_names` lists them for the one note that says
  so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from sfntui.asl.json_positions import parse_json
from sfntui.asl.parsed_source import ParsedSource, SourceError

_PLACEHOLDER = re.compile(r"\$\{[^{}\"\\\s]+\}")
_ANY_PLACEHOLDER = re.compile(r"\$\{[^{}]+\}")


class BarePlaceholder(str):
    """`${Name}` that stood unquoted in the file: its substituted text is a JSON value."""

    __slots__ = ()


def is_placeholder(value: Any) -> bool:
    """A string that is one whole `${...}` placeholder."""
    return isinstance(value, str) and _ANY_PLACEHOLDER.fullmatch(value) is not None


def placeholder_names(value: Any) -> list[str]:
    """Every `${...}` in the definition's strings (keys included), in first-seen order."""
    seen: dict[str, None] = {}
    for text in _strings(value):
        if "${" in text:
            for match in _ANY_PLACEHOLDER.finditer(text):
                seen.setdefault(match.group(0), None)
    return list(seen)


def _strings(value: Any) -> Iterator[str]:
    """Every string of a JSON value, keys included, in document order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, member in value.items():
            if isinstance(key, str):
                yield key
            yield from _strings(member)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def filled(placeholder: BarePlaceholder, text: str) -> Any:
    """The value a bare placeholder takes once substituted by `text`: JSON if it reads as JSON."""
    if text == placeholder:
        return placeholder
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_json_with_placeholders(text: str) -> ParsedSource:
    """`parse_json`, reading unquoted `${Name}` placeholders as `BarePlaceholder` strings."""
    try:
        return parse_json(text)
    except SourceError as error:
        quoted, names = _quote_bare(text)
        if not names:
            raise
        try:
            parsed = parse_json(quoted)
        except SourceError:
            raise error from None
    return ParsedSource(_marked(parsed.value, names), parsed.positions, parsed.block_scalars)


def _quote_bare(text: str) -> tuple[str, set[str]]:
    """`${Name}` outside JSON strings rewritten as `"$Name"`: the same length, so positions hold."""
    out: list[str] = []
    names: set[str] = set()
    in_string = False
    index = 0
    while index < len(text):
        char = text[index]
        if in_string:
            if char == "\\":
                out.append(text[index : index + 2])
                index += 2
                continue
            if char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "$" and (match := _PLACEHOLDER.match(text, index)) is not None:
            name = match.group(0)[2:-1]
            names.add(name)
            out.append(f'"${name}"')
            index = match.end()
            continue
        out.append(char)
        index += 1
    return "".join(out), names


def _marked(value: Any, names: set[str]) -> Any:
    if isinstance(value, str):
        if value.startswith("$") and value[1:] in names:
            return BarePlaceholder("${" + value[1:] + "}")
        return value
    if isinstance(value, list):
        return [_marked(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _marked(item, names) for key, item in value.items()}
    return value
