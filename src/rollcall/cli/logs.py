"""Structured logs for commands: structlog key-value lines on stderr (warnings and up; `--verbose` adds
info events such as `sync.page_written`). Only the CLI configures logging."""

from __future__ import annotations

import logging
import sys

import structlog


class _Stderr:
    """Writes to whatever `sys.stderr` is at the time, so Rich's live displays can redirect log lines."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(*, verbose: bool) -> None:
    """Send structlog events to stderr, info and up when `verbose`, else warnings and up."""
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.dev.ConsoleRenderer(colors=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO if verbose else logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(file=_Stderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )
