"""The input a run dialog starts from: `<machine>.input.json` beside the definition or in the
examples folder, else `{}`. Read off the UI loop (it is file I/O)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

EMPTY_INPUT = "{}"
#: Bigger files are not pre-filled: the dialog is for typing, not for megabytes.
MAX_INPUT_BYTES = 1_000_000


def input_candidates(
    machine_name: str, definition_file: str | None, folders: Iterable[Path]
) -> list[Path]:
    """Where an example input for the machine may be, first match wins. `definition_file`
    counts only if it names a file (an AWS machine's description is free text)."""
    file_name = f"{machine_name}.input.json"
    candidates = []
    if definition_file and Path(definition_file).is_file():
        candidates.append(Path(definition_file).parent / file_name)
    candidates.extend(Path(folder) / file_name for folder in folders)
    return candidates


def read_example_input(
    machine_name: str, definition_file: str | None, folders: Iterable[Path]
) -> tuple[str, str | None]:
    """(the text to pre-fill, the file it came from or None). Valid JSON is laid out two
    spaces to a level, to be edited; anything else is shown as it is, to be fixed."""
    for candidate in input_candidates(machine_name, definition_file, folders):
        try:
            if candidate.is_file() and candidate.stat().st_size <= MAX_INPUT_BYTES:
                return indented(candidate.read_text(encoding="utf-8")), str(candidate)
        except (OSError, UnicodeDecodeError):
            continue
    return EMPTY_INPUT, None


def indented(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):  # shown as it is, for the person to fix
        return text.strip() or EMPTY_INPUT
