"""Serving the emulator on a real socket with uvicorn: in a background thread for tests, or in the
foreground for `rollcall emulator serve`."""

from __future__ import annotations

import contextlib
import errno
import socket
import threading
import time
from collections.abc import Iterator
from typing import Final

import uvicorn
from starlette.types import ASGIApp

from rollcall.errors import UsageError

STARTUP_TIMEOUT_SECONDS: Final = 15.0


def check_port_free(host: str, port: int) -> None:
    """UsageError when `host:port` cannot be bound (in use, or not an address of this machine)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            reason = "is already in use" if error.errno == errno.EADDRINUSE else f"cannot be bound ({error})"
            raise UsageError(f"{host}:{port} {reason}; pick another --port") from error


def _config(app: ASGIApp, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off", access_log=False)


@contextlib.contextmanager
def serve_in_thread(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run `app` under uvicorn in a daemon thread; yield its base URL; stop it on exit."""
    check_port_free(host, port)
    server = uvicorn.Server(_config(app, host, port))
    thread = threading.Thread(target=server.run, name="rollcall-emulator", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise UsageError(f"the emulator did not start on {host}:{port} within {STARTUP_TIMEOUT_SECONDS}s")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()
    try:
        yield f"http://{host}:{bound[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_SECONDS)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on `host:port` (port 0: any free port); UsageError when that cannot be bound."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        reason = "is already in use" if error.errno == errno.EADDRINUSE else f"cannot be bound ({error})"
        raise UsageError(f"{host}:{port} {reason}; pick another --port") from error
    sock.listen(128)
    return sock


def serve_forever(app: ASGIApp, sock: socket.socket) -> None:
    """Run `app` in the foreground on an already bound socket until interrupted."""
    host, port = sock.getsockname()[:2]
    uvicorn.Server(_config(app, host, port)).run(sockets=[sock])
