"""A hand-built vendor database and v3 truth covering the issue's scenarios (§7), on SQLite or PostgreSQL.

People (v3) and their legacy accounts (key: role, clever id):
- Robin: teacher at A (1: t-robin), staff at B (2: s-robin), district admin (3: d-robin) — all three roles
- Pat: teacher (4: t-pat) + district admin (5: d-pat)
- Alex: teacher at A (6: t-alex) + staff at B (7: s-alex) — different schools
- Casey: teacher (8: t-casey) who is also a parent: a separate v3 contact user (9: c-casey)
- Gale: a contact of three students (10: c-gale)
- students st1, st2, st3 (11, 12, 13): ids unchanged
- an orphaned teacher (14: t-gone), Dana whose account's email disagrees (15: t-dana),
  an account without a Clever id (16), and Eve, a v3 teacher with no account (new).
Application tables: classes(teacher_account_id), class_members(account_id, unique per class),
notes(author_account_id), logins(account_id). Robin's teacher and staff accounts are both members of class 1:
the unique collision.
The same people kept in one table per role (teachers, school_admins, students, parents) are further down
(`build_per_role_legacy`, `per_role_config_text`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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

DISTRICT = "5f0000000000000000000001"
A = "5f00000000000000000000a1"
B = "5f00000000000000000000b1"
ROBIN, PAT, ALEX, CASEY, CASEY_PARENT = "u-robin", "u-pat", "u-alex", "u-casey", "u-casey-parent"
GALE, DANA, EVE = "u-gale", "u-dana", "u-eve"
ST1, ST2, ST3 = "st1", "st2", "st3"


def _user(user_id: str, email: str | None, roles: Roles, first: str = "") -> User:
    return User(
        id=user_id,
        district=DISTRICT,
        name=Name(first=first or user_id[2:].title(), last="Doe"),
        email=email,
        roles=roles,
    )


def _teacher(legacy: str, school: str = A) -> Teacher:
    return Teacher(sis_id=legacy, school=school, schools=[school], legacy_id=legacy)


def _student(school: str = A) -> Student:
    return Student(sis_id="s", school=school, schools=[school])


def people() -> list[User]:
    rels = [StudentRelationship(student=s, relationship="Parent", type="Family") for s in (ST1, ST2, ST3)]
    return [
        _user(ROBIN, "robin@d.org", Roles(
            teacher=_teacher("t-robin", A), staff=Staff(staff_id="S1", schools=[B], legacy_id="s-robin"),
            district_admin=DistrictAdmin(legacy_id="d-robin"))),
        _user(PAT, "pat@d.org", Roles(
            teacher=_teacher("t-pat"), district_admin=DistrictAdmin(legacy_id="d-pat"))),
        _user(ALEX, "alex@d.org", Roles(
            teacher=_teacher("t-alex", A), staff=Staff(staff_id="S2", schools=[B], legacy_id="s-alex"))),
        _user(CASEY, "casey@d.org", Roles(teacher=_teacher("t-casey"))),
        _user(CASEY_PARENT, "casey@home.org", Roles(contact=Contact(
            legacy_id="c-casey", phone="555-0101",
            student_relationships=[StudentRelationship(student=ST1, relationship="Parent", type="Family")]))),
        _user(GALE, "gale@home.org", Roles(contact=Contact(legacy_id="c-gale", student_relationships=rels))),
        _user(ST1, None, Roles(student=_student())),
        _user(ST2, None, Roles(student=_student())),
        _user(ST3, None, Roles(student=_student(B))),
        _user(DANA, "dana@d.org", Roles(teacher=_teacher("t-dana"))),
        _user(EVE, "eve@d.org", Roles(teacher=_teacher("t-eve"))),
    ]  # fmt: skip


# key, clever_id, role, email, last_login
ACCOUNTS: list[tuple[int, str | None, str, str | None, str | None]] = [
    (1, "t-robin", "teacher", "robin@d.org", "2026-05-01 08:00:00"),
    (2, "s-robin", "school_admin", "ROBIN@d.org ", "2026-06-01 08:00:00"),
    (3, "d-robin", "district_admin", None, "2026-04-01 08:00:00"),
    (4, "t-pat", "teacher", "pat@d.org", "2026-06-02 08:00:00"),
    (5, "d-pat", "district_admin", "pat@d.org", None),
    (6, "t-alex", "teacher", "alex@d.org", None),
    (7, "s-alex", "school_admin", "alex@d.org", None),
    (8, "t-casey", "teacher", "casey@d.org", "2026-01-01 00:00:00"),
    (9, "c-casey", "parent", "casey@home.org", None),
    (10, "c-gale", "parent", "", None),
    (11, ST1, "student", None, None),
    (12, ST2, "student", None, None),
    (13, ST3, "student", None, None),
    (14, "t-gone", "teacher", "gone@d.org", None),
    (15, "t-dana", "teacher", "dana.old@elsewhere.org", None),
    (16, None, "teacher", "local@d.org", None),
]
# classes: id, name, teacher_account_id
CLASSES = [(1, "Math", 1), (2, "Art", 2), (3, "Science", 6), (4, "Music", 14)]
# class_members: id, class_id, account_id — accounts 1 and 2 (both Robin) are both in class 1
MEMBERS = [(1, 1, 1), (2, 1, 2), (3, 1, 11), (4, 2, 2), (5, 3, 7), (6, 3, 12), (7, 4, 13)]
NOTES = [(1, 3, "district memo"), (2, 5, "pat's note"), (3, 9, "parent note"), (4, None, "anonymous")]
LOGINS = [
    (1, 1, "2026-05-01"),
    (2, 2, "2026-06-01"),
    (3, 2, "2026-06-02"),
    (4, 4, "2026-06-02"),
    (5, 7, "2026-03-03"),
]


def legacy_metadata() -> tuple[sa.MetaData, dict[str, sa.Table]]:
    md = sa.MetaData()
    tables = {
        "accounts": sa.Table(
            "accounts", md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("clever_id", sa.String(40)),
            sa.Column("role", sa.String(20), nullable=False),
            sa.Column("email", sa.String(100)),
            sa.Column("last_login_at", sa.String(30)),
        ),
        "classes": sa.Table(
            "classes", md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(40)),
            sa.Column("teacher_account_id", sa.Integer, sa.ForeignKey("accounts.id")),
        ),
        "class_members": sa.Table(
            "class_members", md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("class_id", sa.Integer, nullable=False),
            sa.Column("account_id", sa.Integer, nullable=False),
            sa.UniqueConstraint("class_id", "account_id", name="one_membership"),
        ),
        "notes": sa.Table(
            "notes", md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("author_account_id", sa.Integer),
            sa.Column("body", sa.Text),
        ),
        "logins": sa.Table(
            "logins", md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("account_id", sa.Integer, nullable=False),
            sa.Column("at", sa.String(30)),
        ),
    }  # fmt: skip
    return md, tables


def build_legacy(url: str, accounts: list[Any] | None = None) -> None:
    """Create and fill the vendor's tables at `url`."""
    md, tables = legacy_metadata()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        md.create_all(connection)
        rows = {
            "accounts": [
                dict(zip(("id", "clever_id", "role", "email", "last_login_at"), a, strict=True))
                for a in accounts or ACCOUNTS
            ],
            "classes": [dict(zip(("id", "name", "teacher_account_id"), c, strict=True)) for c in CLASSES],
            "class_members": [dict(zip(("id", "class_id", "account_id"), m, strict=True)) for m in MEMBERS],
            "notes": [dict(zip(("id", "author_account_id", "body"), n, strict=True)) for n in NOTES],
            "logins": [dict(zip(("id", "account_id", "at"), g, strict=True)) for g in LOGINS],
        }
        for name, values in rows.items():
            connection.execute(tables[name].insert(), values)
    engine.dispose()


