"""The `sfntui` command: argument parsing and dispatch only.

Each subcommand's work lives in `sfntui/commands/<name>.py`, imported only when that
subcommand runs, so `sfntui --help` stays fast. Every error a user can cause is printed as one
line on stderr with a non-zero exit; never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence

from sfntui import __version__

DEFINITION_HELP = "ASL JSON/YAML file, CloudFormation/SAM template, or a folder holding one"
STATE_MACHINE_HELP = "which machine of a template (or definition of a folder: its name)"


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("definition", help=DEFINITION_HELP)
    parser.add_argument("--state-machine", metavar="LOGICAL_ID", help=STATE_MACHINE_HELP)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--input", metavar="JSON", help="the execution input, as JSON text")
    source.add_argument("--input-file", metavar="FILE", help="read the execution input from FILE")
    parser.add_argument("--name", help="execution name; also picks the mock file's machine")
    _add_task_answer_options(parser)
    parser.add_argument(
        "--aws",
        action="store_true",
        help="make the real AWS call for Tasks no mock or handler answers (Lambda, aws-sdk)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    from sfntui.commands.aws_arguments import add_connection_options

    add_connection_options(parser)


def _add_task_answer_options(parser: argparse.ArgumentParser) -> None:
    """What answers local runs' Tasks: `run`, `debug` and `app` share these."""
    parser.add_argument(
        "--child",
        metavar="NAME_OR_ARN=FILE",
        action="append",
        default=[],
        help="the definition of a state machine a Task starts (startExecution), run locally",
    )
    parser.add_argument("--mock-config", metavar="FILE", help="a Step Functions Local mock file")
    parser.add_argument("--test-case", metavar="NAME", help="the mock file's test case to use")
    parser.add_argument(
        "--handlers",
        metavar="MODULE",
        action="append",
        default=[],
        help="a Python module whose functions answer Lambda functions of the same name",
    )
    parser.add_argument(
        "--handler",
        metavar="NAME=MODULE:FUNCTION",
        action="append",
        default=[],
        help="map one Lambda function name or ARN to a Python function",
    )
    parser.add_argument(
        "--virtual-clock",
        action="store_true",
        help="Waits, retry back-offs and timeouts take no real time",
    )
    parser.add_argument(
        "--items-dir",
        metavar="DIR",
        help="answer distributed Map ItemReaders from DIR/<Bucket>/<Key> instead of S3",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sfntui",
        description="A terminal debugger and live monitor for AWS Step Functions.",
    )
    parser.add_argument("--version", action="version", version=f"sfntui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    app = commands.add_parser(
        "app",
        help="open the app (the default with no command): local definitions, and AWS with --aws",
        description=(
            "Open the terminal app. With files or folders, it shows those definitions, run on "
            "the local engine (without any, the built-in examples, unless --aws is given); "
            "with --aws, beside them, the state machines of an AWS account and region."
        ),
    )
    app.add_argument("sources", nargs="*", metavar="PATH", help="definitions or folders")
    app.add_argument("--aws", action="store_true", help="show AWS too, beside the local files")
    app.add_argument(
        "--history",
        metavar="FILE",
        help="open an exported execution history offline (as `sfntui history --json` writes "
        "it), replayable with P",
    )
    app.add_argument(
        "--definition",
        metavar="FILE",
        help="with --history: the definition that ran (default: the *.asl.json beside the file)",
    )
    app.add_argument(
        "--children",
        metavar="DIR",
        help="with --history: a folder of its distributed Map's child execution histories",
    )
    _add_task_answer_options(app)
    from sfntui.commands.aws_arguments import add_connection_options

    add_connection_options(app, read_only=True)

    validate = commands.add_parser(
        "validate",
        help="check definitions like a compiler (exit 0 valid, 1 invalid, 2 unreadable)",
        description="Check ASL definitions (JSON, YAML, CloudFormation/SAM/CDK templates).",
    )
    validate.add_argument(
        "files", nargs="+", metavar="PATH", help="definition files, templates or folders"
    )
    validate.add_argument("--state-machine", metavar="LOGICAL_ID", help=STATE_MACHINE_HELP)
    validate.add_argument("--json", action="store_true", help="print the findings as a JSON list")

    run = commands.add_parser(
        "run",
        help="run a definition locally and print its output (exit 0 succeeded, 1 failed)",
        description="Run a definition on the local engine, with AWS's semantics.",
    )
    _add_run_options(run)
    run.add_argument("--history", action="store_true", help="with --json: include every event")

    debug = commands.add_parser(
        "debug",
        help="run a definition locally under the debugger; --batch prints every stop as JSON",
        description=(
            "Run a definition on the local engine with breakpoints. With --batch, every stop "
            "is printed as one JSON line (state, moment, inspection, variables, watches) and "
            "the run continues; exit codes as for `run`."
        ),
    )
    _add_run_options(debug)
    debug.add_argument(
        "--break",
        dest="breakpoints",
        metavar="STATE[:enter|:result|:exit]",
        action="append",
        default=[],
        help="stop at this state (at entry unless a moment is given); repeatable",
    )
    debug.add_argument(
        "--when", metavar="EXPR", help="only stop at --break points where EXPR is true"
    )
    debug.add_argument(
        "--break-on-error", action="store_true", help="stop on any error, before Catch"
    )
    debug.add_argument(
        "--watch", metavar="EXPR", action="append", default=[], help="JSONPath or JSONata"
    )
    debug.add_argument("--step", action="store_true", help="stop at every transition")
    debug.add_argument(
        "--batch", action="store_true", help="print stops as JSON lines and keep going"
    )

    graph = commands.add_parser(
        "graph",
        help="draw a definition's graph, coloured by an execution's history if given",
        description=(
            "Draw the state machine as boxes and edges. With --execution (an exported history "
            "file, or an execution ARN read from AWS) each state shows what its run did."
        ),
    )
    graph.add_argument("definition", help=DEFINITION_HELP)
    graph.add_argument("--state-machine", metavar="LOGICAL_ID", help=STATE_MACHINE_HELP)
    graph.add_argument("--all", action="store_true", help="draw every machine of a template")
    graph.add_argument("--execution", metavar="HISTORY_FILE_OR_ARN")
    graph.add_argument("--ascii", action="store_true", help="plain ASCII, no box-drawing")
    graph.add_argument("--width", type=int, metavar="N", help="fit the drawing in N columns")
    graph.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    from sfntui.commands.aws_arguments import add_connection_options

    add_connection_options(graph)

    test = commands.add_parser(
        "test",
        help="run every test case of a Step Functions Local mock file, for CI",
        description=(
            "Run each test case of a mock file against its definition. An expectations file "
            "beside the mock file (NAME.expectations.json or .yaml) states each case's input and "
            "expected outcome; a case with none passes when it succeeds."
        ),
    )
    test.add_argument("mock_config", metavar="MOCK_CONFIG")
    test.add_argument(
        "definitions",
        nargs="*",
        metavar="DEFINITION",
        help="definitions or templates, matched to the mock file's machines by name (one "
        "definition for a mock file of one machine is its machine)",
    )
    test.add_argument("--expectations", metavar="FILE", help="the expectations file to use")
    test.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report")
    test.add_argument("--handlers", metavar="MODULE", action="append", default=[])
    test.add_argument("--handler", metavar="NAME=MODULE:FUNCTION", action="append", default=[])
    test.add_argument(
        "--aws", action="store_true", help="make the real AWS call for Tasks a case does not mock"
    )
    add_connection_options(test)

    replay = commands.add_parser(
        "replay",
        help="run a recorded execution (an ARN or a history file) again locally, and compare",
        description=(
            "Run a recorded execution again on the local engine: its definition and input, "
            "each Task answered with its recorded result (retries included, in every Map "
            "iteration and Parallel branch), Waits on the recording's clock. Prints the local "
            "result as `sfntui run` does and whether it matches the recording, or where it "
            "first differs (exit 0 matches, 1 differs, 2 bad input). Without --batch (or --json, "
            "--export-mocks) the app opens on the debugger screen over the replay, stopping "
            "at the first error."
        ),
    )
    replay.add_argument(
        "execution",
        metavar="EXECUTION_ARN_OR_HISTORY_FILE",
        help="an execution ARN, or a "
        "history file as `sfntui history --json` or `aws stepfunctions get-execution-history` "
        "write it",
    )
    replay.add_argument(
        "--definition",
        metavar="FILE",
        help="the definition to run (required with a history "
        "file; with an ARN, a changed definition to try instead of the one that ran)",
    )
    replay.add_argument("--state-machine", metavar="LOGICAL_ID", help="which machine of a template")
    replay_input = replay.add_mutually_exclusive_group()
    replay_input.add_argument("--input", metavar="JSON", help="a changed input, as JSON text")
    replay_input.add_argument("--input-file", metavar="FILE", help="a changed input, from FILE")
    replay.add_argument(
        "--from-state",
        metavar="STATE",
        help="start at this top-level state, with the input "
        "it got in the recording (as a redrive does)",
    )
    replay.add_argument(
        "--attempt",
        type=int,
        metavar="N",
        help="with redrives: which attempt to replay "
        "(0 the first run, 1 the first redrive; default: the last)",
    )
    replay.add_argument(
        "--mock-config",
        metavar="FILE",
        help="a mock file whose test case answers its Tasks instead of the recording",
    )
    replay.add_argument("--test-case", metavar="NAME", help="the mock file's test case to use")
    replay.add_argument(
        "--handlers",
        metavar="MODULE",
        action="append",
        default=[],
        help="a Python module whose functions answer Lambda functions instead of the recording",
    )
    replay.add_argument(
        "--handler",
        metavar="NAME=MODULE:FUNCTION",
        action="append",
        default=[],
        help="map one Lambda function name or ARN to a Python function",
    )
    replay.add_argument(
        "--children",
        metavar="DIR",
        help="with a history file holding a distributed Map: a folder of its child "
        "executions' history files (a subfolder per Map state when it has several)",
    )
    replay.add_argument("--name", help="the execution's name (default: from the ARN or file)")
    replay.add_argument(
        "--export-mocks",
        metavar="DIR",
        help="also write DIR/MockConfigFile.json, its "
        "expectations and the definition, for `sfntui test DIR/MockConfigFile.json`",
    )
    replay.add_argument("--batch", action="store_true", help="print the result and exit")
    replay.add_argument("--json", action="store_true", help="print one JSON object")
    replay.add_argument("--history", action="store_true", help="with --json: the local events")
    add_connection_options(replay)

    from sfntui.commands.aws_arguments import add_aws_commands

    add_aws_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The `sfntui` command; `argv` None means this process is the command (sys.argv)."""
    whole_process = argv is None
    if whole_process:
        # What is imported lives as long as the process: no garbage collection while the
        # command's modules load (see `_command`), and none over them afterwards.
        gc.disable()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["app"])
    try:
        command = _command(args)
        if command is None:
            parser.error(f"unknown command {args.command}")
        if whole_process:
            gc.freeze()
            gc.enable()
        code = command(args)
        sys.stdout.flush()  # a closed pipe shows here, not as Python's complaint at exit
        if whole_process:
            # The process ends now, and its memory with it: Python's last garbage collection
            # over every object the command made (~15 ms after a run) would find nothing
            # worth doing. Frozen, they are skipped; exit handlers still run.
            gc.freeze()
        return code
    except KeyboardInterrupt:
        print("sfntui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `sfntui run ... | head -2`: the reader has gone. End quietly with the status a Unix
        # tool killed by SIGPIPE shows (128 + 13), and point stdout at /dev/null so that
        # Python's own flush at exit finds nothing to complain about.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 141


def _command(args: argparse.Namespace) -> Callable[[argparse.Namespace], int] | None:
    """The chosen subcommand's function. Its module is imported only now, so each command
    loads only what it uses (`benchmarks/startup.py` measures it, tests/test_import_hygiene.py
    keeps it so)."""
    if args.command == "app":
        from sfntui.commands.app import app_command

        return app_command
    if args.command == "validate":
        from sfntui.commands.validate import validate_command

        return validate_command
    if args.command == "run":
        from sfntui.commands.run import run_command

        return run_command
    if args.command == "test":
        from sfntui.commands.test import test_command

        return test_command
    if args.command == "graph":
        from sfntui.commands.graph import graph_command

        return graph_command
    if args.command == "debug":
        from sfntui.commands.debug import debug_command

        return debug_command
    if args.command == "replay":
        from sfntui.commands.replay import replay_command

        return replay_command
    if getattr(args, "aws_command", None) is not None:
        from sfntui.commands.aws_commands import run_aws_command

        return run_aws_command
    return None


if __name__ == "__main__":
    raise SystemExit(main())
