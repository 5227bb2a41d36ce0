"""Names and labels in the room they have: cut only when too narrow, in the middle, never two
alike; wide Parallels stack their branches before names shrink."""

from __future__ import annotations

import re
from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.graph import draw, lay_out, render_text
from sfntui.graph.labels import cut_middle, kept_whole

LAMBDA = "arn:aws:states:::lambda:invoke"


def task(**fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": LAMBDA, **fields}


def chain(*names: str) -> dict[str, Any]:
    states = {}
    for index, name in enumerate(names):
        last = index == len(names) - 1
        states[name] = task(End=True) if last else task(Next=names[index + 1])
    return {"StartAt": names[0], "States": states}


def boxed_titles(text: str) -> list[str]:
    """The first line of text in each box: `│  Name  │` rows right under a top border."""
    lines = text.splitlines()
    titles = []
    for above, line in zip(lines, lines[1:], strict=False):
        for match in re.finditer(r"[┌╔][─═ !]+[┐╗]", above):
            inside = line[match.start() + 1 : match.end() - 1]
            titles.append(inside.strip(" ✓✗↪↻◐⊘○"))
    return titles


def test_a_cut_keeps_the_start_and_the_distinguishing_end() -> None:
    assert cut_middle("Get Evaluation Job Status 2", 14) == "Get Ev…tatus 2"
    assert cut_middle("Get Evaluation Job Status 2", 40) == "Get Evaluation Job Status 2"
    assert cut_middle("Get Evaluation Job Status 2", 14, "..") == "Get Ev..atus 2"
    assert len(cut_middle("支払いを確認する処理の状態", 9)) < len("支払いを確認する処理の状態")


def test_names_that_would_read_alike_once_cut_are_kept_whole() -> None:
    names = ["Process Order Item Alpha Final", "Process Order Item Bravo Final", "Ship"]
    assert cut_middle(names[0], 10) == cut_middle(names[1], 10)
    assert kept_whole(names, 10) == frozenset(names[:2])
    assert kept_whole(["Get Evaluation Job Status 1", "Get Evaluation Job Status 2"], 14) == (
        frozenset()
    )


def test_without_a_width_nothing_is_cut() -> None:
    definition = chain("Get Evaluation Job Status For The Training Run", "Done")
    text = render_text(parse_state_machine(definition))
    assert "Get Evaluation Job Status For The Training Run" in text
    assert "…" not in text


def test_a_narrow_width_cuts_in_the_middle_and_no_two_states_read_the_same() -> None:
    definition = chain(
        "Get Evaluation Job Status 1",
        "Wait For The Evaluation Job",
        "Get Evaluation Job Status 2",
        "Process Order Item Alpha Final",
        "Process Order Item Bravo Final",
    )
    machine = parse_state_machine(definition)
    titles = boxed_titles(render_text(machine, width=24))
    assert "Get Eval…Status 1" in titles and "Get Eval…Status 2" in titles
    assert len(titles) == len(set(titles)) == 5
    # narrower still, the two that would both read "Proc…Final" are drawn whole
    titles = boxed_titles(draw(lay_out(machine, max_label=10)).plain())
    assert "Get Ev…atus 1" in titles and "Get Ev…atus 2" in titles
    assert "Process Order Item Alpha Final" in titles
    assert "Process Order Item Bravo Final" in titles
    assert len(titles) == len(set(titles)) == 5
    assert not any("~" in title for title in titles)


def test_two_choice_conditions_never_read_the_same() -> None:
    definition = {
        "StartAt": "Route",
        "States": {
            "Route": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.order.customer.address.country", "StringEquals": "FR",
                     "Next": "France"},
                    {"Variable": "$.order.customer.billing.country", "StringEquals": "FR",
                     "Next": "Billing"},
                ],
                "Default": "Elsewhere",
            },
            "France": {"Type": "Succeed"},
            "Billing": {"Type": "Succeed"},
            "Elsewhere": {"Type": "Succeed"},
        },
    }
    laid_out = lay_out(parse_state_machine(definition), max_label=14)
    shown = [cut_middle(e.label, e.label_width) for e in laid_out.edges if e.label]
    assert len(shown) == len(set(shown)) == 3


def test_nested_parallels_keep_their_names_at_120_columns() -> None:
    inner_a = {"StartAt": "Enrich Orders", "States": {"Enrich Orders": {
        "Type": "Parallel", "End": True,
        "Branches": [chain("Load Customer Record"), chain("Load Invoice Totals"),
                     chain("Load Shipping Status")]}}}
    inner_b = {"StartAt": "Notify Parties", "States": {"Notify Parties": {
        "Type": "Parallel", "End": True,
        "Branches": [chain("Email The Customer"), chain("Page The Warehouse"),
                     chain("Post To Slack Channel")]}}}
    definition = {"StartAt": "Fan Out", "States": {"Fan Out": {
        "Type": "Parallel", "Branches": [inner_a, inner_b], "End": True}}}
    machine = parse_state_machine(definition)
    assert max(len(line) for line in render_text(machine).splitlines()) > 120
    text = render_text(machine, width=120)
    assert max(len(line) for line in text.splitlines()) <= 120
    for name in ("Load Customer Record", "Load Invoice Totals", "Load Shipping Status",
                 "Email The Customer", "Page The Warehouse", "Post To Slack Channel",
                 "Enrich Orders", "Notify Parties"):
        assert name in text
    assert "…" not in text