def query(url: str, sql: str) -> list[tuple[object, ...]]:
    """The rows a query returns from the vendor database at `url` (its own engine, disposed after)."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = [tuple(row) for row in connection.exec_driver_sql(sql)]
    engine.dispose()
    return found


def run_sql(url: str, sql: str) -> None:
    """Run one statement in its own transaction against the vendor database at `url`."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(sql)
    engine.dispose()


def write_truth(url: str, users: list[User] | None = None) -> None:
    with Store.open(url) as store, store.transaction() as tx:
        tx.upsert_district(District(id=DISTRICT, name="Sample"), run_id="r")
        tx.upsert_users(users if users is not None else people(), run_id="r")


def config_text(
    legacy_url: str,
    store_url: str,
    *,
    multi_role: str = "consolidate",
    survivor: str = "role_order",
    extra: str = "",
    batch_size: int = 3,
) -> str:
    return f"""
[legacy]
url = "{legacy_url}"
batch_size = {batch_size}

[legacy.accounts]
table = "accounts"
key = "id"
clever_id = "clever_id"
role = "role"
email = "email"
last_login = "last_login_at"
v3_id = "clever_user_id"
merged_into = "merged_into"

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
store = "{store_url}"
{extra}

[strategy]
multi_role = "{multi_role}"
survivor = "{survivor}"
role_order = ["district_admin", "staff", "teacher"]
"""


