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
    if not sources and aws is None:
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
    local = LocalBackend(sources, setup=setups)
    if not sources:
        return run_app(local, aws=aws)
    folder = sources[0] if sources[0].is_dir() else sources[0].parent
    return run_app(local, aws=aws, examples_dir=folder)
