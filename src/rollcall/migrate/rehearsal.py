"""A rehearsal vendor database: the v2-keyed accounts a vendor's app holds (one per role a person had,
contacts included) and the application rows pointing at them, built from a Clever v2.1 API such as the
emulator's, with the config to migrate it. What `rollcall demo` migrates, to rehearse on."""

from __future__ import annotations

import random
from typing import Final

import sqlalchemy as sa

from rollcall.client import CleverClient
from rollcall.domain.user import User

ORPHAN_ID: Final = "5a0000000000000000dead01"  # a teacher removed from Clever since: its account is orphaned
ROLE_VALUES: Final = {
    "teacher": "teacher", "staff": "school_admin", "district_admin": "district_admin",
    "student": "student", "contact": "parent",
}  # fmt: skip


def _schema() -> tuple[sa.MetaData, dict[str, sa.Table]]:
    md = sa.MetaData()
    key = sa.Integer
    tables = {
        "accounts": sa.Table(
            "accounts", md, sa.Column("id", key, primary_key=True), sa.Column("clever_id", sa.String(24)),
            sa.Column("role", sa.String(20), nullable=False), sa.Column("email", sa.String(200)),
            sa.Column("name", sa.String(200)), sa.Column("last_login_at", sa.String(30)),
        ),
        "classes": sa.Table(
            "classes", md, sa.Column("id", key, primary_key=True),
            sa.Column("clever_section_id", sa.String(24)),
            sa.Column("name", sa.String(200)), sa.Column("teacher_account_id", key),
        ),
        "class_members": sa.Table(
            "class_members", md, sa.Column("id", key, primary_key=True), sa.Column("class_id", key),
            sa.Column("account_id", key), sa.UniqueConstraint("class_id", "account_id"),
        ),
        "assignments": sa.Table(
            "assignments", md, sa.Column("id", key, primary_key=True), sa.Column("class_id", key),
            sa.Column("author_account_id", key), sa.Column("title", sa.String(200)),
        ),
        "notes": sa.Table(
            "notes", md, sa.Column("id", key, primary_key=True), sa.Column("author_account_id", key),
            sa.Column("body", sa.Text),
        ),
        "logins": sa.Table(
            "logins", md, sa.Column("id", key, primary_key=True), sa.Column("account_id", key),
            sa.Column("at", sa.String(30)),
        ),
    }  # fmt: skip
    return md, tables


def _when(rng: random.Random) -> str:
    return f"2026-{rng.randint(1, 8):02d}-{rng.randint(1, 28):02d} {rng.randint(6, 18):02d}:00:00"


