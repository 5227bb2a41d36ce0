"""`sfntui graph DEFINITION [--execution HISTORY]`: the graph, coloured on a terminal.

A definition with findings is drawn all the same, the states that hold them marked, and the
findings are listed on stderr; only one that does not parse, or has no states, is refused.
`--all` draws every state machine of a template, one after the other.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from typing import Any

from sfntui.asl.visible_text import visible
from sfntui.commands.local_options import UsageError


def _history(source: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    if source.startswith("arn:"):
        from sfntui.aws import AwsError
        from sfntui.commands.aws_commands import fetch_history

        try:
            return fetch_history(source, args)
        except AwsError as exc:
            raise UsageError(str(exc)) from None
    from sfntui.history.events import HistoryFileError, load_history_file

    try:
        return load_history_file(source)
    except HistoryFileError as exc:
        raise UsageError(str(exc)) from None


def _sources(args: argparse.Namespace) -> list[Any]:
    from sfntui.asl.loader import DefinitionLoadError, load_definition, load_definitions

    try:
        if getattr(args, "all", False):
            return load_definitions(args.definition)
        if args.state_machine is None and sys.stdin.isatty() and sys.stdout.isatty():
            every = load_definitions(args.definition)
            if len(every) > 1:
                return [_chosen(every)]
        return [load_definition(args.definition, args.state_machine)]
    except DefinitionLoadError as exc:
        message = str(exc)
        if "--state-machine" in message:
            message += ", or draw them all with --all"
        raise UsageError(message) from None


def _chosen(sources: list[Any]) -> Any:
    """In a terminal, a template with several machines: ask which one to draw."""
    print("The template has several state machines:", file=sys.stderr)
    for number, source in enumerate(sources, 1):
        print(visible(f"  {number}. {source.name}"), file=sys.stderr)
    try:
        answer = input(f"Draw which one (1-{len(sources)})? ").strip()
    except EOFError:
        answer = ""
    if answer.isdigit() and 1 <= int(answer) <= len(sources):
        return sources[int(answer) - 1]
    names = [source.name for source in sources]
    if answer in names:
        return sources[names.index(answer)]
    raise UsageError(
        f"{answer!r} is none of them; name one with --state-machine, or draw them all with --all"
    )


def graph_command(args: argparse.Namespace) -> int:
    from sfntui.asl.definition import format_diagnostic
    from sfntui.graph import render_text
    from sfntui.graph.drawable import CannotDraw, drawable_machine

    if args.width is not None and args.width < 20:
        print("sfntui: --width must be at least 20 columns", file=sys.stderr)
        return 2
    try:
        sources = _sources(args)
        if getattr(args, "all", False) and args.execution and len(sources) > 1:
            raise UsageError("--execution colours one state machine: name it with --state-machine")
        projection = None
        if args.execution:  # the projection is loaded only to colour a run
            from sfntui.history.projection import Projection

            projection = Projection(_history(args.execution, args))
        drawables = []
        for source in sources:
            try:
                drawables.append((source, drawable_machine(source.definition, source.positions)))
            except CannotDraw as exc:
                raise UsageError(f"{source.file or args.definition}: {exc.message}") from None
    except UsageError as exc:
        print(visible(f"sfntui: {exc}"), file=sys.stderr)
        return 2
    width = args.width
    if width is None and sys.stdout.isatty():
        width = max(shutil.get_terminal_size().columns, 20)
    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    for number, (source, drawable) in enumerate(drawables):
        shown = [d for d in drawable.diagnostics if d.severity != "note"]
        for diagnostic in shown:
            print(format_diagnostic(diagnostic, source.file), file=sys.stderr)
        if len(drawables) > 1:
            print(("\n" if number else "") + visible(f"{source.name}:"))
        print(
            render_text(
                drawable.machine,
                projection=projection,
                ascii=args.ascii,
                width=width,
                color=color,
                findings=drawable.marked,
            )
        )
    return 0