def write_config(path: Path, legacy_url: str, store_url: str, **options: Any) -> Path:
    path.write_text(config_text(legacy_url, store_url, **options), encoding="utf-8")
    return path


def dump(url: str) -> dict[str, object]:
    """A canonical dump of every vendor table (rollcall's own left out): schema and rows in key order."""
    engine = sa.create_engine(url)
    out: dict[str, object] = {}
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        for name in sorted(inspector.get_table_names()):
            if name.startswith("rollcall_"):
                continue
            columns = [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                for c in inspector.get_columns(name)
            ]
            schema: dict[str, object] = {
                "columns": columns,
                "pk": inspector.get_pk_constraint(name),
                "unique": sorted(map(str, inspector.get_unique_constraints(name))),
                "indexes": sorted(map(str, inspector.get_indexes(name))),
                "fks": sorted(map(str, inspector.get_foreign_keys(name))),
            }
            if connection.dialect.name == "sqlite":
                schema["sql"] = connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name = ?", (name,)
                ).scalar_one()
            table = sa.Table(name, sa.MetaData(), autoload_with=connection)
            rows = connection.execute(
                sa.select(table).order_by(*table.primary_key.columns or table.columns)
            ).all()
            out[name] = {"schema": schema, "rows": [tuple(row) for row in rows]}
    engine.dispose()
    return out


# Per-role account tables (the same v3 truth): one table per Clever role, keys colliding across tables
# (teachers 1 and school_admins 1 are both Robin's; teachers 2 is Pat's, school_admins 2 Alex's), students
# keyed by text. Robin and Alex each have a teacher and a staff account. Ambiguous: teachers 6 (Dana's email
# disagrees), teachers 7 (Alex's staff id in the teachers table), school_admins 3 (Pat's district-admin id in
# the staff table). Orphaned: teachers 5. Without a Clever id: teachers 8. school_admins already has a
# clever_user_id column (1 holds 'old', 3 holds 'stale'): apply overwrites 1 and rollback restores it.
TEACHERS: list[tuple[int, str | None, str | None, str | None]] = [
    (1, "t-robin", "robin@d.org", "2026-05-01 08:00:00"),
    (2, "t-pat", "pat@d.org", None),
    (3, "t-alex", "alex@d.org", None),
    (4, "t-casey", "casey@d.org", None),
    (5, "t-gone", "gone@d.org", None),
    (6, "t-dana", "dana.old@elsewhere.org", None),
    (7, "s-alex", "alex@d.org", None),
    (8, None, "local@d.org", None),
]
SCHOOL_ADMINS: list[tuple[int, str, str, str | None]] = [
    (1, "s-robin", "ROBIN@d.org ", "old"),
    (2, "s-alex", "alex@d.org", None),
    (3, "d-pat", "pat@d.org", "stale"),
]
STUDENTS = [("S-001", ST1), ("S-002", ST2), ("S-003", ST3)]
PARENTS = [(1, "c-casey", "casey@home.org"), (2, "c-gale", "")]
# classes: id, name, teacher_id; enrollments: id, class_id, student_id; admin_notes: id, admin_id, body
PER_ROLE_CLASSES = [(1, "Math", 1), (2, "Art", 3), (3, "Music", 5)]
ENROLLMENTS = [(1, 1, "S-001"), (2, 1, "S-002"), (3, 2, "S-003")]
ADMIN_NOTES = [(1, 1, "memo"), (2, 2, "note")]


