"""Store write throughput: `upsert_users` and `upsert_sections` on SQLite and PostgreSQL, against a bare
baseline measured in the same run (executemany of plain INSERTs on SQLite / a bare COPY on PostgreSQL of the
very same row tuples into empty, index-free tables).

    PYTHONPATH=src python benchmarks/bench_store.py [--records 100000] [--batch 5000] [--only sqlite|postgres]

Each batch is one transaction, as the sync writes. "load" writes into empty tables, "reapply" writes the
same records again (every row conflicts and is updated). Rows counts include child rows.
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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

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

DISTRICT = "5f0000000000000000000b01"
SCHOOLS = [f"5f00000000000000000{n:05x}" for n in range(60)]
T = TypeVar("T")


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


def batches(records: Sequence[T], size: int) -> list[Sequence[T]]:
    return [records[start : start + size] for start in range(0, len(records), size)]


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def flatten(kind: str, records: Sequence[User] | Sequence[Section]) -> list[Rows]:
    if kind == "users":
        return list(user_rows(last_by_id(records), "bare"))  # type: ignore[arg-type]
    return list(section_rows(last_by_id(records), "bare"))  # type: ignore[arg-type]


def bare_sqlite(path: Path, flat: list[list[Rows]]) -> float:
    """executemany of plain INSERTs, one transaction per batch, into index-free empty tables."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    for rows in flat[0]:
        columns = ", ".join(f'"{c}"' for c in rows.columns)
        connection.execute(f'CREATE TABLE "bare_{rows.table}" ({columns})')

    def run() -> None:
        for batch in flat:
            connection.execute("BEGIN")
            for rows in batch:
                marks = ", ".join("?" for _ in rows.columns)
                connection.executemany(f'INSERT INTO "bare_{rows.table}" VALUES ({marks})', rows.rows)
            connection.execute("COMMIT")

    seconds = timed(run)
    connection.close()
    return seconds


def bare_postgres(url: str, flat: list[list[Rows]]) -> float:
    """A bare COPY per table per batch, one transaction per batch, into index-free empty tables."""
    conninfo = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as connection:
        for rows in flat[0]:
            columns = ", ".join(f'"{c}" text' for c in rows.columns)
            connection.execute(f'CREATE TABLE "bare_{rows.table}" ({columns})'.encode())
        connection.commit()

        def run() -> None:
            for batch in flat:
                with connection.transaction(), connection.cursor() as cursor:
                    for rows in batch:
                        with cursor.copy(f'COPY "bare_{rows.table}" FROM STDIN'.encode()) as copy:
                            for row in rows.rows:
                                copy.write_row(row)

        return timed(run)


def measure(
    store: Store, kind: str, records: Sequence[User] | Sequence[Section], size: int, run: str
) -> float:
    def run_batches() -> None:
        for batch in batches(records, size):
            with store.transaction() as tx:
                if kind == "users":
                    tx.upsert_users(batch, run_id=run)  # type: ignore[arg-type]
                else:
                    tx.upsert_sections(batch, run_id=run)  # type: ignore[arg-type]

    return timed(run_batches)


def report(database: str, kind: str, records: int, rows: int, load: float, again: float, bare: float) -> None:
    print(
        f"{database:9} {kind:8} {records:>8} records {rows:>9} rows | "
        f"load {records / load:>9,.0f} rec/s {rows / load:>10,.0f} rows/s | "
        f"reapply {rows / again:>10,.0f} rows/s | bare {rows / bare:>10,.0f} rows/s | "
        f"load/bare {bare / load:5.2f}  reapply/bare {bare / again:5.2f}"
    )


def bench(
    database: str, url: str, bare: Callable[[list[list[Rows]]], float], data: dict[str, list[T]], size: int
) -> None:  # type: ignore[type-var]
    store = Store.open(url)
    try:
        for kind, records in data.items():
            flat = [flatten(kind, batch) for batch in batches(records, size)]  # type: ignore[arg-type]
            row_count = sum(len(rows.rows) for batch in flat for rows in batch)
            load = measure(store, kind, records, size, "run-1")  # type: ignore[arg-type]
            again = measure(store, kind, records, size, "run-2")  # type: ignore[arg-type]
            report(database, kind, len(records), row_count, load, again, bare(flat))
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
    data = {
        "users": make_users(args.records, rng),
        "sections": make_sections(args.records, rng, args.records),
    }
    print(
        f"generated {args.records} users and {args.records} sections in {time.perf_counter() - started:.1f}s"
    )

    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite:///{directory}/bench.db"
            bench(
                "sqlite", url, lambda flat: bare_sqlite(Path(directory) / "bare.db", flat), data, args.batch
            )  # type: ignore[misc]
    if args.only != "sqlite":
        admin_url = os.environ.get("ROLLCALL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
        admin = sa.create_engine(sa.make_url(admin_url).set(drivername="postgresql+psycopg"))
        schema = f"rollcall_bench_{uuid.uuid4().hex[:8]}"
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        try:
            url = (
                sa.make_url(admin_url)
                .update_query_dict({"options": f"-csearch_path={schema}"})
                .render_as_string(hide_password=False)
            )
            bench("postgres", url, lambda flat: bare_postgres(url, flat), data, args.batch)  # type: ignore[misc]
        finally:
            with admin.begin() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
