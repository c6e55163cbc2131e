"""`rollcall web serve`: run the web app (Sign in with Clever, role switcher, role-aware pages, the
operators' migration dashboard) under uvicorn. Options also come from `ROLLCALL_*` environment variables;
the session secret is generated into a file when not given and is never printed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final

import typer

from rollcall.cli.console import out
from rollcall.errors import UsageError

app = typer.Typer(
    name="web", help="Run the web app (Sign in with Clever, role switcher).", no_args_is_help=True
)

DEFAULT_SECRET_FILE: Final = Path.home() / ".config" / "rollcall" / "web-session-secret"


@app.command()
def serve(
    client_id: Annotated[
        str,
        typer.Option(
            "--client-id",
            metavar="ID",
            envvar="ROLLCALL_CLIENT_ID",
            help="OAuth client id.",
            show_default=False,
        ),
    ],
    client_secret: Annotated[
        str,
        typer.Option(
            "--client-secret",
            metavar="SECRET",
            envvar="ROLLCALL_CLIENT_SECRET",
            help="OAuth client secret.",
            show_default=False,
        ),
    ],
    db: Annotated[
        str,
        typer.Option(
            "--db",
            metavar="URL",
            envvar="ROLLCALL_DB_URL",
            help="The synced store: sqlite:///file.db or postgresql://…",
        ),
    ],
    clever_url: Annotated[
        str,
        typer.Option(
            "--clever-url",
            metavar="URL",
            envvar="ROLLCALL_CLEVER_URL",
            help="Clever's API (or the emulator's URL).",
        ),
    ] = "https://api.clever.com",
    oauth_url: Annotated[
        str | None,
        typer.Option(
            "--oauth-url",
            metavar="URL",
            envvar="ROLLCALL_OAUTH_URL",
            help="Clever's OAuth host [default: https://clever.com for Clever's API, else --clever-url].",
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        str, typer.Option("--host", metavar="HOST", envvar="ROLLCALL_WEB_HOST", help="Address to listen on.")
    ] = ("127.0.0.1"),
    port: Annotated[
        int, typer.Option("--port", metavar="N", envvar="ROLLCALL_WEB_PORT", help="Port to listen on.")
    ] = 8000,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            metavar="URL",
            envvar="ROLLCALL_PUBLIC_URL",
            help="The URL browsers use [default: http://HOST:PORT]; + /auth/clever/callback = redirect URI.",
            show_default=False,
        ),
    ] = None,
    migrate_config: Annotated[
        Path | None,
        typer.Option(
            "--migrate-config",
            metavar="FILE",
            envvar="ROLLCALL_MIGRATE_CONFIG",
            help="Migration config (TOML) for the operator dashboard.",
        ),
    ] = None,
    session_secret: Annotated[
        str | None,
        typer.Option(
            "--session-secret",
            metavar="SECRET",
            envvar="ROLLCALL_SESSION_SECRET",
            help="Signs session cookies.",
            show_default=False,
        ),
    ] = None,
    session_secret_file: Annotated[
        Path,
        typer.Option(
            "--session-secret-file",
            metavar="FILE",
            envvar="ROLLCALL_SESSION_SECRET_FILE",
            help="Where the generated session secret is kept when --session-secret is not given.",
        ),
    ] = DEFAULT_SECRET_FILE,
    operator_password: Annotated[
        str | None,
        typer.Option(
            "--operator-password",
            metavar="PASSWORD",
            envvar="ROLLCALL_OPERATOR_PASSWORD",
            help="Password of the operators' migration dashboard (no dashboard without it).",
            show_default=False,
        ),
    ] = None,
    combined_view: Annotated[
        bool,
        typer.Option(
            "--combined-view",
            envvar="ROLLCALL_COMBINED_VIEW",
            help="Sign multi-role people into all their roles at once instead of the chooser.",
        ),
    ] = False,
    api_version: Annotated[
        str, typer.Option("--api-version", metavar="VERSION", help="v3.0 or v3.1.")
    ] = "v3.1",
    access_policy: Annotated[
        Path | None,
        typer.Option(
            "--access-policy",
            metavar="FILE",
            envvar="ROLLCALL_ACCESS_POLICY",
            help="The access engine's policy file (TOML) [default: the shipped policy].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the web app until interrupted."""
    import uvicorn

    from rollcall.emulator import bind
    from rollcall.web import WebSettings, create_app, default_oauth_url, session_secret_from_file

    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535 (got {port})")
    if migrate_config is not None and not migrate_config.is_file():
        raise UsageError(f"--migrate-config {migrate_config} is not a file")
    sock = bind(host, port)
    bound = sock.getsockname()[1]
    settings = WebSettings(
        client_id=client_id,
        client_secret=client_secret,
        session_secret=session_secret or session_secret_from_file(session_secret_file),
        db_url=db,
        public_url=public_url or f"http://{host}:{bound}",
        clever_url=clever_url,
        oauth_url=oauth_url or default_oauth_url(clever_url),
        api_version=api_version,
        combined_view=combined_view,
        operator_password=operator_password,
        migrate_config=migrate_config,
        access_policy=access_policy,
    )
    web_app = create_app(settings)
    out.print(f"rollcall web at {settings.public_url}", markup=False)
    out.print(f"redirect URI (register it with Clever): {settings.redirect_uri}", markup=False)
    out.print(
        "operator dashboard: "
        + (f"{settings.public_url}/operator" if operator_password else "off (no --operator-password)"),
        markup=False,
    )
    out.file.flush()
    config = uvicorn.Config(web_app, host=host, port=bound, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
