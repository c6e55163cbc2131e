"""`rollcall emulator serve`: load districts (SFTP directories, generated, or snapshot files) and serve the
Clever API emulator over HTTP with uvicorn, printing the URL, tokens and OAuth client."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import msgspec
import typer

from rollcall.cli.console import out
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.timestamps import Clock, FixedClock, RunningClock
from rollcall.emulator import Emulator, bind, parse_fault_plan, serve_forever
from rollcall.errors import RosterError, UsageError

app = typer.Typer(name="emulator", help="Run the Clever API emulator.", no_args_is_help=True)


def _read_snapshot(path: Path) -> DistrictSnapshot:
    try:
        return msgspec.json.decode(path.read_bytes(), type=DistrictSnapshot)
    except OSError as error:
        raise RosterError(f"cannot read snapshot file {path}: {error.strerror}") from error
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise RosterError(f"snapshot file {path} is not a district snapshot: {error}") from error


def parse_clock(text: str | None) -> Clock:
    """The served emulator's clock: real time by default, so the events it dates agree with its clients'
    clocks (a sync judges a checkpoint's age by them); `--clock ISO` fixes it for reproducible runs."""
    if text is None:
        return RunningClock()
    try:
        start = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise UsageError(f"--clock {text!r} is not an ISO 8601 time such as 2026-09-01T00:00:00Z") from error
    return FixedClock(start if start.tzinfo is not None else start.replace(tzinfo=dt.UTC))


def _connection_info(emulator: Emulator, base_url: str) -> dict[str, object]:
    tokens = emulator.state.tokens
    return {
        "base_url": base_url,
        "client_id": tokens.client_id,
        "client_secret": tokens.client_secret,
        "redirect_uris": list(tokens.redirect_uris),
        "browser_url": f"{base_url}/browser",
        "sign_in_url": emulator.sign_in_url(base_url),
        "districts": [
            {"id": d, "name": emulator.state.district(d).name, "token": emulator.district_token(d)}
            for d in emulator.state.district_ids()
        ],
    }


@app.command()
def serve(
    sftp: Annotated[
        list[Path] | None, typer.Option(metavar="DIR", help="An SFTP roster directory to serve (repeatable).")
    ] = None,
    snapshot: Annotated[
        list[Path] | None, typer.Option(metavar="FILE", help="A district snapshot JSON file (repeatable).")
    ] = None,
    generate_students: Annotated[
        int | None, typer.Option(metavar="N", help="Also serve a generated district of this many students.")
    ] = None,
    seed: Annotated[
        str, typer.Option(metavar="SEED", help="Seed of the generator and of the emulator's tokens.")
    ] = "rollcall",
    host: Annotated[
        str, typer.Option(metavar="HOST", help="Address to listen on (keep it on loopback).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on (0: any free port).")] = 8765,
    tokens_file: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="Write base URL, OAuth client and district tokens to this JSON file."
        ),
    ] = None,
    fault: Annotated[
        list[str] | None,
        typer.Option(
            metavar="FAULT",
            help="Inject a fault, e.g. '503@/v3.1/users*:count=3' (repeatable; docs/emulator-identity.md).",
        ),
    ] = None,
    fault_seed: Annotated[int, typer.Option(metavar="N", help="Seed of probabilistic faults.")] = 0,
    rate_limit: Annotated[
        int, typer.Option(metavar="N", help="Requests per minute per token (Clever: 1200).")
    ] = 1_200,
    clock: Annotated[
        str | None,
        typer.Option(
            metavar="ISO",
            help="Fix the clock at this time (UTC unless it says otherwise), e.g. 2026-09-01T00:00:00Z, for "
            "reproducible event ids and timestamps. By default the emulator keeps real time.",
        ),
    ] = None,
    redirect_uri: Annotated[
        list[str] | None,
        typer.Option(
            metavar="URI",
            help="Accept this OAuth redirect URI, e.g. a web app's callback (repeatable; replaces the default"
            " http://127.0.0.1:8000/auth/clever/callback).",
        ),
    ] = None,
) -> None:
    """Serve Clever's API over HTTP until interrupted. It answers v2.1, v3.0, v3.1 and the events API, and
    takes roster changes on its control plane under /_emulator/."""
    if generate_students is not None and generate_students < 1:
        raise UsageError(f"--generate-students must be at least 1 (got {generate_students})")
    if rate_limit < 1:
        raise UsageError(f"--rate-limit must be at least 1 (got {rate_limit})")
    plan = parse_fault_plan(fault, seed=fault_seed) if fault else None
    emulator = Emulator(
        seed=seed,
        fault_plan=plan,
        rate_limit=rate_limit,
        clock=parse_clock(clock),
        redirect_uris=redirect_uri or (),
    )
    for directory in sftp or []:
        emulator.load_sftp(directory)
    for path in snapshot or []:
        emulator.load_snapshot(_read_snapshot(path))
    if generate_students is not None:
        emulator.load_generated(students=generate_students, seed=seed)
    sock = bind(host, port)
    base_url = f"http://{host}:{sock.getsockname()[1]}"
    info = _connection_info(emulator, base_url)
    out.print(f"Clever API emulator at {base_url}", markup=False)
    out.print(f"OAuth client id {info['client_id']}  secret {info['client_secret']}", markup=False)
    out.print(f"OAuth redirect URIs {'  '.join(emulator.redirect_uris)}", markup=False)
    out.print(f"data browser {info['browser_url']}", markup=False)
    out.print(f"OAuth sign-in {info['sign_in_url']}", markup=False)
    for district in emulator.state.district_ids():
        name = emulator.state.district(district).name
        out.print(f"district {district}  {name}  token {emulator.district_token(district)}", markup=False)
    if plan is not None:
        out.print(f"faults: {', '.join(fault or [])} (seed {fault_seed})", markup=False)
    if not emulator.state.district_ids():
        out.print("no district loaded yet: POST /_emulator/districts to load one")
    if tokens_file is not None:
        try:
            tokens_file.write_bytes(msgspec.json.format(msgspec.json.encode(info)) + b"\n")
        except OSError as error:
            sock.close()
            raise UsageError(f"cannot write --tokens-file {tokens_file}: {error.strerror}") from error
    out.file.flush()
    serve_forever(emulator.app, sock)
