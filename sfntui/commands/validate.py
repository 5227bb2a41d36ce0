"""`sfntui validate PATH...`: findings printed like a compiler's; exit 0, 1 or 2.

A PATH is a definition file, a template, or a folder (a CDK `cdk.out`, a SAM project, or any
folder of `*.asl.json`/`*.asl.yaml` files, each checked on its own: one unreadable file is
reported and the others are still checked).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from typing import Any

from sfntui.asl.definition import format_diagnostic
from sfntui.asl.loader import (
    DefinitionLoadError,
    definition_sources,
    load_definition,
    load_definitions,
)
from sfntui.asl.validate import has_errors, validate
from sfntui.asl.visible_text import visible, visible_json


def validate_command(args: argparse.Namespace) -> int:
    findings: list[dict[str, Any]] = []
    invalid = unreadable = False
    for path in args.files:
        try:
            # --state-machine picks one machine of a template or of a folder: no expansion.
            files = [path] if args.state_machine else definition_sources(path)
        except DefinitionLoadError as exc:
            unreadable = True
            _unreadable(exc, path, findings, args.json)
            continue
        for file in files:
            try:
                if args.state_machine:
                    sources = [load_definition(file, args.state_machine)]
                else:
                    sources = load_definitions(file)
            except DefinitionLoadError as exc:
                unreadable = True
                _unreadable(exc, file, findings, args.json)
                continue
            for source in sources:
                diagnostics = validate(source.definition, source.positions)
                invalid = invalid or has_errors(diagnostics)
                for diagnostic in diagnostics:
                    if args.json:
                        findings.append(
                            {"file": source.file, "machine": source.name, **asdict(diagnostic)}
                        )
                    else:
                        print(format_diagnostic(diagnostic, source.file))
    if args.json:
        print(visible_json(findings, indent=2))
    if unreadable:
        return 2
    return 1 if invalid else 0


def _unreadable(
    error: DefinitionLoadError, file: str, findings: list[dict[str, Any]], as_json: bool
) -> None:
    if not as_json:
        print(visible(str(error)), file=sys.stderr)
        return
    findings.append(
        {
            "file": file,
            "severity": "error",
            "pointer": "",
            "state": None,
            "message": error.message,
            "line": error.line,
            "column": error.column,
        }
    )