def build_legacy_database(v2: CleverClient, url: str, person: User, *, seed: str) -> dict[str, int]:
    """The vendor's v2-keyed database at `url`, built from the v2.1 API; returns rows per table. `person`'s
    accounts also share one of their classes, so re-pointing them meets a unique collision."""
    rng = random.Random(seed)
    accounts: list[dict[str, object]] = []
    key_of: dict[str, int] = {}

    def add(clever_id: str, role: str, email: str | None, name: str, login: str | None) -> int:
        key = len(accounts) + 1
        accounts.append({"id": key, "clever_id": clever_id, "role": ROLE_VALUES[role], "email": email,
                         "name": name, "last_login_at": login})  # fmt: skip
        key_of[clever_id] = key
        return key

    for t in v2.iter(v2.endpoints.teachers()):
        add(t.id, "teacher", t.email, f"{t.name.first} {t.name.last}", _when(rng))
    for s in v2.iter(v2.endpoints.school_admins()):
        add(s.id, "staff", s.email, f"{s.name.first} {s.name.last}", _when(rng))
    for d in v2.iter(v2.endpoints.district_admins()):
        add(d.id, "district_admin", d.email, f"{d.name.first} {d.name.last}", _when(rng))
    for student in v2.iter(v2.endpoints.students()):
        add(student.id, "student", student.email, f"{student.name.first} {student.name.last}", None)
    for contact in v2.iter(v2.endpoints.contacts()):
        add(contact.id, "contact", contact.email, contact.name, None)
    orphan = add(ORPHAN_ID, "teacher", "gone@example.org", "Former Teacher", "2025-06-01 08:00:00")
    own = set(person.legacy_ids().values())
    for account in accounts:  # one teacher account whose email moved on since: ambiguous
        if account["role"] == "teacher" and account["email"] and account["clever_id"] not in own:
            account["email"] = f"old.{account['email']}"
            break
    classes: list[dict[str, object]] = []
    members: list[dict[str, object]] = []
    for section in v2.iter(v2.endpoints.sections()):
        teacher = key_of.get(section.teacher or "")
        class_id = len(classes) + 1
        classes.append({"id": class_id, "clever_section_id": section.id, "name": section.name,
                        "teacher_account_id": teacher})  # fmt: skip
        for member in {key_of[i] for i in [*section.teachers, *section.students] if i in key_of}:
            members.append({"id": len(members) + 1, "class_id": class_id, "account_id": member})
    # The demo person's other accounts joined one of their classes too: re-pointing meets a unique collision.
    person_keys = [key_of[legacy] for legacy in person.legacy_ids().values() if legacy in key_of]
    taught = [c for c in classes if c["teacher_account_id"] in person_keys]
    for key in person_keys[1:]:
        if taught and not any(m["class_id"] == taught[0]["id"] and m["account_id"] == key for m in members):
            members.append({"id": len(members) + 1, "class_id": taught[0]["id"], "account_id": key})
    assignments = [
        {
            "id": n + 1,
            "class_id": c["id"],
            "author_account_id": c["teacher_account_id"],
            "title": f"Week {n % 9 + 1}",
        }
        for n, c in enumerate(classes)
    ]
    employees = [a for a in accounts if a["role"] in ("teacher", "school_admin", "district_admin")]
    notes = [{"id": n + 1, "author_account_id": a["id"], "body": "note"} for n, a in enumerate(employees)]
    notes.append({"id": len(notes) + 1, "author_account_id": orphan, "body": "left a note before leaving"})
    logins = [
        {"id": n + 1, "account_id": a["id"], "at": a["last_login_at"]}
        for n, a in enumerate(a for a in accounts if a["last_login_at"])
    ]
    md, tables = _schema()
    engine = sa.create_engine(url)
    rows = {"accounts": accounts, "classes": classes, "class_members": members, "assignments": assignments,
            "notes": notes, "logins": logins}  # fmt: skip
    with engine.begin() as connection:
        md.create_all(connection)
        for name, values in rows.items():
            if values:
                connection.execute(tables[name].insert(), values)
    engine.dispose()
    return {name: len(values) for name, values in rows.items()}


def rehearsal_config(legacy_url: str, store_url: str) -> str:
    """The migration config of the rehearsal database (consolidate, survivor by role order)."""
    references = [
        ("classes", "teacher_account_id"), ("class_members", "account_id"),
        ("assignments", "author_account_id"), ("notes", "author_account_id"), ("logins", "account_id"),
    ]  # fmt: skip
    refs = "".join(f'\n[[legacy.references]]\ntable = "{t}"\ncolumn = "{c}"\n' for t, c in references)
    values = "".join(f'{role} = "{value}"\n' for role, value in ROLE_VALUES.items())
    return f"""[legacy]
url = "{legacy_url}"
batch_size = 500

[legacy.accounts]
table = "accounts"
key = "id"
clever_id = "clever_id"
role = "role"
email = "email"
last_login = "last_login_at"

[legacy.accounts.role_values]
{values}{refs}
[clever]
store = "{store_url}"

[strategy]
multi_role = "consolidate"
survivor = "role_order"
role_order = ["district_admin", "staff", "teacher"]
"""
