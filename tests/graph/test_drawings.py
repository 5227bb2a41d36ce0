"""Each construct of the language drawn on a small definition, compared with the drawing a
person should see. The expected drawings are written out whole, as they print."""

from __future__ import annotations

from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.graph import GraphStatus, render_text

LAMBDA = "arn:aws:states:::lambda:invoke"


def drawn(definition: dict[str, Any], **options: Any) -> str:
    return render_text(parse_state_machine(definition), **options)


def picture(text: str) -> str:
    """An expected drawing as written below: the lines between the triple quotes."""
    return text.removeprefix("\n").removesuffix("\n")


CHAIN = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Next": "Charge"},
        "Charge": {
            "Type": "Task",
            "Resource": LAMBDA,
            "Retry": [{"ErrorEquals": ["States.Timeout"]}],
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}

CHOICE = {
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.kind", "StringEquals": "book", "Next": "Book"},
                {"Variable": "$.total", "NumericGreaterThan": 100, "Next": "Review"},
            ],
            "Default": "Reject",
        },
        "Book": {"Type": "Pass", "End": True},
        "Review": {"Type": "Pass", "End": True},
        "Reject": {"Type": "Fail", "Error": "Unknown"},
    },
}

CATCH = {
    "StartAt": "Charge",
    "States": {
        "Charge": {
            "Type": "Task",
            "Resource": LAMBDA,
            "Next": "Ship",
            "Catch": [{"ErrorEquals": ["Card.Declined", "States.Timeout"], "Next": "Refund"}],
        },
        "Ship": {"Type": "Pass", "End": True},
        "Refund": {"Type": "Pass", "End": True},
    },
}

LOOP = {
    "StartAt": "Start job",
    "States": {
        "Start job": {"Type": "Task", "Resource": LAMBDA, "Next": "Wait"},
        "Wait": {"Type": "Wait", "Seconds": 10, "Next": "Done?"},
        "Done?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.done", "BooleanEquals": False, "Next": "Wait"}],
            "Default": "Finish",
        },
        "Finish": {"Type": "Succeed"},
    },
}

PARALLEL = {
    "StartAt": "Both",
    "States": {
        "Both": {
            "Type": "Parallel",
            "End": True,
            "Branches": [
                {
                    "StartAt": "Email",
                    "States": {
                        "Email": {"Type": "Pass", "Next": "Log"},
                        "Log": {"Type": "Pass", "End": True},
                    },
                },
                {"StartAt": "Sms", "States": {"Sms": {"Type": "Pass", "End": True}}},
            ],
        }
    },
}

MAP = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.orders",
            "MaxConcurrency": 5,
            "End": True,
            "ItemProcessor": {"StartAt": "Pack", "States": {"Pack": {"Type": "Pass", "End": True}}},
        }
    },
}


def test_a_chain_runs_from_start_to_end_with_retry_marked() -> None:
    assert drawn(CHAIN) == picture("""
    ╭───────╮
    │ Start │
    ╰───────╯
        │
        ▼
  ┌───────────┐
  │  Prepare  │
  │   Pass    │
  └─────┬─────┘
        │
        ▼
┌───────────────┐
│    Charge     │
│ Task · retry  │
└───────┬───────┘
        │
        ▼
   ┌─────────┐
   │  Done   │
   │ Succeed │
   └────┬────┘
        │
        ▼
     ╭─────╮
     │ End │
     ╰─────╯
""")


def test_a_choice_fans_out_with_its_conditions_and_the_default() -> None:
    # A Fail state ends its own path: only the states that succeed lead to End.
    assert drawn(CHOICE) == picture("""
                    ╭───────╮
                    │ Start │
                    ╰───────╯
                        │
                        ▼
                   ┌─────────┐
                   │  Route  │
                   │ Choice  │
                   └────┬────┘
                        │
        ╭───────────────┼──────────────╮
        │               │              │
$.kind == "book"  $.total > 100     Default
        │               │              │
        ▼               ▼              ▼
   ┌─────────┐    ┌───────────┐  ┌───────────┐
   │  Book   │    │  Review   │  │  Reject   │
   │  Pass   │    │   Pass    │  │   Fail    │
   └────┬────┘    └─────┬─────┘  └───────────┘
        │               │
        ╰───────┬───────╯
                ▼
             ╭─────╮
             │ End │
             ╰─────╯
""")


def test_a_catch_is_dashed_and_names_its_errors_whole() -> None:
    assert drawn(CATCH) == picture("""
  ╭───────╮
  │ Start │
  ╰───────╯
      │
      ▼
┌───────────┐
│  Charge   │
│   Task    │
└─────┬─────┘
      │
      ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╮
      ▼                     ╎
 ┌─────────┐  Card.Declined, States.Timeout
 │  Ship   │                ╎
 │  Pass   │                ╎
 └────┬────┘                ╎
      │                     ╎
      │                     ▼
      │               ┌───────────┐
      │               │  Refund   │
      │               │   Pass    │
      │               └─────┬─────┘
      │                     │
      ╰──────────┬──────────╯
                 ▼
              ╭─────╮
              │ End │
              ╰─────╯
""")


