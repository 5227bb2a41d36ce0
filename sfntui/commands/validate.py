"""`sfntui validate FILE...`: findings printed like a compiler's; exit 0, 1 or 2."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict

from sfntui.asl.definition import format_diagnostic
from sfntui.asl.loader import DefinitionLoadError, load_definition, load_definitions
from sfntui.asl.validate import has_errors, validate
from sfntui.asl.visible_text import visible, visible_json


def validate_command(args: argparse.Namespace) -> int:
    findings: list[dict] = []
    invalid = unreadable = False
    for file in args.files:
        try:
            if args.state_machine:
                sources = [load_definition(file, args.state_machine)]
            else:
                sources = load_definitions(file)
        except DefinitionLoadError as exc:
            unreadable = True
            if args.json:
                findings.append(
                    {
                        "file": file,
                        "severity": "error",
                        "pointer": "",
                        "state": None,
                        "message": exc.message,
                        "line": exc.line,
                        "column": exc.column,
                    }
                )
            else:
                print(visible(str(exc)), file=sys.stderr)
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
