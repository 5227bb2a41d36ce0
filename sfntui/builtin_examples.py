"""Where the built-in examples are: inside the installed package, or beside it in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).resolve().parent / "examples"  # the wheel puts them here
_CHECKOUT = Path(__file__).resolve().parents[1] / "examples"

EXAMPLES_DIR = _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT
