"""The v2 → v3 account migration of a generated vendor database, on SQLite and on PostgreSQL, next to the
database's own floor for the same updates measured in the same run. Prints wall time per phase (plan, apply,
verify, rollback), rows/s, peak RSS and the ratio of plan + apply + verify to the floor, and to a bound: the
reads each phase must make (through the drivers' cursors, nothing built from the rows) plus the floor.

    PYTHONPATH=src python benchmarks/bench_migrate.py [--students 50000] [--largest] [--only sqlite|postgres]

The legacy database of S students holds ≈ 1.19 S accounts (students, teachers S/16, staff S/100 of whom 40 %
also teach, 20 district admins of whom 5 teach, contacts 0.12 S) and ≈ 5 S application rows (class
memberships 4 S with a unique (class, account), classes, notes, logins), all pointing at account keys; the
v3 truth is a store holding the matching v3 users. `--largest` is ≈ 1 M students (≈ 1.2 M accounts, ≈ 5 M
rows). The floor: the same database doing the same writes by itself — the v3-id / survivor map loaded into a
table, then one `UPDATE … FROM` per table (accounts and each reference column) and the contacts inserted,
one transaction. Each phase runs in a fresh process so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from machine import peak_rss_mib  # a phase's own peak, not its parent's

LARGEST = 1_000_000
POSTGRES_URL = os.environ.get("ROLLCALL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
DISTRICT = "5f0000000000000000000001"
SCHOOL = "5f00000000000000000000a1"


def _oid(prefix: str, n: int) -> str:
    return f"{prefix}{n:022x}"


def generate(students: int, legacy_url: str, store_url: str | None) -> dict[str, int]:
    """Fill the legacy database (and, when given, the v3 truth store) for `students` students."""
    import sqlalchemy as sa

    from rollcall.domain.district import District
    from rollcall.domain.record import Name
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

    rng = random.Random(7)
    teachers, staff, admins, contacts = students // 16, max(students // 100, 1), 20, students * 12 // 100
    users: list[User] = []
    accounts: list[tuple[int, str, str, str | None, str | None]] = []

    def account(clever_id: str, role: str, email: str | None) -> int:
        accounts.append(
            (len(accounts) + 1, clever_id, role, email, f"2026-0{rng.randint(1, 8)}-1{rng.randint(0, 9)}")
        )
        return len(accounts)

    student_keys = []
    for n in range(students):
        user_id = _oid("5b", n)
        users.append(User(id=user_id, district=DISTRICT, name=Name(first="S"), roles=Roles(
            student=Student(sis_id=str(n), school=SCHOOL, schools=[SCHOOL]))))  # fmt: skip
        student_keys.append(account(user_id, "student", None))
    teacher_keys, employee_keys = [], []
    multi = staff * 4 // 10
    for n in range(teachers):
        email = f"t{n}@d.org"
        roles = Roles(
            teacher=Teacher(sis_id=f"T{n}", school=SCHOOL, schools=[SCHOOL], legacy_id=_oid("7a", n))
        )
        if n < multi:
            roles = Roles(
                teacher=roles.teacher,
                staff=Staff(staff_id=f"S{n}", schools=[SCHOOL], legacy_id=_oid("7b", n)),
            )
        elif n < multi + 5:
            roles = Roles(teacher=roles.teacher, district_admin=DistrictAdmin(legacy_id=_oid("7c", n)))
        users.append(
            User(id=_oid("6a", n), district=DISTRICT, name=Name(first="T"), email=email, roles=roles)
        )
        teacher_keys.append(account(_oid("7a", n), "teacher", email))
        if roles.staff is not None:
            employee_keys.append(account(_oid("7b", n), "school_admin", email))
        if roles.district_admin is not None:
            employee_keys.append(account(_oid("7c", n), "district_admin", email))
    for n in range(staff - multi):
        legacy = _oid("7d", n)
        users.append(User(id=_oid("6b", n), district=DISTRICT, name=Name(first="F"), roles=Roles(
            staff=Staff(staff_id=f"X{n}", schools=[SCHOOL], legacy_id=legacy))))  # fmt: skip
        employee_keys.append(account(legacy, "school_admin", None))
    for n in range(admins - 5):
        legacy = _oid("7e", n)
        users.append(User(id=_oid("6c", n), district=DISTRICT, name=Name(first="A"), roles=Roles(
            district_admin=DistrictAdmin(legacy_id=legacy))))  # fmt: skip
        employee_keys.append(account(legacy, "district_admin", None))
    for n in range(contacts):
        legacy = _oid("7f", n)
        kids = rng.sample(range(students), k=min(students, rng.randint(1, 2)))
        rels = [
            StudentRelationship(student=_oid("5b", k), relationship="Parent", type="Family") for k in kids
        ]
        users.append(User(id=_oid("6d", n), district=DISTRICT, name=Name(first="C"), roles=Roles(
            contact=Contact(legacy_id=legacy, student_relationships=rels))))  # fmt: skip
        account(legacy, "parent", None)
    employee_keys += teacher_keys
    classes = [
        (n + 1, f"class {n}", teacher_keys[n % len(teacher_keys)]) for n in range(max(teachers * 5, 1))
    ]
    members: list[tuple[int, int, int]] = []
    for key in student_keys:
        for class_id in rng.sample(range(1, len(classes) + 1), k=min(4, len(classes))):
            members.append((len(members) + 1, class_id, key))
    # A teacher-and-staff person's two accounts both joined their own class: re-pointing the absorbed teacher
    # account onto the surviving staff account (role order) meets the unique (class, account): a duplicate.
    for n in range(multi):
        members.append((len(members) + 1, classes[n][0], employee_keys[n]))
        members.append((len(members) + 1, classes[n][0], teacher_keys[n]))
    notes = [(n + 1, rng.choice(employee_keys), "note") for n in range(students // 2)]
    logins = [(n + 1, rng.choice(employee_keys), "2026-06-01") for n in range(students // 10)]

    engine = sa.create_engine(legacy_url)
    md = sa.MetaData()
    tables = {
        "accounts": sa.Table("accounts", md, sa.Column("id", sa.Integer, primary_key=True),
                             sa.Column("clever_id", sa.String(24)), sa.Column("role", sa.String(20)),
                             sa.Column("email", sa.String(100)), sa.Column("last_login_at", sa.String(30))),
        "classes": sa.Table("classes", md, sa.Column("id", sa.Integer, primary_key=True),
                            sa.Column("name", sa.Text),
                            sa.Column("teacher_account_id", sa.Integer, index=True)),
        "class_members": sa.Table("class_members", md, sa.Column("id", sa.Integer, primary_key=True),
                                  sa.Column("class_id", sa.Integer),
                                  sa.Column("account_id", sa.Integer, index=True),
                                  sa.UniqueConstraint("class_id", "account_id")),
        "notes": sa.Table("notes", md, sa.Column("id", sa.Integer, primary_key=True),
                          sa.Column("author_account_id", sa.Integer, index=True), sa.Column("body", sa.Text)),
        "logins": sa.Table("logins", md, sa.Column("id", sa.Integer, primary_key=True),
                           sa.Column("account_id", sa.Integer, index=True), sa.Column("at", sa.Text)),
    }  # fmt: skip
    rows: dict[str, Sequence[tuple[object, ...]]] = {
        "accounts": accounts,
        "classes": classes,
        "class_members": members,
        "notes": notes,
        "logins": logins,
    }
    with engine.begin() as connection:
        md.create_all(connection)
        for name, values in rows.items():
            columns = [c.name for c in tables[name].columns]
            if connection.dialect.name == "postgresql":  # COPY: executemany of 6 M rows took 20 minutes
                cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
                with cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
                continue
            for start in range(0, len(values), 50_000):
                chunk = [dict(zip(columns, row, strict=True)) for row in values[start : start + 50_000]]
                connection.execute(tables[name].insert(), chunk)
    engine.dispose()
    if store_url is not None:
        with Store.open(store_url) as store:
            with store.transaction() as tx:
                tx.upsert_district(District(id=DISTRICT, name="Bench"), run_id="bench")
            for start in range(0, len(users), 20_000):
                with store.transaction() as tx:
                    tx.upsert_users(users[start : start + 20_000], run_id="bench")
    return {"accounts": len(accounts), "app_rows": sum(len(v) for k, v in rows.items() if k != "accounts"),
            "users": len(users)}  # fmt: skip


CONFIG = """
[legacy]
url = "{legacy}"
batch_size = 20000

