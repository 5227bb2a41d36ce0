"""The arguments of the AWS subcommands (ls, executions, history, tail); no AWS import here."""

from __future__ import annotations

import argparse


def add_aws_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Placeholder until the AWS side lands: registers nothing."""
