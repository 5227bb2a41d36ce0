from __future__ import annotations

import pytest

from .builder import HistoryBuilder


@pytest.fixture
def history() -> HistoryBuilder:
    return HistoryBuilder()
