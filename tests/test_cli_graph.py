"""`sfntui graph`: the drawing of a definition, coloured by an exported history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfntui.cli import main

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "order.asl.json")
INPUT = str(Path(__file__).resolve().parents[1] / "examples" / "order.input.json")


def test_graph_draws_every_state(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", EXAMPLE, "--color", "never"]) == 0
    drawing = capsys.readouterr().out
    for name in ("ValidateOrder", "ChargeCard", "ShipItems", "PackItem", "Email", "RejectOrder"):
        assert name in drawing
    assert "┌" in drawing


def test_graph_in_ascii_uses_no_box_drawing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", EXAMPLE, "--ascii", "--color", "never"]) == 0
    drawing = capsys.readouterr().out
    assert "ChargeCard" in drawing
    assert all(ord(ch) < 128 for ch in drawing)


def test_graph_marks_states_from_an_exported_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["run", EXAMPLE, "--input-file", INPUT, "--virtual-clock", "--json", "--history"]) == 0
    )
    events = json.loads(capsys.readouterr().out)["events"]
    history = tmp_path / "history.json"
    history.write_text(json.dumps({"events": events}))
    assert main(["graph", EXAMPLE, "--execution", str(history), "--color", "never"]) == 0
    drawing = capsys.readouterr().out
    assert "✓ ChargeCard" in drawing
    assert "○ RejectOrder" in drawing


def test_a_history_file_that_is_not_json_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    assert main(["graph", EXAMPLE, "--execution", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sfntui: ") and err.count("\n") == 1


def test_width_fits_the_drawing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", EXAMPLE, "--width", "40", "--color", "never"]) == 0
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) <= 40


# --- definitions with findings, templates with several machines ---------------------------------

WITH_FINDINGS = {
    "StartAt": "Fetch Status",
    "States": {
        "Fetch Status": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"id.$": "$$$broken"},
            "Next": "Is It Done?",
        },
        "Is It Done?": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.status", "StringEquals": "DONE", "Next": "Report"},
                {"Variable": "$.status", "NumericLessThan": "soon", "Next": "Fetch Status"},
            ],
            "Default": "Give Up",
        },
        "Report": {"Type": "Pass", "End": True},
        "Give Up": {"Type": "Faill"},
    },
}


def test_a_definition_with_findings_is_drawn_with_its_states_marked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "polling.asl.json"
    path.write_text(json.dumps(WITH_FINDINGS, indent=2))
    assert main(["graph", str(path), "--color", "never"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    for name in ("Fetch Status", "Is It Done?", "Report", "Give Up"):
        assert name in captured.out

    def has_mark(name: str) -> bool:
        row = next(i for i, line in enumerate(lines) if f" {name} " in line)
        column = lines[row].index(f" {name} ")
        start = lines[row][:column].rindex("│")
        return lines[row - 1][start : start + 4] == "┌ ! "

    # the three states that hold findings carry the mark on their top border; Report does not
    assert [has_mark(n) for n in ("Fetch Status", "Is It Done?", "Give Up", "Report")] == [
        True, True, True, False
    ]
    assert lines[-1] == "! has findings (sfntui validate)"
    assert "$.status == \"DONE\"" in captured.out  # the rule that compiles keeps its label
    assert "(a rule that does not compile)" in captured.out
    errors = captured.err.splitlines()
    assert len(errors) == 3
    assert all(": error: " in line for line in errors)
    assert errors[2].endswith("Give Up: Type 'Faill' is not a state type (did you mean Fail?); "
                              "use one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map")


def test_a_definition_with_no_states_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.asl.json"
    path.write_text('{"StartAt": "A", "States": {}}')
    assert main(["graph", str(path)]) == 2
    assert capsys.readouterr().err == f"sfntui: {path}: the definition has no states to draw\n"


TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  CheckoutMachine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: Pay
        States:
          Pay: {Type: Pass, End: true}
  RefundMachine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: Refund
        States:
          Refund: {Type: Pass, End: true}
"""


def test_a_template_with_several_machines_names_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    assert main(["graph", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"sfntui: {path}: there are 2 state machines (CheckoutMachine, RefundMachine); choose "
        "one with --state-machine LOGICAL_ID, or draw them all with --all\n"
    )
    assert main(["run", str(path)]) == 2
    assert "choose one with --state-machine LOGICAL_ID" in capsys.readouterr().err
    assert main(["graph", str(path), "--state-machine", "RefundMachine", "--color", "never"]) == 0
    drawing = capsys.readouterr().out
    assert "Refund" in drawing and "Pay" not in drawing


def test_graph_all_draws_each_machine_under_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    assert main(["graph", str(path), "--all", "--color", "never"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "CheckoutMachine:"
    assert "RefundMachine:" in lines
    second = out.index("RefundMachine:")
    assert out.index("Pay") < second < out.index("Refund", second + len("RefundMachine:"))


def test_in_a_terminal_a_template_with_several_machines_asks_which_to_draw(
    tmp_path: Path,
) -> None:
    import os
    import subprocess
    import sys

    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "sfntui", "graph", str(path), "--color", "never"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    seen = b""
    while b"Draw which one (1-2)? " not in seen:
        chunk = os.read(controller, 4096)
        assert chunk, seen
        seen += chunk
    os.write(controller, b"2\n")
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=60) == 0
    text = seen.decode()
    assert "1. CheckoutMachine" in text and "2. RefundMachine" in text
    after = text[text.index("Draw which one") :]
    assert "Refund" in after and "Pay" not in after
