"""Store write throughput: `upsert_users` and `upsert_sections` on SQLite and PostgreSQL, beside two
baselines measured in the same run on the very same row tuples: "bare" (executemany of plain INSERTs on
SQLite / a bare COPY on PostgreSQL into empty, index-free tables) and "indexed" (the same into empty tables
of rollcall's own schema, with its keys and indexes but no conflict handling).

    PYTHONPATH=src python benchmarks/bench_store.py [--records 100000] [--batch 5000] [--only sqlite|postgres]

Each batch is one transaction, as the sync writes. "load" writes into empty tables, "reapply" writes the
same records again (every record conflicts and is updated; children are merged, unchanged ones untouched).
Row counts include child rows; "flatten" is the pure-Python share (domain records → row tuples) included in
the store figures but not in the baselines. Prints peak RSS at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import psycopg
import sqlalchemy as sa

from rollcall.domain.district import Section
from rollcall.domain.record import Credentials, Location, Name
from rollcall.domain.user import (
    Contact,
    DistrictAdmin,
    Roles,
    Staff,
    Student,
    StudentRelationship,
    Teacher,
    User,
)
from rollcall.store import Store
from rollcall.store.rows import Rows, last_by_id, section_rows, user_rows
from rollcall.store.schema import metadata

DISTRICT = "5f0000000000000000000b01"
SCHOOLS = [f"5f00000000000000000{n:05x}" for n in range(60)]


def object_id(kind: int, n: int) -> str:
    return f"{kind:04x}{n:020x}"


def make_users(count: int, rng: random.Random) -> list[User]:
    """A realistic mix: 80 % students, 8 % teachers (a fifth also staff), 2 % staff, 0.5 % district admins,
    the rest contacts with one to three student relationships."""
    users: list[User] = []
    students = max(1, int(count * 0.8))
    for n in range(count):
        user_id = object_id(0x6A00, n)
        school = rng.choice(SCHOOLS)
        share = n / count
        name = Name(first=f"First{n}", middle=rng.choice([None, "Q"]), last=f"Last{n % 997}")
        created = "2026-08-01T00:00:00.000Z"
        if share < 0.8:
            roles = Roles(
                student=Student(
                    sis_id=str(100_000 + n),
                    school=school,
                    schools=[school],
                    student_number=str(n),
                    state_id=f"ST{n}",
                    credentials=Credentials(district_username=f"s{n}"),
                    dob=f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/2014",
                    gender=rng.choice("MFX"),
                    grade=str(rng.randint(1, 12)),
                    race="Unknown",
                    hispanic_ethnicity="N",
                    ell_status="N",
                    location=Location(zip="12345"),
                    ext={"homeroom": f"H{n % 40}"},
                    frl_status="Paid",
                )
            )
            email = None if n % 3 else f"s{n}@students.example.org"
        elif share < 0.9:
            teacher = Teacher(
                sis_id=f"T{n}", school=school, schools=[school, rng.choice(SCHOOLS)],
                legacy_id=object_id(0x5A00, n),
                teacher_number=f"N{n}", title="Teacher", credentials=Credentials(district_username=f"t{n}"),
            )  # fmt: skip
            staff = None
            if share < 0.816:
                staff = Staff(
                    staff_id=f"S{n}",
                    schools=[school],
                    roles=["SchoolTechLead"],
                    legacy_id=object_id(0x5B00, n),
                )
            admin = DistrictAdmin(title="Director", legacy_id=object_id(0x5C00, n)) if share > 0.895 else None
            roles = Roles(teacher=teacher, staff=staff, district_admin=admin)
            email = f"t{n}@example.org"
        else:
            students_of = [object_id(0x6A00, rng.randrange(students)) for _ in range(rng.randint(1, 3))]
            roles = Roles(
                contact=Contact(
                    legacy_id=object_id(0x5D00, n),
                    sis_id=f"C{n}",
                    phone="555-0100",
                    phone_type="Cell",
                    student_relationships=[
                        StudentRelationship(student=s, relationship="Parent", type="Family")
                        for s in students_of
                    ],
                )
            )
            email = f"c{n}@example.org"
        users.append(
            User(id=user_id, district=DISTRICT, name=name, roles=roles, email=email, created=created,
                 last_modified=created)
        )  # fmt: skip
    return users


def make_sections(count: int, rng: random.Random, user_count: int) -> list[Section]:
    """Sections with one to three teachers and 10 to 25 students (a 1 M-student district averages ~17)."""
    students = max(1, int(user_count * 0.8))
    teachers = range(students, max(students + 1, int(user_count * 0.9)))
    sections = []
    for n in range(count):
        section_teachers = [object_id(0x6A00, rng.choice(teachers)) for _ in range(rng.randint(1, 3))]
        enrolled = [object_id(0x6A00, rng.randrange(students)) for _ in range(rng.randint(10, 25))]
        sections.append(
            Section(
                id=object_id(0x7A00, n),
                district=DISTRICT,
                school=rng.choice(SCHOOLS),
                sis_id=f"SEC{n}",
                name=f"Section {n}",
                period=str(n % 8),
                grade=str(n % 12 + 1),
                subject="math",
                course=object_id(0x7B00, n % 500),
                term_id=object_id(0x7C00, n % 4),
                teacher=section_teachers[0],
                teachers=section_teachers,
                students=enrolled,
                created="2026-08-01T00:00:00.000Z",
            )
        )
    return sections


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _columns(rows: Rows) -> str:
    return ", ".join(f'"{c}"' for c in rows.columns)


def baseline_sqlite(path: Path, flat: list[list[Rows]], *, indexed: bool) -> float:
    """executemany of plain INSERTs (no conflict handling), one transaction per batch, into empty tables:
    index-free ones, or (`indexed`) rollcall's own schema with its keys and indexes."""
    if indexed:
        engine = sa.create_engine(f"sqlite:///{path}")
        metadata.create_all(engine)
        engine.dispose()
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536"):
        connection.execute(f"PRAGMA {pragma}")
    if not indexed:
        for rows in flat[0]:
            connection.execute(f'CREATE TABLE "{rows.table}" ({_columns(rows)})')

    def run() -> None:
        for batch in flat:
            connection.execute("BEGIN")
            for rows in batch:
                marks = ", ".join("?" for _ in rows.columns)
                connection.executemany(
                    f'INSERT INTO "{rows.table}" ({_columns(rows)}) VALUES ({marks})', rows.rows
                )
            connection.execute("COMMIT")

    seconds = timed(run)
    connection.close()
    return seconds


