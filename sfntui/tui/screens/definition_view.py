"""The definition as text: highlighted, with line numbers, and the validator's findings marked
at their lines.

The graph says what the machine does; when it does something surprising the next question is
"what exactly does the definition say", and with a finding, "where". A definition deployed as
one line (as most tools send it) is shown indented, so line numbers point somewhere useful;
the findings are placed by the positions of that shown text (`sfntui.asl.json_positions`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from rich.console import Group
from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from sfntui.asl.json_positions import parse_json
from sfntui.asl.parsed_source import SourceError
from sfntui.asl.validate import validate
from sfntui.asl.validate_report import Diagnostic

_SEVERITY_STYLES = {"error": "bold red", "warning": "bold yellow", "note": "cyan"}


@dataclass(frozen=True)
class ShownDefinition:
    """The text shown, and the findings placed on its lines."""

    text: str
    findings: list[Diagnostic]
    #: Why it could not be checked (not JSON), if so.
    problem: str | None = None


def shown_definition(text: str) -> ShownDefinition:
    """Indent a one-line definition, then validate it with positions in the shown text."""
    shown = text
    if "\n" not in text.strip():
        try:
            shown = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            shown = text
    try:
        parsed = parse_json(shown)
    except SourceError as error:
        where = f" (line {error.line})" if error.line else ""
        return ShownDefinition(shown, [], f"The definition is {error.message}{where}.")
    return ShownDefinition(shown, validate(parsed.value, parsed.positions))


def definition_renderable(shown: ShownDefinition) -> Group:
    """The highlighted text, the finding lines marked, and the findings listed under it."""
    lines = {d.line for d in shown.findings if d.line is not None}
    syntax = Syntax(
        shown.text,
        "json",
        theme="ansi_dark",
        line_numbers=True,
        highlight_lines=lines,
        word_wrap=False,
    )
    listing = Text()
    if shown.problem:
        listing.append(shown.problem, style="bold red")
    elif not shown.findings:
        listing.append("The validator found nothing to say.", style="green")
    for finding in shown.findings:
        where = f"line {finding.line}" if finding.line is not None else "(no line)"
        listing.append(f"\n{where:>10} ", style="bold")
        listing.append(f"{finding.severity:<8}", style=_SEVERITY_STYLES.get(finding.severity, ""))
        listing.append(f"{finding.pointer or '/'}: {finding.message}")
    return Group(syntax, Text(""), listing)


class DefinitionScreen(Screen[None]):
    """A machine's definition as text, with the validator's findings."""

    BINDINGS = [
        Binding("escape,D", "app.pop_screen", "Back to the graph", id="definition.back"),
    ]

    def __init__(self, name: str, text: str) -> None:
        super().__init__()
        self.machine_name = name
        self.shown = shown_definition(text)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="definition-scroll"):
            yield Static(definition_renderable(self.shown), id="definition-text")
        yield Footer()

    def on_mount(self) -> None:
        count = len(self.shown.findings)
        self.sub_title = f"Definition of {self.machine_name} · {count} finding(s)"
        scroll = self.query_one("#definition-scroll")
        scroll.border_title = f"{self.machine_name}"
        scroll.focus()
