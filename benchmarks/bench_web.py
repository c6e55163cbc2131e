"""The web app's per-request cost over loopback HTTP, page by page, next to baselines measured in the same
run: the HTTP + framework floor (a bare FastAPI route on the same uvicorn config answering the same bytes),
the page's route function called in-process with the same session, and only rendering its template with
the same context. So a page's time splits into the floor, the app's work (viewer, store reads, access
checks, rows), rendering, and the rest (the session cookie, FastAPI's parameters, the worker thread).

    PYTHONPATH=src python benchmarks/bench_web.py [--students 20000] [--requests 2000] [--seconds 3]

Three processes. This one generates the district, serves it from an `Emulator` (on real time, so the web
app's clock accepts its id_tokens) over loopback with uvicorn, and syncs it into a fresh SQLite store. The
server (`--phase server`) opens that store, builds the real app with `create_app` and serves it on
127.0.0.1 with `rollcall.emulator.server.serve_in_thread` (uvicorn, h11, asyncio), the floor app beside it
on the same config. The client (`--phase client`: httpx, one keep-alive connection per session, one request
at a time, so client and server each have a core) signs people in through the real flow — `GET /login`,
the emulator's authorize form, the callback, `POST /role` for a person holding several roles — then
measures each page for `--requests` requests or `--seconds` seconds, whichever comes first (at least 20),
and right after it the floor answering the bytes that page answered (uploaded to the floor app first).

The people: a teacher and a teacher who is also staff (the median of their kind by sections taught; the
second acting as each role, and a third session switching back and forth: `POST /role` + the redirect to
`/`), the district admin (on the largest section) and a contact of several students. A page's first request
carries an `X-Bench-Case` header: the server keeps its scope and session (a middleware inside the session's)
and its template context (a wrapper around the app's `TemplateResponse`); both do nothing more than look
for the header on other requests. Right after a page and its floor, the client asks the server (through
the floor app) to time in-process, in CPU time, on what it kept: the route function (with a fresh copy of
the session; a JSON route's answer encoded by pydantic) and `template.render(context)` + UTF-8 encoding
(for JSON: pydantic's `dump_json` of the same models).

Per page: requests/s and p50/p99 latency (client wall time), the same for the floor, page/floor (p50), the
server's CPU per request for both (its /proc utime + stime over the loop, every thread), then where that
CPU goes: the floor's, the route function's without rendering, the rendering, and the rest (CPU time, not
latency: the in-process timings run after the HTTP ones, on a shared machine). Peak RSS of the
server and the client (VmHWM) and the load average are printed beside them; a JSON line ends the output.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from machine import load_average, peak_rss_mib  # the process's own peak, not its parent's

if TYPE_CHECKING:
    from rollcall.domain.district import Section
    from rollcall.domain.snapshot import DistrictSnapshot
    from rollcall.domain.user import User

HOST: Final = "127.0.0.1"
CASE_HEADER: Final = "X-Bench-Case"
CASE_HEADER_BYTES: Final = CASE_HEADER.lower().encode()
SESSION_SECRET: Final = "bench-web-session-secret-0123456789"
MIN_REQUESTS: Final = 20
WHERE_IT_GOES: Final = """\
Mean CPU per request. floor: the server's for the bare route answering the same bytes. handler: the route
function called in-process with the same session; app: its work but rendering (viewer, store reads, access
checks, rows); render: the template alone (or pydantic encoding the JSON). rest = the server's for the page
− floor − handler: the session cookie (verified, re-signed, Set-Cookie), FastAPI's parameters and route
table, handing the route to a worker thread. A switch's handler (the form POST) is not timed; its render
is the page it lands on.
"""
Json = dict[str, Any]
Sender = Callable[[], httpx.Response]


def percentile_ms(values: list[int], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] / 1e6


# -- the district and who signs in (this process) --------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A session the client opens: who signs in, the role picked on Clever's page, the role acted as (None:
    the only role held), and the section and person their pages show."""

    label: str
    user_id: str
    clever_role: str
    act_as: str | None
    section: str
    person: str


@dataclass(frozen=True)
class Case:
    """One measured page: the session it uses, the path, and `html`, `json` or `switch` (POST /role between
    `roles`, following the redirect to /)."""

    name: str
    session: str
    path: str
    kind: str = "html"
    roles: tuple[str, ...] = ()


def median_by(users: list[User], size: Callable[[User], int]) -> User:
    ranked = sorted(users, key=lambda u: (size(u), u.id))
    return ranked[len(ranked) // 2]


def people(snapshot: DistrictSnapshot) -> list[Person]:
    """A teacher and a teacher who is also staff (the median of their kind by sections taught), the district
    admin (the one who holds no other role, if any) on the largest section, and the median contact of
    several students: their pages are typical ones, the admin's the largest."""
    users = sorted(snapshot.users.values(), key=lambda u: u.id)
    sections = sorted(snapshot.sections.values(), key=lambda s: s.id)
    taught: dict[str, list[Section]] = {}
    for section in sections:
        if section.students:
            for teacher_id in section.teacher_ids():
                taught.setdefault(teacher_id, []).append(section)

    def teaching(roles: tuple[str, ...]) -> User:
        return median_by([u for u in users if u.role_names() == roles and u.id in taught],
                         lambda u: len(taught[u.id]))  # fmt: skip

    def related(user: User) -> list[str]:
        return [r.student for r in user.roles.contact.student_relationships] if user.roles.contact else []

    teacher, both = teaching(("teacher",)), teaching(("teacher", "staff"))
    admin = min((u for u in users if "district_admin" in u.role_names()), key=lambda u: len(u.role_names()))
    contact = median_by([u for u in users if u.role_names() == ("contact",) and len(related(u)) > 1],
                        lambda u: len(related(u)))  # fmt: skip
    own, their_own = taught[teacher.id][0], taught[both.id][0]
    staff_school = both.roles.staff.schools[0] if both.roles.staff else ""
    at_school = [s for s in sections if s.school == staff_school and s.students]
    staff_section = at_school[len(at_school) // 2]
    largest = max(sections, key=lambda s: len(s.students))
    admin_acts = "district_admin" if len(admin.role_names()) > 1 else None
    return [
        Person("teacher", teacher.id, "teacher", None, own.id, own.students[0]),
        Person("teacher+staff as teacher", both.id, "teacher", "teacher", their_own.id,
               their_own.students[0]),
        Person("teacher+staff as staff", both.id, "staff", "staff", staff_section.id,
               staff_section.students[0]),
        Person("teacher+staff switching", both.id, "teacher", "teacher", their_own.id,
               their_own.students[0]),
        Person("district admin", admin.id, "district_admin", admin_acts, largest.id, largest.students[0]),
        Person("contact", contact.id, "contact", None, "", related(contact)[0]),
    ]  # fmt: skip


def cases(persons: list[Person]) -> list[Case]:
    """The pages measured: every role page of each session (home, sections, a section, people, a person),
    the district page, the JSON list of sections, and the role switch."""
    by = {p.label: p for p in persons}

    def pages(label: str, *names: str) -> list[Case]:
        who = by[label]
        paths = {"home": "/", "sections": "/sections", "section": f"/sections/{who.section}",
                 "people": "/people", "person": f"/people/{who.person}", "district": "/district",
                 "api/sections": "/api/sections"}  # fmt: skip
        kinds = {"api/sections": "json"}
        return [Case(f"{label}: {name}", label, paths[name], kinds.get(name, "html")) for name in names]

    every = ("home", "sections", "section", "people", "person")
    return [
        *pages("teacher", *every, "api/sections"),
        *pages("teacher+staff as teacher", "sections", "people"),
        *pages("teacher+staff as staff", *every, "api/sections"),
        Case("teacher+staff: switch role (POST /role + GET /)", "teacher+staff switching", "/role", "switch",
             ("staff", "teacher")),
        *pages("district admin", *every, "district", "api/sections"),
        *pages("contact", "home", "people", "person"),
    ]  # fmt: skip


def sync_store(emulator: Any, district_id: str, url: str) -> None:
    """A full v3.1 sync of the emulator's district into the store at `url` (in-process transport)."""
    from rollcall.client import CleverClient, HttpOptions
    from rollcall.store import Store
    from rollcall.sync import sync_district

    with (
        Store.open(url) as store,
        CleverClient(
            emulator.district_token(district_id),
            api_version="v3.1",
            base_url=emulator.base_url,
            options=HttpOptions(transport=emulator.sync_transport()),
        ) as client,
    ):
        sync_district(client, store, mode="full")


# -- the server (--phase server) -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def floor_app(bodies: dict[str, tuple[bytes, str]], baselines: Callable[[str], Json]) -> FastAPI:
    """The HTTP + framework floor: a bare FastAPI app answering a stored copy of a page's bytes. Its routes
    are plain `def`s like the web app's pages, so both pay the same hop to the thread pool. It also times
    a page's in-process baselines when asked (the client asks right after measuring the page)."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.post("/baselines/{case:path}")
    def time_baselines(case: str) -> Json:
        return baselines(case)

    @app.put("/floor/{case:path}")
    async def keep(case: str, request: Request) -> Response:
        bodies[case] = (await request.body(), request.headers["content-type"])
        return Response(status_code=204)

    @app.get("/floor/{case:path}")
    def answer(case: str) -> Response:
        body, media_type = bodies[case]
        return Response(body, media_type=media_type)

    @app.post("/floor/{case:path}")
    def redirect(case: str) -> Response:
        return RedirectResponse(f"/floor/{case}", status_code=303)

    return app


def cpu_ms_in_process(action: Callable[[], object], requests: int, seconds: float) -> float:
    """`action`'s mean CPU time in this thread, in ms, over `requests` calls or `seconds` (at least
    MIN_REQUESTS calls) after one call to warm up: CPU time, like the server's per request, so the two
    compare even when the load on the machine changed in between."""
    action()
    calls = 0
    cpu, deadline = time.thread_time_ns(), time.perf_counter() + seconds
    while calls < requests and (calls < MIN_REQUESTS or time.perf_counter() < deadline):
        action()
        calls += 1
    return (time.thread_time_ns() - cpu) / calls / 1e6


class Recorder:
    """The innermost middleware (inside the session's): keeps the scope and decoded session of GET requests
    marked with the case header, so the route can be called again in-process. An unmarked request costs a
    scan of its few headers."""

    def __init__(self, app: ASGIApp, kept: dict[str, Scope]) -> None:
        self.app, self.kept = app, kept

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            for key, value in scope["headers"]:
                if key == CASE_HEADER_BYTES:
                    headers = [(k, v) for k, v in scope["headers"] if k != CASE_HEADER_BYTES]
                    self.kept[value.decode()] = {
                        **scope,
                        "headers": headers,
                        "session": dict(scope["session"]),
                    }
        await self.app(scope, receive, send)


def handler_call(scope: Scope) -> Callable[[], object]:
    """The route function of the recorded request, called directly with a fresh copy of its session: what the
    app does for the page (viewer, store reads, access checks, rows, rendering) without HTTP, middleware,
    routing or FastAPI's parameter handling. A JSON route's answer is encoded as FastAPI would."""
    from fastapi.routing import APIRoute
    from pydantic import TypeAdapter

    from rollcall.web import api, pages, views

    for route in (*pages.router.routes, *views.router.routes, *api.router.routes):
        match, child = route.matches(scope)
        if match is Match.FULL and isinstance(route, APIRoute):
            break
    else:
        raise LookupError(scope["path"])
    endpoint, params = route.endpoint, child["path_params"]
    encode = TypeAdapter(route.response_model).dump_json if route.response_model is not None else None

    def call() -> object:
        answer = endpoint(Request({**scope, **child, "session": dict(scope["session"])}), **params)
        return encode(answer) if encode is not None else answer

    return call


def rendered_bytes(template: Any, context: dict[str, Any]) -> bytes:
    """What the app's TemplateResponse does with a template and its context, minus the Response object."""
    encoded: bytes = template.render(context).encode()
    return encoded


def phase_server() -> None:
    """Serve the web app and the floor (which times a page's in-process baselines when asked) until a line
    comes on stdin; then answer this process's peak RSS."""
    from pydantic import TypeAdapter
    from starlette.middleware import Middleware

    from rollcall.cli.logs import configure_logging
    from rollcall.emulator.server import serve_in_thread
    from rollcall.store import Store
    from rollcall.web import WebSettings, create_app
    from rollcall.web.api import SectionOut

    configure_logging(verbose=False)  # as `rollcall web serve`: warnings and up
    config: Json = json.loads(sys.stdin.readline())
    port = free_port()
    web_url = f"http://{HOST}:{port}"
    settings = WebSettings(
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        session_secret=SESSION_SECRET,
        db_url=config["db_url"],
        public_url=web_url,
        clever_url=config["clever_url"],
        oauth_url=config["clever_url"],
    )
    store = Store.open(config["db_url"], migrate=False)
    app = create_app(settings, store=store)
    scopes: dict[str, Scope] = {}
    app.user_middleware.append(Middleware(Recorder, kept=scopes))  # the last added is the innermost
    templates = app.state.context.templates
    contexts: dict[str, tuple[str, dict[str, Any]]] = {}
    render_page = templates.TemplateResponse

    def recording(request: Request, name: str, context: dict[str, Any], **more: Any) -> Any:
        case = request.headers.get(CASE_HEADER)
        if case is not None:
            contexts[case] = (name, {**context, "request": request})
        return render_page(request, name, context, **more)

    templates.TemplateResponse = recording
    bodies: dict[str, tuple[bytes, str]] = {}
    sections = TypeAdapter(list[SectionOut])

    def baselines(case: str) -> Json:
        """The page's route function and its rendering alone, in-process, in CPU time (nothing else runs:
        the client waits for the answer)."""
        found: Json = {}
        if case in contexts:
            name, context = contexts[case]
            render = functools.partial(rendered_bytes, templates.get_template(name), context)
            found["render_ms"] = cpu_ms_in_process(render, config["requests"], 1.0)
        elif bodies[case][1].startswith("application/json"):
            encode = functools.partial(sections.dump_json, sections.validate_json(bodies[case][0]))
            found["render_ms"] = cpu_ms_in_process(encode, config["requests"], 1.0)
        if case in scopes:
            found["handler_ms"] = cpu_ms_in_process(handler_call(scopes[case]), config["requests"], 1.0)
        return found

    rss_before = peak_rss_mib()
    with (
        serve_in_thread(app, HOST, port),
        serve_in_thread(floor_app(bodies, baselines), HOST, 0) as floor_url,
    ):
        print(json.dumps({"web_url": web_url, "floor_url": floor_url, "pid": os.getpid(),
                          "redirect_uri": settings.redirect_uri}), flush=True)  # fmt: skip
        sys.stdin.readline()  # until this process's figures are asked for
    store.close()
    print(json.dumps({"peak_rss_mib": peak_rss_mib(), "rss_before_serving_mib": rss_before}))


# -- the client (--phase client) -------------------------------------------------------------------------


def server_cpu_seconds(pid: int) -> float:
    """The server process's user + system CPU so far (every thread)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sign_in(web: httpx.Client, person: Json) -> None:
    """The browser's sign-in: the app's /login, the emulator's authorize form (its own cookie jar, another
    site), the callback with the code; then the chooser's POST /role for a person holding several roles."""
    started = web.get("/login")
    assert started.status_code == 302, started.text
    location = urlsplit(started.headers["location"])
    params = {key: values[0] for key, values in parse_qs(location.query).items()}
    with httpx.Client(base_url=f"{location.scheme}://{location.netloc}") as clever:
        picked = clever.post(location.path, data={**params, "user_id": person["user_id"],
                                                  "role": person["clever_role"]})  # fmt: skip
    assert picked.status_code == 302, picked.text
    back = urlsplit(picked.headers["location"])
    done = web.get(f"{back.path}?{back.query}")
    assert done.status_code == 303, done.text
    if person["act_as"] is not None:
        token = web.get("/api/me").json()["csrf_token"]
        chosen = web.post("/role", data={"role": person["act_as"], "csrf_token": token})
        assert chosen.status_code == 303, chosen.text


def measure(send: Callable[[], httpx.Response], pid: int, requests: int, seconds: float) -> Json:
    """`send` until `requests` were made or `seconds` passed (at least MIN_REQUESTS): rate, p50/p99, the
    server's CPU per request; every answer must be a 200."""
    latencies: list[int] = []
    cpu = server_cpu_seconds(pid)
    began = time.perf_counter()
    while len(latencies) < requests and (
        len(latencies) < MIN_REQUESTS or time.perf_counter() - began < seconds
    ):
        before = time.perf_counter_ns()
        answer = send()
        latencies.append(time.perf_counter_ns() - before)
        if answer.status_code != 200:
            raise SystemExit(f"{answer.request.method} {answer.request.url}: {answer.status_code}")
    elapsed = time.perf_counter() - began
    return {
        "n": len(latencies),
        "rate": len(latencies) / elapsed,
        "p50_ms": percentile_ms(latencies, 0.5),
        "p99_ms": percentile_ms(latencies, 0.99),
        "server_cpu_ms": (server_cpu_seconds(pid) - cpu) * 1000 / len(latencies),
    }


def requests_of(case: Json, web: httpx.Client, floor: httpx.Client) -> tuple[Sender, Sender, Sender]:
    """The case's first request (marked, so the server keeps its template context), its page request and
    its floor request. A switch posts the session's CSRF token, alternating the roles, and follows the 303
    to / (the floor: a bare 303 to the stored bytes)."""
    name, path, mark = case["name"], case["path"], {CASE_HEADER: case["name"]}
    if case["kind"] != "switch":
        return (lambda: web.get(path, headers=mark), lambda: web.get(path),
                lambda: floor.get(f"/floor/{name}"))  # fmt: skip
    token = web.get("/api/me").json()["csrf_token"]
    roles = itertools.cycle(case["roles"])

    def switch(headers: dict[str, str] | None = None) -> httpx.Response:
        form = {"role": next(roles), "csrf_token": token}
        return web.post(path, data=form, headers=headers, follow_redirects=True)

    return (lambda: switch(mark), switch, lambda: floor.post(f"/floor/{name}", follow_redirects=True))


def phase_client() -> None:
    plan: Json = json.loads(sys.stdin.readline())
    pid, requests, seconds = plan["pid"], plan["requests"], plan["seconds"]
    sessions: dict[str, httpx.Client] = {}
    started = time.perf_counter()
    for person in plan["people"]:
        sessions[person["label"]] = web = httpx.Client(base_url=plan["web_url"])
        sign_in(web, person)
    signed_in = time.perf_counter() - started
    floor = httpx.Client(base_url=plan["floor_url"])
    results: Json = {}
    for case in plan["cases"]:
        name = case["name"]
        send_first, send_page, send_floor = requests_of(case, sessions[case["session"]], floor)
        before = time.perf_counter()
        first = send_first()
        first_ms = (time.perf_counter() - before) * 1000
        assert first.status_code == 200, (name, first.status_code, first.text[:300])
        kept = floor.put(f"/floor/{name}", content=first.content,
                         headers={"content-type": first.headers["content-type"]})  # fmt: skip
        assert kept.status_code == 204, kept.text
        results[name] = {
            "bytes": len(first.content),
            "first_ms": first_ms,
            "page": measure(send_page, pid, requests, seconds),
            "floor": measure(send_floor, pid, requests, seconds),
            "baselines": floor.post(f"/baselines/{name}", timeout=120).json(),
        }
        page, floor_p50 = results[name]["page"]["p50_ms"], results[name]["floor"]["p50_ms"]
        print(f"  {name}: p50 {page:.2f} ms, floor {floor_p50:.2f} ms", file=sys.stderr, flush=True)
    for client in (*sessions.values(), floor):
        client.close()
    print(json.dumps({"results": results, "signed_in_s": signed_in,
                      "peak_rss_mib": peak_rss_mib()}))  # fmt: skip


# -- this process: the district, the emulator, the run, the report ---------------------------------------


def rows(plan: list[Case], measured: Json) -> list[Json]:
    """One row per page: the HTTP figures, the floor's, and where the page's p50 goes (see `report`)."""
    found = []
    for case in plan:
        result = measured[case.name]
        extra = result["baselines"]
        page, floor = result["page"], result["floor"]
        handler = extra.get("handler_ms", float("nan")) if case.kind != "switch" else float("nan")
        render = extra.get("render_ms", float("nan"))
        found.append({
            "page": case.name, "n": page["n"], "rate": page["rate"], "p50_ms": page["p50_ms"],
            "p99_ms": page["p99_ms"], "floor_rate": floor["rate"], "floor_p50_ms": floor["p50_ms"],
            "ratio": page["p50_ms"] / floor["p50_ms"], "cpu_ms": page["server_cpu_ms"],
            "floor_cpu_ms": floor["server_cpu_ms"], "kib": result["bytes"] / 1024, "handler_ms": handler,
            "render_ms": render, "rest_ms": page["server_cpu_ms"] - floor["server_cpu_ms"] - handler,
            "app_ms": handler - render,
        })  # fmt: skip
    return found


def report(table: list[Json]) -> None:
    width = max(len(row["page"]) for row in table)
    print(f"\n{'':<{width}}   {'loopback HTTP, client wall time':^30} │ {'floor':^20} │ "
          f"{'server CPU':^13} │")  # fmt: skip
    print(f"{'page':<{width}} {'n':>5} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} │ {'req/s':>6} {'p50 ms':>6} "
          f"{'×floor':>6} │ {'page':>6} {'floor':>6} │ {'KiB':>5}")  # fmt: skip
    for row in table:
        print(f"{row['page']:<{width}} {row['n']:>5} {row['rate']:>6.0f} {row['p50_ms']:>7.2f} "
              f"{row['p99_ms']:>7.2f} │ {row['floor_rate']:>6.0f} {row['floor_p50_ms']:>6.2f} "
              f"{row['ratio']:>6.1f} │ {row['cpu_ms']:>6.2f} {row['floor_cpu_ms']:>6.2f} │ "
              f"{row['kib']:>5.0f}")  # fmt: skip
    heading = "where the server's CPU goes, ms"
    print(f"\n{heading:<{width}} {'floor':>7} {'rest':>7} {'app':>7} {'render':>7} │ {'handler':>7}")
    for row in table:
        parts = (row[key] for key in ("floor_cpu_ms", "rest_ms", "app_ms", "render_ms"))
        print(f"{row['page']:<{width}} {' '.join(f'{part:>7.2f}' for part in parts)} │ "
              f"{row['handler_ms']:>7.2f}")  # fmt: skip
    print(WHERE_IT_GOES, end="")
    ratios = [row["ratio"] for row in table]
    print(f"\npage / floor (p50): median {statistics.median(ratios):.1f}×, from {min(ratios):.1f}× to "
          f"{max(ratios):.1f}×")  # fmt: skip


def start_phase(name: str, config: Json) -> subprocess.Popen[str]:
    """`--phase name` in a fresh interpreter, given `config` as its first line of input."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    process = subprocess.Popen([sys.executable, __file__, "--phase", name], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, env=env)  # fmt: skip
    assert process.stdin is not None
    process.stdin.write(json.dumps(config) + "\n")
    process.stdin.flush()
    return process


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=2_000, help="requests per page (and per floor)")
    parser.add_argument("--seconds", type=float, default=3.0, help="at most this long per page (and floor)")
    parser.add_argument("--seed", default="bench-web")
    parser.add_argument("--phase", choices=["server", "client"], help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.phase == "server":
        phase_server()
        return
    if options.phase == "client":
        phase_client()
        return

    from rollcall.cli.logs import configure_logging
    from rollcall.domain.timestamps import RunningClock
    from rollcall.emulator import Emulator
    from rollcall.emulator.sources import generate_snapshot

    configure_logging(verbose=False)
    print(f"load average at start {load_average()} (1, 5, 15 min); {os.cpu_count()} cores", flush=True)
    began = time.perf_counter()
    snapshot = generate_snapshot(students=options.students, seed=options.seed)
    emulator = Emulator(seed=options.seed, clock=RunningClock())
    district_id = emulator.load_snapshot(snapshot)
    persons = people(snapshot)
    plan = cases(persons)
    scratch = tempfile.TemporaryDirectory(prefix="bench-web-")
    db_url = f"sqlite:///{scratch.name}/rollcall.db"
    sync_store(emulator, district_id, db_url)
    print(f"district: {options.students:,} students, {len(snapshot.users):,} users, "
          f"{len(snapshot.sections):,} sections; generated, loaded and synced into SQLite in "
          f"{time.perf_counter() - began:.1f} s", flush=True)  # fmt: skip
    for person in persons:
        print(
            f"  {person.label:<26} {person.user_id}  section {person.section or '—'}  person {person.person}"
        )
    started = time.perf_counter()
    with emulator, emulator.serve_in_thread(HOST, 0) as clever_url:
        measured, served, load_during = serve_and_measure(
            emulator, clever_url, db_url, persons, plan, options
        )
    scratch.cleanup()
    table = rows(plan, measured["results"])
    report(table)
    firsts = {name: result["first_ms"] for name, result in measured["results"].items()}
    slowest = max(firsts, key=firsts.__getitem__)
    print(f"sign-in of {len(persons)} sessions through the emulator: {measured['signed_in_s']:.2f} s; the "
          f"slowest first request: {slowest}, {firsts[slowest]:.0f} ms (the first role page builds the "
          f"district's access index)")  # fmt: skip
    print(f"peak RSS: server {served['peak_rss_mib']:,.0f} MiB ({served['rss_before_serving_mib']:,.0f} "
          f"before serving), client {measured['peak_rss_mib']:,.0f} MiB, this process (generator, emulator, "
          f"sync) {peak_rss_mib():,.0f} MiB")  # fmt: skip
    print(f"measuring took {time.perf_counter() - started:.0f} s; load average at its end {load_during}, "
          f"now {load_average()} (1, 5, 15 min)")  # fmt: skip
    print(json.dumps({"students": options.students, "load_average": load_during,
                      "server_peak_rss_mib": round(served["peak_rss_mib"]),
                      "client_peak_rss_mib": round(measured["peak_rss_mib"]),
                      "pages": [{key: json_number(value) for key, value in row.items()} for row in table]},
                     allow_nan=False))  # fmt: skip


def json_number(value: object) -> object:
    """Floats to three decimals; a figure not measured (NaN: a switch's handler) as null."""
    if not isinstance(value, float):
        return value
    return None if math.isnan(value) else round(value, 3)


def serve_and_measure(
    emulator: Any, clever_url: str, db_url: str, persons: list[Person], plan: list[Case],
    options: argparse.Namespace,
) -> tuple[Json, Json, str]:  # fmt: skip
    """The server, then the client against it. Returns the client's figures, the server's (its peak RSS) and
    the load average when the client was done."""
    tokens = emulator.state.tokens
    server = start_phase("server", {
        "db_url": db_url, "clever_url": clever_url, "client_id": tokens.client_id,
        "client_secret": tokens.client_secret, "requests": options.requests,
    })  # fmt: skip
    assert server.stdout is not None
    assert server.stdin is not None
    try:
        served: Json = json.loads(server.stdout.readline())
        emulator.register_redirect_uri(served["redirect_uri"])
        print(f"web app at {served['web_url']} (pid {served['pid']}), floor at {served['floor_url']}; "
              f"{len(plan)} pages, up to {options.requests:,} requests or {options.seconds:g} s each; "
              f"load average {load_average()}", flush=True)  # fmt: skip
        client = start_phase("client", {**served, "requests": options.requests, "seconds": options.seconds,
                                        "people": [asdict(p) for p in persons],
                                        "cases": [asdict(c) for c in plan]})  # fmt: skip
        out, _ = client.communicate()
        if client.returncode != 0:
            raise SystemExit(f"the client failed ({client.returncode})")
        load_during = load_average()
        server.stdin.write("done\n")
        server.stdin.flush()
        figures: Json = json.loads(server.stdout.readline())
    finally:
        server.stdin.close()
        server.wait(timeout=120)
    measured: Json = json.loads(out.strip().splitlines()[-1])
    return measured, figures, load_during


if __name__ == "__main__":
    main()