def baseline_postgres(admin_url: str, flat: list[list[Rows]], *, indexed: bool) -> float:
    """A bare COPY per table per batch, one transaction per batch, into empty tables of a fresh schema:
    index-free text columns, or (`indexed`) rollcall's own schema with its keys and indexes."""
    with scratch_schema(admin_url) as url:
        if indexed:
            engine = sa.create_engine(url)
            metadata.create_all(engine)
            engine.dispose()
        conninfo = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo) as connection:
            if not indexed:
                for rows in flat[0]:
                    columns = ", ".join(f'"{c}" text' for c in rows.columns)
                    connection.execute(f'CREATE TABLE "{rows.table}" ({columns})'.encode())
                connection.commit()

            def run() -> None:
                for batch in flat:
                    with connection.transaction(), connection.cursor() as cursor:
                        for rows in batch:
                            statement = f'COPY "{rows.table}" ({_columns(rows)}) FROM STDIN'.encode()
                            with cursor.copy(statement) as copy:
                                for row in rows.rows:
                                    copy.write_row(row)

            return timed(run)


@contextmanager
def scratch_schema(admin_url: str) -> Iterator[str]:
    """The URL of a new PostgreSQL schema, dropped afterwards."""
    admin = sa.create_engine(sa.make_url(admin_url).set(drivername="postgresql+psycopg"))
    schema = f"rollcall_bench_{uuid.uuid4().hex[:8]}"
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        options = {"options": f"-csearch_path={schema}"}
        url = sa.make_url(admin_url).set(drivername="postgresql+psycopg").update_query_dict(options)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


