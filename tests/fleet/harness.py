"""A fleet under test: the emulator over loopback (with a recorder of every API response), a PostgreSQL
schema, and real `rollcall worker` processes, each bounded in time and killed at teardown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rollcall.emulator import Emulator
from tests.cli.run import SOURCES


@dataclass(frozen=True)
class Response:
    token: str
    path: str
    status: int
    remaining: int | None
    at: float


class Recorder:
    """Outermost ASGI layer: remembers the status (and rate-limit headroom) of every data API response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.responses: list[Response] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(("/_emulator", "/oauth")):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        token = headers.get(b"authorization", b"").decode().removeprefix("Bearer ")

        async def recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
                left = sent.get("x-ratelimit-remaining")
                self.responses.append(
                    Response(
                        token, scope["path"], message["status"], int(left) if left else None, time.time()
                    )
                )
            await send(message)

        await self.app(scope, receive, recording)


@dataclass
class Workers:
    """`rollcall worker` processes started by a test."""

    db: str
    env: dict[str, str]
    logs: Path
    extra: tuple[str, ...] = ()
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, count: int) -> None:
        for _ in range(count):
            log = (self.logs / f"worker-{len(self.processes)}.log").open("wb")
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "rollcall", "worker", "--db", self.db, *self.extra],
                    env=self.env, stdout=log, stderr=subprocess.STDOUT,
                )
            )  # fmt: skip

    def by_pid(self, pid: int) -> subprocess.Popen[bytes]:
        return next(p for p in self.processes if p.pid == pid)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@contextmanager
def workers(db: str, env: dict[str, str], logs: Path, *extra: str) -> Iterator[Workers]:
    started = Workers(db, env, logs, extra)
    try:
        yield started
    finally:
        started.stop()


def rollcall_env(emu: Emulator, url: str) -> dict[str, str]:
    """The environment a worker or `fleet` command runs with: this checkout, the emulator's OAuth client."""
    tokens = emu.state.tokens
    return {
        **os.environ,
        "PYTHONPATH": f"{SOURCES}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        "ROLLCALL_CLIENT_ID": tokens.client_id,
        "ROLLCALL_CLIENT_SECRET": tokens.client_secret,
        "ROLLCALL_CLEVER_URL": url,
    }


def run(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rollcall", *args], env=env, capture_output=True, text=True, timeout=timeout,
        check=False,
    )  # fmt: skip


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str, every: float = 0.2) -> None:
    """Poll `condition` until true; AssertionError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)
