"""Suite-wide test settings."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest
import structlog
from hypothesis import HealthCheck, settings

# Per-example deadlines measure the machine, not the code: on a loaded 2-core CI box a 200 ms deadline fails
# tests at random. Properties keep their example counts; only the wall-clock checks are off.
settings.register_profile(
    "rollcall", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("rollcall")

# Tests stop real `rollcall` processes with SIGINT, as a person's Ctrl-C would. A shell that starts the test
# run in the background hands it SIGINT *ignored*; the commands it spawns inherit that, and Python then never
# turns SIGINT into KeyboardInterrupt (a sync ran to the end, a served demo never stopped). A terminal gives a
# command the default, so give the children that: a Python handler here is reset to the default across exec.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def _default_logging() -> Iterator[None]:
    """Every test starts from structlog's defaults: a CLI test that configured warnings-only logging must not
    hide the info events a later test in the same worker captures (`structlog.testing.capture_logs`)."""
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()