def per_role_metadata() -> tuple[sa.MetaData, dict[str, sa.Table]]:
    md = sa.MetaData()
    tables = {
        "teachers": sa.Table(
            "teachers", md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("clever_id", sa.String(40)),
            sa.Column("email", sa.String(100)),
            sa.Column("last_login_at", sa.String(30)),
        ),
        "school_admins": sa.Table(
            "school_admins", md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("clever_id", sa.String(40)),
            sa.Column("email", sa.String(100)),
            sa.Column("clever_user_id", sa.String(64)),
        ),
        "students": sa.Table(
            "students", md,
            sa.Column("id", sa.String(10), primary_key=True),
            sa.Column("clever_id", sa.String(40)),
        ),
        "parents": sa.Table(
            "parents", md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("clever_id", sa.String(40)),
            sa.Column("email", sa.String(100)),
        ),
        "classes": sa.Table(
            "classes", md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(40)),
            sa.Column("teacher_id", sa.Integer, sa.ForeignKey("teachers.id")),
        ),
        "enrollments": sa.Table(
            "enrollments", md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("class_id", sa.Integer, nullable=False),
            sa.Column("student_id", sa.String(10), nullable=False),
            sa.UniqueConstraint("class_id", "student_id", name="one_enrollment"),
        ),
        "admin_notes": sa.Table(
            "admin_notes", md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("admin_id", sa.Integer),
            sa.Column("body", sa.Text),
        ),
    }  # fmt: skip
    return md, tables


def build_per_role_legacy(url: str) -> None:
    """Create and fill the per-role vendor tables at `url`."""
    md, tables = per_role_metadata()
    columns = {
        "teachers": ("id", "clever_id", "email", "last_login_at"),
        "school_admins": ("id", "clever_id", "email", "clever_user_id"),
        "students": ("id", "clever_id"),
        "parents": ("id", "clever_id", "email"),
        "classes": ("id", "name", "teacher_id"),
        "enrollments": ("id", "class_id", "student_id"),
        "admin_notes": ("id", "admin_id", "body"),
    }
    rows: dict[str, list[Any]] = {
        "teachers": TEACHERS, "school_admins": SCHOOL_ADMINS, "students": STUDENTS, "parents": PARENTS,
        "classes": PER_ROLE_CLASSES, "enrollments": ENROLLMENTS, "admin_notes": ADMIN_NOTES,
    }  # fmt: skip
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        md.create_all(connection)
        for name, values in rows.items():
            names = columns[name]
            connection.execute(tables[name].insert(), [dict(zip(names, v, strict=True)) for v in values])
    engine.dispose()


def per_role_config_text(
    legacy_url: str, store_url: str, *, multi_role: str = "role-specific", batch_size: int = 3
) -> str:
    return f"""
[legacy]
url = "{legacy_url}"
batch_size = {batch_size}

[legacy.accounts.teacher]
table = "teachers"
key = "id"
clever_id = "clever_id"
email = "email"
last_login = "last_login_at"

[legacy.accounts.staff]
table = "school_admins"
key = "id"
clever_id = "clever_id"
email = "email"

[legacy.accounts.student]
table = "students"
key = "id"
clever_id = "clever_id"

[legacy.accounts.contact]
table = "parents"
key = "id"
clever_id = "clever_id"
email = "email"
v3_id = "v3_user_id"

[[legacy.references]]
table = "classes"
column = "teacher_id"
accounts = "teacher"

[[legacy.references]]
table = "enrollments"
column = "student_id"
accounts = "student"

[[legacy.references]]
table = "admin_notes"
column = "admin_id"
accounts = "staff"

[clever]
store = "{store_url}"

[strategy]
multi_role = "{multi_role}"
"""


def write_per_role_config(path: Path, legacy_url: str, store_url: str, **options: Any) -> Path:
    path.write_text(per_role_config_text(legacy_url, store_url, **options), encoding="utf-8")
    return path
