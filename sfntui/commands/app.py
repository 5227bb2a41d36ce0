"""`sfntui` / `sfntui app [PATH...] [--aws]`: the terminal app over local files or AWS."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def app_command(args: argparse.Namespace) -> int:
    from sfntui.backends import AwsBackend, Backend, LocalBackend
    from sfntui.builtin_examples import EXAMPLES_DIR
    from sfntui.engine.runner import RunSetup
    from sfntui.tui.app import run_app

    backend: Backend
    if args.aws:
        from sfntui.aws import ConnectionOptions

        backend = AwsBackend(
            ConnectionOptions(
                profile=args.profile,
                region=args.region,
                endpoint_url=args.endpoint_url,
                read_only=args.read_only,
            )
        )
        return run_app(backend)
    sources = [Path(source) for source in args.sources] or [EXAMPLES_DIR]
    missing = [str(source) for source in sources if not source.exists()]
    if missing:
        print(f"sfntui: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    clock = args.virtual_clock
    backend = LocalBackend(sources, setup=lambda _name: RunSetup(virtual_clock=clock))
    folder = sources[0] if sources[0].is_dir() else sources[0].parent
    return run_app(backend, examples_dir=folder)
