"""A full v3.1 sync of a generated district served by the emulator over real loopback HTTP, into SQLite and
into PostgreSQL, next to the limit measured in the same run: fetching and decoding the very same pages
without writing them. Prints wall time, users/s, rows/s, peak RSS and the ratio to the limit.

    PYTHONPATH=src python benchmarks/bench_sync.py [--students 100000] [--largest] [--only sqlite|postgres]

The emulator runs in its own process (so it does not share the sync's interpreter lock); each phase runs in
a fresh process, so its peak RSS is its own. A warm-up pass first has the emulator render every page once,
so the limit and the syncs all read the same warm pages. After each sync, the database floor: the same
database copying the synced rows into a fresh schema by itself (INSERT … SELECT, indexes built after), the
least any client could spend storing them; the sync is then compared with limit + floor too.
`--largest` syncs ≈ 1.06 M students instead.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid
from multiprocessing.connection import Connection
from pathlib import Path

from machine import peak_rss_mib  # a phase's own peak, not its parent's

LARGEST = 1_060_000
POSTGRES_URL = os.environ.get("ROLLCALL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def serve(students: int, pipe: Connection) -> None:
    """The emulator process: generate, serve on loopback, hand over (url, token, district), wait for stop."""
    from rollcall.emulator import Emulator

    started = time.perf_counter()
    with Emulator(seed="bench-sync") as emu:
        district_id = emu.load_generated(students=students, seed=1)
        loaded = time.perf_counter() - started
        with emu.serve_in_thread() as url:
            pipe.send((url, emu.district_token(district_id), district_id, loaded))
            pipe.recv()


def phase_limit(url: str, token: str, page_size: int) -> dict[str, object]:
    """Fetch and decode every page of every collection a full sync pulls; write nothing."""
    from rollcall.client import CleverClient
    from rollcall.sync import FULL_COLLECTIONS
    from rollcall.sync.prefetch import prefetched
    from rollcall.sync.synced_collections import COLLECTIONS

    records: dict[str, int] = {}
    started = time.perf_counter()
    with CleverClient(token, base_url=url, page_size=page_size) as client:
        client.get_district()
        client.latest_event_id()
        for name in FULL_COLLECTIONS:
            pages = client.iter_pages(COLLECTIONS[name].query(client.endpoints))
            records[name] = sum(len(page.records) for page in prefetched(pages))
    return {"seconds": time.perf_counter() - started, "records": records, "rows": sum(records.values())}


def phase_sync(url: str, token: str, page_size: int, db: str) -> dict[str, object]:
    """A full sync into `db` (plan, then apply), as `rollcall sync` runs it."""
    from rollcall.client import CleverClient
    from rollcall.store import Store
    from rollcall.sync import sync_district

    with Store.open(db) as store, CleverClient(token, base_url=url, page_size=page_size) as client:
        started = time.perf_counter()
        summary = sync_district(client, store, mode="full")
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "records": summary.written, "rows": sum(summary.rows.values())}


def phase_floor(source: str, db: str) -> dict[str, object]:
    """The database's own cost of storing the rows a sync wrote: copy every district table of `source` (the
    synced SQLite file, or the synced PostgreSQL schema) into the fresh database `db` with INSERT … SELECT
    inside the database, no Python per row, secondary indexes deferred and built as a first load does."""
    import sqlalchemy as sa

    from rollcall.store import Store, indexes
    from rollcall.store.schema import DISTRICT_TABLES

    with Store.open(db) as store, store.engine.connect() as connection:
        origin = f'"{source}"'  # the synced PostgreSQL schema, or the attached SQLite file
        if store.dialect == "sqlite":
            connection.exec_driver_sql(f"ATTACH DATABASE '{source}' AS synced")
            origin = "synced"
        for table in DISTRICT_TABLES:  # read the source once first, so the copy reads it from memory
            connection.exec_driver_sql(f'SELECT count(*) FROM {origin}."{table.name}"')
        connection.commit()
        started = time.perf_counter()
        rows = 0
        with connection.begin():
            indexes.drop_on_empty_tables(connection)
            for table in DISTRICT_TABLES:
                copy = f'INSERT INTO "{table.name}" SELECT * FROM {origin}."{table.name}"'
                rows += connection.execute(sa.text(copy)).rowcount
            indexes.build_missing(connection)
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": rows}


def postgres_schema_url() -> tuple[str, str]:
    import sqlalchemy as sa

    schema = f"rollcall_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    engine = sa.create_engine(admin)
    with engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    url = admin.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def drop_schema(schema: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(sa.make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"))
    with engine.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    engine.dispose()


def run_phase(args: list[str]) -> dict[str, object]:
    """One phase in a fresh interpreter; its JSON result with its own peak RSS."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    done = subprocess.run(
        [sys.executable, __file__, "--phase", *args], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"phase {args[0]} failed:\n{done.stderr}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report_floor(label: str, floor: dict[str, object], sync: dict[str, object], limit: float) -> None:
    """The database floor, and the sync against the sum of the two limits (fetching, and storing)."""
    seconds, synced = float(floor["seconds"]), float(sync["seconds"])  # type: ignore[arg-type]
    print(
        f"{label:<28} {seconds:8.1f} s  {int(floor['rows']) / seconds:10,.0f} rows/s  "  # type: ignore[call-overload]
        f"peak RSS {float(floor['peak_rss_mib']):7.0f} MiB  "  # type: ignore[arg-type]
        f"sync vs (limit + floor) {synced / (limit + seconds):5.2f}x"
    )


def report(label: str, result: dict[str, object], users: int, limit: float | None) -> None:
    seconds = float(result["seconds"])  # type: ignore[arg-type]
    rows = int(result["rows"])  # type: ignore[call-overload]
    ratio = f"{seconds / limit:5.2f}x" if limit else "  1.00x"
    print(
        f"{label:<28} {seconds:8.1f} s  {users / seconds:10,.0f} users/s  {rows / seconds:10,.0f} rows/s  "
        f"peak RSS {float(result['peak_rss_mib']):7.0f} MiB  vs limit {ratio}"  # type: ignore[arg-type]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--largest", action="store_true", help=f"{LARGEST:,} students")
    parser.add_argument("--page-size", type=int, default=10_000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.phase:
        import logging

        import structlog

        # Page-by-page info logs would be measured too; warnings (retries) still show.
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
        kind, url, token, page_size, *rest = options.phase
        if kind == "limit":
            result = phase_limit(url, token, int(page_size))
        elif kind == "floor":
            result = phase_floor(url, token)  # here: the synced source and the fresh database
        else:
            result = phase_sync(url, token, int(page_size), rest[0])
        result["peak_rss_mib"] = peak_rss_mib()
        print(json.dumps(result))
        return

    students = LARGEST if options.largest else options.students
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(students, child), daemon=True)
    server.start()
    while not parent.poll(1.0):
        if not server.is_alive():
            raise SystemExit(f"the emulator process died before serving (exit code {server.exitcode})")
    url, token, _district_id, loaded = parent.recv()
    print(f"emulator: {students:,} students generated and loaded in {loaded:.1f} s, serving at {url}")
    page = str(options.page_size)
    try:
        # The emulator renders a page once and then serves it from memory: a first, untimed-for-the-ratio
        # pass warms it, so the limit and every sync below read equally warm pages.
        cold = run_phase(["limit", url, token, page])
        print(f"warm-up (first fetch + decode, pages rendered cold): {float(cold['seconds']):.1f} s")  # type: ignore[arg-type]
        limit = run_phase(["limit", url, token, page])
        records = limit["records"]
        assert isinstance(records, dict)
        users = int(records["users"])
        print(f"district: {users:,} users, {records['sections']:,} sections; page size {page}")
        limit_seconds = float(limit["seconds"])  # type: ignore[arg-type]
        report("limit (fetch + decode)", limit, users, None)
        if options.only in (None, "sqlite"):
            with tempfile.TemporaryDirectory() as tmp:
                sqlite = run_phase(["sqlite", url, token, page, f"sqlite:///{tmp}/bench.db"])
                size = Path(tmp, "bench.db").stat().st_size + sum(
                    p.stat().st_size for p in Path(tmp).glob("bench.db-*")
                )
                floor = run_phase(["floor", f"{tmp}/bench.db", f"sqlite:///{tmp}/floor.db", page])
            report("full sync → SQLite", sqlite, users, limit_seconds)
            print(f"{'':<28} database {size / 2**20:,.0f} MiB, {int(sqlite['rows']):,} rows")  # type: ignore[call-overload]
            report_floor("SQLite floor (copy in-db)", floor, sqlite, limit_seconds)
        if options.only in (None, "postgres"):
            db, schema = postgres_schema_url()
            copy_db, copy_schema = postgres_schema_url()
            try:
                postgres = run_phase(["postgres", url, token, page, db])
                floor = run_phase(["floor", schema, copy_db, page])
            finally:
                drop_schema(schema)
                drop_schema(copy_schema)
            report("full sync → PostgreSQL", postgres, users, limit_seconds)
            report_floor("PostgreSQL floor (copy in-db)", floor, postgres, limit_seconds)
    finally:
        parent.send("stop")
        server.join(timeout=30)


if __name__ == "__main__":
    main()
