"""`sfntui` / `sfntui app [PATH...] [--aws]`: the terminal app over local files, and AWS.

The app always holds the local engine: over the given files and folders, or the built-in
examples when none are given (none at all with `--aws`, which adds an AWS account beside it).
Local runs' Tasks are answered as `sfntui run`'s options say (`--mock-config`, `--handler`...),
then as the project file says, then by a `MockConfigFile.json` beside the definition.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sfntui.asl.visible_text import visible


def app_command(args: argparse.Namespace) -> int:
    from sfntui.backends import Backend
    from sfntui.backends.local import LocalBackend
    from sfntui.builtin_examples import EXAMPLES_DIR
    from sfntui.commands.local_options import UsageError, machine_setups
    from sfntui.tui.app import run_app

    aws: Backend | None = None
    if args.aws:
        from sfntui.aws import ConnectionOptions
        from sfntui.backends.aws import AwsBackend

        aws = AwsBackend(
            ConnectionOptions(
                profile=args.profile,
                region=args.region,
                endpoint_url=args.endpoint_url,
                read_only=args.read_only,
            )
        )
    sources = [Path(source) for source in args.sources]
    problem = _history_options_problem(args)
    if problem is not None:
        print(visible(f"sfntui: {problem}"), file=sys.stderr)
        return 2
    if not sources and aws is None and not args.history:
        sources = [EXAMPLES_DIR]
    missing = [str(source) for source in sources if not source.exists()]
    if missing:
        print(visible(f"sfntui: no such file or folder: {', '.join(missing)}"), file=sys.stderr)
        return 2
    try:
        setups = machine_setups(args, real_aws_calls=False)
    except UsageError as error:
        print(f"sfntui: {error}", file=sys.stderr)
        return 2
    if args.history:
        return _open_history(args, sources, setups)
    local = LocalBackend(sources, setup=setups)
    if not sources:
        return run_app(local, aws=aws)
    folder = sources[0] if sources[0].is_dir() else sources[0].parent
    return run_app(local, aws=aws, examples_dir=folder)


def _history_options_problem(args: argparse.Namespace) -> str | None:
    if not args.history:
        if args.definition or args.children:
            return "--definition and --children go with --history FILE"
        return None
    if args.aws:
        return "--history opens a file offline: leave out --aws"
    if args.definition and not Path(args.definition).is_file():
        return f"--definition {args.definition}: no such file"
    return None


def _open_history(args: argparse.Namespace, sources: list[Path], setups: Any) -> int:
    """The app over one exported history (offline), shown at once, replayable with P."""
    from sfntui.backends.history_file import HistoryFileBackend
    from sfntui.backends.local import LocalBackend
    from sfntui.history.events import HistoryFileError, load_history_file
    from sfntui.replay import RecordingError
    from sfntui.replay.history_files import definition_beside, read_children
    from sfntui.tui.app import run_app

    path = Path(args.history)
    try:
        events = load_history_file(path)
        definition: Path | None = Path(args.definition) if args.definition else None
        no_definition = ""
        if definition is None:
            try:
                definition = definition_beside(path, events)
            except RecordingError as error:
                no_definition = str(error)
        children = read_children(args.children, events) if args.children else None
        history = HistoryFileBackend(
            path, definition=definition, children=children, no_definition=no_definition
        )
    except (HistoryFileError, RecordingError) as error:
        print(visible(f"sfntui: {error}"), file=sys.stderr)
        return 2
    local_sources = sources or ([definition] if definition is not None else [])
    local = LocalBackend(local_sources, setup=setups)
    folder = definition.parent if definition is not None else path.parent
    return run_app(
        local,
        aws=history,
        examples_dir=folder,
        open_at_start=(history, history.execution),
    )
