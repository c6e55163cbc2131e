"""Suite-wide test settings."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

# Per-example deadlines measure the machine, not the code: on a loaded 2-core CI box a 200 ms deadline fails
# tests at random. Properties keep their example counts; only the wall-clock checks are off.
settings.register_profile(
    "rollcall", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("rollcall")