class Workload:
    """One kind of record to write: the records, their rows pre-flattened per batch, and the store call."""

    def __init__(self, kind: str, records: Sequence[User] | Sequence[Section], size: int) -> None:
        self.kind = kind
        self.records = records
        self.size = size
        self.flat: list[list[Rows]] = []
        started = time.perf_counter()
        for start in range(0, len(records), size):
            chunk = records[start : start + size]
            if kind == "users":
                self.flat.append(list(user_rows(last_by_id(cast(Sequence[User], chunk)), "bare")))
            else:
                self.flat.append(list(section_rows(last_by_id(cast(Sequence[Section], chunk)), "bare")))
        self.flatten_seconds = time.perf_counter() - started  # the pure-Python share of every store write
        self.row_count = sum(len(rows.rows) for batch in self.flat for rows in batch)

    def write(self, store: Store, run_id: str) -> float:
        """Seconds to upsert every record, one transaction per batch, as the sync does."""

        def run() -> None:
            for start in range(0, len(self.records), self.size):
                chunk = self.records[start : start + self.size]
                with store.transaction() as tx:
                    if self.kind == "users":
                        tx.upsert_users(cast(Sequence[User], chunk), run_id=run_id)
                    else:
                        tx.upsert_sections(cast(Sequence[Section], chunk), run_id=run_id)

        return timed(run)


Baseline = Callable[[list[list[Rows]], bool], float]


def report(database: str, load: Workload, first: float, again: float, bare: float, indexed: float) -> None:
    rows = load.row_count
    print(
        f"{database:8} {load.kind:8} {len(load.records):>7} rec {rows:>8} rows | "
        f"load {len(load.records) / first:>6,.0f} rec/s {rows / first:>7,.0f} rows/s | "
        f"reapply {rows / again:>7,.0f} rows/s | bare {rows / bare:>7,.0f} | "
        f"indexed {rows / indexed:>7,.0f} | load/bare {bare / first:4.2f} "
        f"load/indexed {indexed / first:4.2f} reapply/bare {bare / again:4.2f} | "
        f"flatten {rows / load.flatten_seconds:>9,.0f} rows/s"
    )


def bench(database: str, url: str, baseline: Baseline, loads: list[Workload]) -> None:
    """Per workload: store load, store reapply, then both baselines, measured one after another."""
    store = Store.open(url)
    try:
        for load in loads:
            first = load.write(store, "run-1")
            again = load.write(store, "run-2")
            report(database, load, first, again, baseline(load.flat, False), baseline(load.flat, True))
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    rng = random.Random(2026)
    started = time.perf_counter()
    loads = [
        Workload("users", make_users(args.records, rng), args.batch),
        Workload("sections", make_sections(args.records, rng, args.records), args.batch),
    ]
    print(
        f"generated and flattened {args.records} users and sections in {time.perf_counter() - started:.1f}s"
    )

    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as directory:
            files = iter(range(1_000))

            def sqlite_baseline(flat: list[list[Rows]], indexed: bool) -> float:
                return baseline_sqlite(Path(directory) / f"baseline-{next(files)}.db", flat, indexed=indexed)

            bench("sqlite", f"sqlite:///{directory}/bench.db", sqlite_baseline, loads)
    if args.only != "sqlite":
        admin_url = os.environ.get("ROLLCALL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

        def postgres_baseline(flat: list[list[Rows]], indexed: bool) -> float:
            return baseline_postgres(admin_url, flat, indexed=indexed)

        with scratch_schema(admin_url) as url:
            bench("postgres", url, postgres_baseline, loads)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
