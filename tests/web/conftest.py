from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.harness import Harness, build_harness


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Harness]:
    harness = build_harness(tmp_path)
    with harness.browser:
        yield harness
    harness.store.close()
    harness.emulator.close()
