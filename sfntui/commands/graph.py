"""`sfntui graph DEFINITION [--execution HISTORY]`: the graph, coloured on a terminal."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sfntui.commands.local_options import UsageError, load_machine


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


def graph_command(args: argparse.Namespace) -> int:
    from sfntui.graph import render_text

    try:
        loaded = load_machine(args.definition, args.state_machine)
        projection = None
        if args.execution:  # the projection is loaded only to colour a run
            from sfntui.history.projection import Projection

            projection = Projection(_history(args.execution, args))
    except UsageError as exc:
        print(f"sfntui: {exc}", file=sys.stderr)
        return 2
    if args.width is not None and args.width < 20:
        print("sfntui: --width must be at least 20 columns", file=sys.stderr)
        return 2
    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    print(
        render_text(
            loaded.machine,
            projection=projection,
            ascii=args.ascii,
            width=args.width,
            color=color,
        )
    )
    return 0