def test_a_loop_goes_back_up_beside_the_boxes_it_passes() -> None:
    # The Default line crosses the loop's: the vertical is drawn whole, so it is no junction.
    assert drawn(LOOP) == picture("""
                ╭───────╮
                │ Start │
                ╰───────╯
                    │
                    ▼
             ┌─────────────┐
             │  Start job  │
             │    Task     │
             └──────┬──────┘
                    │
                    ├──────╮
                    ▼      │
               ┌─────────┐ │
               │  Wait   │ │
               │  Wait   │ │
               └────┬────┘ │
                    │      │
                    ▼      │
               ┌─────────┐ │
               │  Done?  │ │
               │ Choice  │ │
               └────┬────┘ │
                    │      │
       ╭────────────┤      │
       │            │      │
$.done == false  Default   │
       │            │      │
       ╰────────────│──────╯
                    ▼
              ┌───────────┐
              │  Finish   │
              │  Succeed  │
              └─────┬─────┘
                    │
                    ▼
                 ╭─────╮
                 │ End │
                 ╰─────╯
""")


def test_parallel_branches_sit_side_by_side_in_a_frame() -> None:
    assert drawn(PARALLEL) == picture("""
         ╭───────╮
         │ Start │
         ╰───────╯
             │
             ▼
┌─────────────────────────┐
│          Both           │
│        Parallel         │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│             ╎           │
│ ┌─────────┐ ╎ ┌───────┐ │
│ │  Email  │ ╎ │  Sms  │ │
│ │  Pass   │ ╎ │ Pass  │ │
│ └────┬────┘ ╎ └───────┘ │
│      │      ╎           │
│      ▼      ╎           │
│  ┌───────┐  ╎           │
│  │  Log  │  ╎           │
│  │ Pass  │  ╎           │
│  └───────┘  ╎           │
│             ╎           │
└────────────┬────────────┘
             │
             ▼
          ╭─────╮
          │ End │
          ╰─────╯
""")


def test_a_map_frame_names_its_items_and_concurrency() -> None:
    assert drawn(MAP) == picture("""
            ╭───────╮
            │ Start │
            ╰───────╯
                │
                ▼
┌───────────────────────────────┐
│             Each              │
│ Map · items $.orders · max 5  │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│                               │
│          ┌─────────┐          │
│          │  Pack   │          │
│          │  Pass   │          │
│          └─────────┘          │
│                               │
└───────────────┬───────────────┘
                │
                ▼
             ╭─────╮
             │ End │
             ╰─────╯
""")


def test_status_symbols_the_current_stop_and_breakpoints_read_without_colour() -> None:
    status = {"Charge": "CAUGHT", "Refund": "RUNNING"}
    assert drawn(CATCH, status=status, current="Refund", breakpoints={"Ship", "Refund"}) == picture(
        """
  ╭───────╮
  │ Start │
  ╰───────╯
      │
      ▼
┌───────────┐
│ ↪ Charge  │
│   Task    │
└─────┬─────┘
      │
      ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╮
      ▼                     ╎
 ┌─────────┐  Card.Declined, States.Timeout
 ● ○ Ship  │                ╎
 │  Pass   │                ╎
 └────┬────┘                ╎
      │                     ╎
      │                     ▼
      │               ╔═══════════╗
      │               ● ◐ Refund  ║
      │               ║   Pass    ║
      │               ╚═════┬═════╝
      │                     │
      ╰──────────┬──────────╯
                 ▼
              ╭─────╮
              │ End │
              ╰─────╯

↪ caught  ◐ running  ○ not reached  ╔╗ stopped here  ● breakpoint
╌╌ catch
"""
    )


def test_a_map_frame_counts_its_iterations_by_status() -> None:
    status = GraphStatus(
        {"Each": "FAILED", "Pack": "RETRIED"},
        {"Each": {"SUCCEEDED": 7, "FAILED": 1, "RUNNING": 2}},
    )
    assert drawn(MAP, status=status) == picture("""
            ╭───────╮
            │ Start │
            ╰───────╯
                │
                ▼
┌───────────────────────────────┐
│            ✗ Each             │
│ Map · items $.orders · max 5  │
├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┤
│                               │
│          ┌─────────┐          │
│          │ ↻ Pack  │          │
│          │  Pass   │          │
│          └─────────┘          │
│                               │
└─ ✓7 ✗1 ◐2 ────┬───────────────┘
                │
                ▼
             ╭─────╮
             │ End │
             ╰─────╯

✓ succeeded  ✗ failed  ↻ retried  ◐ running
""")


def test_ascii_fallback_draws_the_same_graph_in_plain_characters() -> None:
    status = {"Charge": "CAUGHT", "Refund": "RUNNING"}
    text = drawn(CATCH, status=status, current="Refund", breakpoints={"Ship"}, ascii=True)
    assert text == picture("""
  .-------.
  | Start |
  '-------'
      |
      v
+-----------+
| ! Charge  |
|   Task    |
+-----+-----+
      |
      +.....................+
      v                     :
 +---------+  Card.Declined, States.Timeout
 * . Ship  |                :
 |  Pass   |                :
 +----+----+                :
      |                     :
      |                     v
      |               #===========#
      |               # ~ Refund  #
      |               #   Pass    #
      |               #=====+=====#
      |                     |
      +----------+----------+
                 v
              .-----.
              | End |
              '-----'

! caught  ~ running  . not reached  ## stopped here  * breakpoint
.. catch
""")
    assert all(ord(char) < 128 for char in text)


def test_a_collapsed_parallel_is_one_box_counting_its_branches() -> None:
    assert drawn(PARALLEL, collapsed={"Both"}, status={"Both": "SUCCEEDED"}) == picture("""
        ╭───────╮
        │ Start │
        ╰───────╯
            │
            ▼
┌───────────────────────┐
│        ✓ Both         │
│ Parallel · 2 branches │
└───────────┬───────────┘
            │
            ▼
         ╭─────╮
         │ End │
         ╰─────╯

✓ succeeded
""")