[legacy.accounts]
table = "accounts"
key = "id"
clever_id = "clever_id"
role = "role"
email = "email"
last_login = "last_login_at"

[legacy.accounts.role_values]
teacher = "teacher"
staff = "school_admin"
district_admin = "district_admin"
student = "student"
contact = "parent"

[[legacy.references]]
table = "classes"
column = "teacher_account_id"

[[legacy.references]]
table = "class_members"
column = "account_id"

[[legacy.references]]
table = "notes"
column = "author_account_id"

[[legacy.references]]
table = "logins"
column = "account_id"

[clever]
store = "{store}"

[strategy]
multi_role = "consolidate"
survivor = "role_order"
"""


def _config(legacy_url: str, store_url: str, directory: Path) -> object:
    from rollcall.migrate import load_config

    path = directory / f"migrate-{uuid.uuid4().hex[:6]}.toml"
    path.write_text(CONFIG.format(legacy=legacy_url, store=store_url), encoding="utf-8")
    return load_config(path)


def phase_migrate(legacy_url: str, store_url: str, directory: Path) -> dict[str, object]:
    """plan, apply, verify, rollback with rollcall; seconds of each."""
    from rollcall.migrate import apply_plan, plan_migration, rollback_migration, verify_migration

    config = _config(legacy_url, store_url, directory)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    plan = plan_migration(config)  # type: ignore[arg-type]
    timings["plan"] = time.perf_counter() - started
    started = time.perf_counter()
    report = apply_plan(plan, config)  # type: ignore[arg-type]
    timings["apply"] = time.perf_counter() - started
    started = time.perf_counter()
    verified = verify_migration(config)  # type: ignore[arg-type]
    timings["verify"] = time.perf_counter() - started
    if not verified.ok:
        raise SystemExit(f"verify failed: {verified.failures[:5]}")
    started = time.perf_counter()
    rollback_migration(config)  # type: ignore[arg-type]
    timings["rollback"] = time.perf_counter() - started
    written = report.accounts_updated + report.rows_repointed + report.rows_deduplicated
    written += report.contacts_created + report.relationships_created
    merged = {"merges": len(plan.merges), "duplicates": report.rows_deduplicated}
    return {"seconds": timings, "rows": written, **merged}


def phase_floor(legacy_url: str, store_url: str, directory: Path) -> dict[str, object]:
    """The same writes done by the database itself: the map loaded into a table, one UPDATE … FROM per table,
    the contacts inserted; one transaction. The map comes from a plan made first (not timed)."""
    import sqlalchemy as sa

    from rollcall.migrate import plan_migration
    from rollcall.migrate.legacy import insert_rows
    from rollcall.migrate.plan import ContactRow, RelationshipRow

    config = _config(legacy_url, store_url, directory)
    plan = plan_migration(config)  # type: ignore[arg-type]
    writes = plan.account_writes()
    engine = sa.create_engine(legacy_url)
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE accounts ADD COLUMN clever_user_id VARCHAR(64)")
        connection.exec_driver_sql("ALTER TABLE accounts ADD COLUMN merged_into INTEGER")
        connection.exec_driver_sql(
            "CREATE TABLE floor_map (k INTEGER PRIMARY KEY, v3 VARCHAR(64), survivor INTEGER)"
        )
        mapping = sa.table("floor_map", sa.column("k"), sa.column("v3"), sa.column("survivor"))
        # the driver's own executemany, as apply loads its map (SQLAlchemy's per-row parameters cost seconds)
        insert_rows(connection, mapping, ["k", "v3", "survivor"], [(k, v3, into) for k, v3, into in writes])
        connection.exec_driver_sql(
            "UPDATE accounts SET clever_user_id = m.v3, merged_into = m.survivor "
            "FROM floor_map m WHERE accounts.id = m.k"
        )
        for table, column in (("classes", "teacher_account_id"), ("class_members", "account_id"),
                              ("notes", "author_account_id"), ("logins", "account_id")):  # fmt: skip
            if table == "class_members":  # the unique collisions, as one statement too
                connection.exec_driver_sql(
                    "DELETE FROM class_members WHERE id IN "
                    "(SELECT a.id FROM class_members a JOIN floor_map m "
                    "ON a.account_id = m.k AND m.survivor IS NOT NULL JOIN class_members b "
                    "ON b.class_id = a.class_id AND b.account_id = m.survivor)"
                )
            connection.exec_driver_sql(
                f"UPDATE {table} SET {column} = m.survivor FROM floor_map m "
                f"WHERE {table}.{column} = m.k AND m.survivor IS NOT NULL"
            )
        connection.exec_driver_sql(
            "CREATE TABLE floor_contacts "
            "(user_id VARCHAR(64) PRIMARY KEY, legacy_id TEXT, name TEXT, email TEXT, phone TEXT)"
        )
        connection.exec_driver_sql(
            "CREATE TABLE floor_rels (contact_user_id VARCHAR(64), student_id VARCHAR(64), "
            "student_account_key INTEGER, relationship TEXT, type TEXT, "
            "PRIMARY KEY (contact_user_id, student_id))"
        )
        contacts = sa.table(
            "floor_contacts", *(sa.column(c) for c in ("user_id", "legacy_id", "name", "email", "phone"))
        )
        rels = sa.table(
            "floor_rels",
            *(
                sa.column(c)
                for c in ("contact_user_id", "student_id", "student_account_key", "relationship", "type")
            ),
        )
        import msgspec

        insert_rows(connection, contacts, list(ContactRow.__struct_fields__),
                    [msgspec.structs.astuple(c) for c in plan.contacts])  # fmt: skip
        insert_rows(connection, rels, list(RelationshipRow.__struct_fields__),
                    [msgspec.structs.astuple(r) for r in plan.relationships])  # fmt: skip
    seconds = time.perf_counter() - started
    engine.dispose()
    return {"seconds": seconds, "rows": len(writes) + len(plan.contacts) + len(plan.relationships)}


def phase_reads(legacy_url: str, store_url: str, directory: Path) -> dict[str, object]:
    """What a plan must read, and a verify that re-derives the outcome reads again, through the drivers' own
    cursors with nothing built from the rows: the accounts from the legacy database, then every role and the
    contacts' records from the truth store. Apply's stale check reads the accounts once more."""
    import sqlite3

    import sqlalchemy as sa

    engine = sa.create_engine(legacy_url)
    started = time.perf_counter()
    rows = 0
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT id, clever_id, role, email, last_login_at FROM accounts ORDER BY id")
        while chunk := cursor.fetchmany(20_000):
            rows += len(chunk)
    finally:
        connection.close()
        engine.dispose()
    accounts = time.perf_counter() - started
    store = sqlite3.connect(sa.make_url(store_url).database or "")
    try:
        for statement in (
            "SELECT u.id, u.email, r.role, r.legacy_id FROM user_roles r JOIN users u ON u.id = r.user_id "
            "WHERE r.district_id = ? AND u.deleted_at IS NULL ORDER BY r.user_id, r.role",
            "SELECT u.id, u.payload FROM user_roles r JOIN users u ON u.id = r.user_id "
            "WHERE r.district_id = ? AND r.role = 'contact' AND u.deleted_at IS NULL ORDER BY r.user_id",
        ):
            rows_of = store.execute(statement, (DISTRICT,))
            while chunk := rows_of.fetchmany(20_000):
                rows += len(chunk)
    finally:
        store.close()
    return {"seconds": time.perf_counter() - started, "accounts_seconds": accounts, "rows": rows}


def run_phase(args: list[str]) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    done = subprocess.run(
        [sys.executable, __file__, "--phase", *args], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"phase {args[0]} failed:\n{done.stderr}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _postgres_schema() -> str:
    import sqlalchemy as sa

    schema = f"bench_migrate_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(sa.make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"))
    with engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    url = sa.make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def _drop_schema(url: str) -> None:
    import sqlalchemy as sa

    schema = url.rsplit("search_path%3D", 1)[-1].rsplit("=", 1)[-1]
    engine = sa.create_engine(sa.make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"))
    with engine.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--largest", action="store_true", help=f"{LARGEST:,} students")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.phase:
        kind, legacy_url, store_url, directory = options.phase
        phase = {"migrate": phase_migrate, "floor": phase_floor, "reads": phase_reads}[kind]
        result = phase(legacy_url, store_url, Path(directory))
        result["peak_rss_mib"] = peak_rss_mib()
        print(json.dumps(result))
        return
    students = LARGEST if options.largest else options.students
    with tempfile.TemporaryDirectory(prefix="bench-migrate-") as scratch:
        root = Path(scratch)
        store_url = f"sqlite:///{root}/truth.db"
        kinds = [options.only] if options.only else ["sqlite", "postgres"]
        started = time.perf_counter()
        sizes: dict[str, int] = {}
        for kind in kinds:
            if kind == "sqlite":
                source = f"sqlite:///{root}/legacy.db"
                sizes = generate(
                    students, source, store_url if not Path(f"{root}/truth.db").exists() else None
                )
                shutil.copy(root / "legacy.db", root / "floor.db")
                legacy, floor = source, f"sqlite:///{root}/floor.db"
            else:
                legacy, floor = _postgres_schema(), _postgres_schema()
                sizes = generate(
                    students, legacy, store_url if not Path(f"{root}/truth.db").exists() else None
                )
                generate(students, floor, None)
            print(f"{kind}: {students:,} students, {sizes['accounts']:,} accounts, {sizes['app_rows']:,} "
                  f"application rows, {sizes['users']:,} v3 users "
                  f"(generated in {time.perf_counter() - started:.0f} s)")  # fmt: skip
            try:
                ours = run_phase(["migrate", legacy, store_url, scratch])
                base = run_phase(["floor", floor, store_url, scratch])
                reads = run_phase(["reads", legacy, store_url, scratch])
            finally:
                if kind == "postgres":
                    _drop_schema(legacy)
                    _drop_schema(floor)
            seconds: dict[str, float] = ours["seconds"]  # type: ignore[assignment]
            total = seconds["plan"] + seconds["apply"] + seconds["verify"]
            floor_seconds = float(base["seconds"])  # type: ignore[arg-type]
            rows = int(ours["rows"])  # type: ignore[call-overload]
            peak = float(ours["peak_rss_mib"])  # type: ignore[arg-type]
            print(f"  rollcall  plan {seconds['plan']:6.1f} s  apply {seconds['apply']:6.1f} s  "
                  f"verify {seconds['verify']:6.1f} s  rollback {seconds['rollback']:6.1f} s  "
                  f"({ours['merges']} merges, {ours['duplicates']} duplicates removed) "
                  f"peak RSS {peak:6.0f} MiB")  # fmt: skip
            print(f"  floor     {floor_seconds:6.1f} s  {int(base['rows']) / floor_seconds:10,.0f} rows/s  "  # type: ignore[call-overload]
                  f"peak RSS {float(base['peak_rss_mib']):6.0f} MiB")  # type: ignore[arg-type]  # fmt: skip
            print(f"  apply     {rows / seconds['apply']:10,.0f} rows/s;  "
                  f"apply vs floor {seconds['apply'] / floor_seconds:5.2f}x;  "
                  f"plan + apply + verify {total:6.1f} s vs floor {total / floor_seconds:5.2f}x")  # fmt: skip
            # The least plan + apply + verify can take while each reads what it checks: plan and verify read
            # both sources, apply reads the accounts (stale check) and makes the floor's writes.
            read_seconds = float(reads["seconds"])  # type: ignore[arg-type]
            accounts_again = float(reads["accounts_seconds"])  # type: ignore[arg-type]
            read_rows = int(reads["rows"])  # type: ignore[call-overload]
            bound = 2 * read_seconds + accounts_again + floor_seconds
            print(f"  reads     {read_seconds:6.1f} s  ({read_rows:,} rows by the drivers' cursors);  "
                  f"plan vs reads {seconds['plan'] / read_seconds:5.2f}x;  "
                  f"verify vs reads {seconds['verify'] / read_seconds:5.2f}x")  # fmt: skip
            print(f"  bound     {bound:6.1f} s = 2 x reads + the accounts again + floor "
                  f"({bound / floor_seconds:4.2f}x floor);  "
                  f"plan + apply + verify vs bound {total / bound:5.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
