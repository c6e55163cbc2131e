"""Access checks on a generated district whose facts are read from a synced store: the engine's index build
(time, memory), then checks/s and p50/p99 latency over a realistic mix of questions, side by side in the same
run with pycasbin (RBAC with domains, the usual way Python apps model per-school roles, given the same facts
and the same default policy) and with one plain SQL query per check against the same store.

    PYTHONPATH=src python benchmarks/bench_access.py [--students 100000 | --largest] [--db URL] [--checks N]

Without --db the store is built first in a child process: the roster generator's district written into a
fresh SQLite file through the store's own batches as a first full sync writes it (every collection in pages
of 10 000 records in id order). With --db the store is reused (the district is the first one it holds).
Index memory is the RSS growth of building the engine, beside the store's size on disk. Throughput is checks
per CPU-second of the measuring process (the machine is shared); latencies are per check, in this thread's
CPU time (the figure reported; reading that clock is a system call, so it includes about a microsecond of
measuring, printed as "the clocks alone") and in wall time (in parentheses; it carries any wait for a core).
The load average is printed beside them. pycasbin gets every role assignment of every user the
questions ask about (and every policy line): loading all of a large district's assignments into its role
manager takes far longer than the whole run, and would not make it faster per check. Every engine decision
is compared with pycasbin's and SQL's on the questions they share (acting as has no pycasbin/SQL form).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import casbin
import msgspec
import sqlalchemy as sa

from machine import load_average, peak_rss_mib
from rollcall.access import AccessEngine, facts_from_snapshot
from rollcall.access.index import NOBODY, FactIndex
from rollcall.domain.district import Course, School, Section, Term
from rollcall.domain.user import User
from rollcall.store import (
    Batch,
    Store,
    course_batch,
    district_batch,
    school_batch,
    section_batch,
    term_batch,
    user_batch,
)

LARGEST = 1_060_000
PAGE_SIZE = 10_000  # records per page, as a full sync requests them
RUN = "bench"
R = TypeVar("R", School, Term, Course, Section, User)
Question = tuple[str, str, str, str | None]  # user, action, target, acting as


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# -- the store ----------------------------------------------------------------------------------------------


def build_store(url: str, students: int) -> None:
    """Child process: generate the district and write it as a first full sync does: every collection in
    pages of 10 000 records in id order (the order Clever's API, and so the emulator, serves them), one
    transaction per page, secondary indexes deferred to the end. Writing the records in the generator's
    order instead scattered every page over every primary-key b-tree: at 300 k students SQLite then wrote
    10.3 GB instead of 3.4 GB, and each page cost more as the tables grew."""
    from rollcall.emulator.sources import generate_snapshot

    started = time.perf_counter()
    snapshot = generate_snapshot(students=students, seed="bench-access")
    generated = time.perf_counter() - started
    writing, cpu = time.perf_counter(), time.process_time()
    with Store.open(url) as store:
        with store.transaction() as tx:
            tx.defer_indexes()
            tx.write(district_batch([snapshot.district], RUN))
        write_in_pages(store, snapshot.schools, school_batch)
        write_in_pages(store, snapshot.terms, term_batch)
        write_in_pages(store, snapshot.courses, course_batch)
        write_in_pages(store, snapshot.sections, section_batch)
        write_in_pages(store, snapshot.users, user_batch)
        with store.transaction() as tx:
            tx.ensure_indexes()
    print(f"store: {students:,} students generated in {generated:.0f} s, written in "
          f"{time.perf_counter() - writing:.0f} s ({time.process_time() - cpu:.0f} s CPU), "
          f"load average {load_average()}", flush=True)  # fmt: skip


def write_in_pages(
    store: Store, records: dict[str, R], batch_of: Callable[[Sequence[R], str], Batch]
) -> None:
    """One collection as a full sync writes it: pages of PAGE_SIZE records in id order, a transaction each."""
    ordered = [records[key] for key in sorted(records)]
    for start in range(0, len(ordered), PAGE_SIZE):
        with store.transaction() as tx:
            tx.write(batch_of(ordered[start : start + PAGE_SIZE], RUN))


def first_district(store: Store) -> str:
    with store.engine.connect() as connection:
        return str(connection.execute(sa.text("SELECT id FROM districts ORDER BY id LIMIT 1")).scalar_one())


def store_size_mib(url: str) -> float | None:
    path = sa.make_url(url).database
    if not url.startswith("sqlite") or not path:
        return None
    return (
        sum(Path(path + suffix).stat().st_size for suffix in ("", "-wal") if Path(path + suffix).exists())
        / 2**20
    )


def deep_mib(index: FactIndex) -> float:
    """The index's own objects (records, dicts, sets, tuples, strings; each object once), in MiB."""
    seen: set[int] = set()
    total = 0
    stack: list[object] = list(vars(index).values())
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif isinstance(item, msgspec.Struct):
            stack.extend(getattr(item, field) for field in item.__struct_fields__)
    return total / 2**20


# -- the questions ------------------------------------------------------------------------------------------


def questions(index: FactIndex, count: int, rng: random.Random) -> list[Question]:
    """A realistic mix: teachers on their own and other sections and on their students, staff on sections of
    their schools, multi-role users with and without acting as one role, contacts, students, district
    admins, tech leads managing schools, and plain denials."""
    people = index.users
    teachers = sorted(u for u, facts in people.items() if "teacher" in facts.roles and facts.teaches)
    staff = sorted(u for u, facts in people.items() if "staff" in facts.roles and facts.schools_as("staff"))
    multi = sorted(u for u in teachers if "staff" in people[u].roles)
    contacts = sorted(u for u, facts in people.items() if "contact" in facts.roles and facts.contacts)
    students = sorted(u for u, facts in people.items() if "student" in facts.roles and facts.enrolled)
    admins = sorted(u for u, facts in people.items() if "district_admin" in facts.roles)
    sections = sorted(index.sections)
    users = sorted(people)
    schools = sorted(index.school_names)

    def staff_section(user: str) -> str:
        school = rng.choice(people[user].schools_as("staff"))
        return rng.choice(sorted(index.school_sections.get(school, ())) or sections)

    def own(user: str) -> str:
        return rng.choice(sorted(people[user].teaches))

    pick = rng.choice

    def mixed_view(user: str, acting_as: str | None) -> Question:
        return (user, "view", f"section:{staff_section(user)}", acting_as)

    makers: list[tuple[int, Callable[[], Question]]] = [
        (14, lambda: (u := pick(teachers), "edit", f"section:{own(u)}", None)),
        (8, lambda: (pick(teachers), "edit", f"section:{pick(sections)}", None)),
        (10, lambda: (u := pick(teachers), "view", f"user:{pick(index.sections[own(u)].students or users)}",
                      None)),
        (12, lambda: mixed_view(pick(staff), None)),
        (5, lambda: (u := pick(staff), "edit", f"section:{staff_section(u)}", None)),
        (6, lambda: (pick(staff), "view", f"user:{pick(users)}", None)),
        (4, lambda: (u := pick(staff), "manage", f"school:{pick(people[u].schools_as('staff'))}", None)),
        (6, lambda: mixed_view(pick(multi), None)),
        (6, lambda: mixed_view(pick(multi), "teacher")),
        (4, lambda: (u := pick(multi), "edit", f"section:{own(u)}", "staff")),
        (4, lambda: (u := pick(multi), "edit", f"section:{own(u)}", "teacher")),
        (6, lambda: (u := pick(contacts), "view", f"user:{pick(sorted(people[u].contacts))}", None)),
        (3, lambda: (pick(contacts), "view", f"user:{pick(users)}", None)),
        (6, lambda: (u := pick(students), "view", f"section:{pick(people[u].enrolled)}", None)),
        (2, lambda: (pick(students), "view", f"user:{pick(users)}", None)),
        (2, lambda: (pick(admins), pick(["view", "edit", "manage"]), f"section:{pick(sections)}", None)),
        (2, lambda: (pick(admins), pick(["view", "edit"]), f"user:{pick(users)}", None)),
        (1, lambda: (pick(admins), "manage", f"school:{pick(schools)}", None)),
    ]  # fmt: skip
    makers = [(weight, make) for weight, make in makers if weight]
    weights = [weight for weight, _ in makers]
    picked = rng.choices([make for _, make in makers], weights=weights, k=count)
    return [make() for make in picked]


# -- pycasbin ------------------------------------------------------------------------------------------------

CASBIN_MODEL = """
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && keyMatch(r.dom, p.dom) && r.obj == p.obj && r.act == p.act
"""
# The default policy as RBAC with domains: a role is held in a domain (a section taught or enrolled in, a
# school, the district, a contact's student, the user themselves); each line grants a role in any domain of
# one kind some action on one target kind.
CASBIN_POLICY = [
    ("teacher", "section:*", "section", "view"), ("teacher", "section:*", "section", "edit"),
    ("teacher", "section:*", "user", "view"), ("teacher", "school:*", "school", "view"),
    ("staff", "school:*", "school", "view"), ("staff", "school:*", "section", "view"),
    ("staff", "school:*", "user", "view"), ("techlead", "school:*", "school", "manage"),
    *(("district_admin", "district:*", kind, action) for kind in ("district", "school", "section", "user")
      for action in ("view", "edit", "manage")),
    ("contact", "student:*", "user", "view"), ("student", "user:*", "user", "view"),
    ("student", "section:*", "section", "view"),
]  # fmt: skip


def casbin_enforcer(index: FactIndex, users: Sequence[str]) -> casbin.Enforcer:
    """Every role assignment of `users` (and the whole policy) in a pycasbin enforcer."""
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as conf:
        conf.write(CASBIN_MODEL)
    enforcer = casbin.Enforcer(conf.name)
    os.unlink(conf.name)
    enforcer.add_policies([list(line) for line in CASBIN_POLICY])
    grouping: list[list[str]] = []
    for user in users:
        facts = index.users.get(user, NOBODY)
        held = facts.roles
        if "teacher" in held:
            grouping += [[user, "teacher", f"section:{s}"] for s in facts.teaches]
            grouping += [[user, "teacher", f"school:{s}"] for s in facts.schools_as("teacher")]
        if "staff" in held:
            grouping += [[user, "staff", f"school:{s}"] for s in facts.schools_as("staff")]
            if "SchoolTechLead" in facts.staff_roles:
                grouping += [[user, "techlead", f"school:{s}"] for s in facts.schools_as("staff")]
        if "district_admin" in held:
            grouping.append([user, "district_admin", f"district:{index.district_id}"])
        if "contact" in held:
            grouping += [[user, "contact", f"student:{s}"] for s in facts.contacts]
        if "student" in held:
            grouping.append([user, "student", f"user:{user}"])
            grouping += [[user, "student", f"section:{s}"] for s in facts.enrolled]
    enforcer.add_grouping_policies(grouping)
    return enforcer


def casbin_check(enforcer: casbin.Enforcer, index: FactIndex, user: str, action: str, target: str) -> bool:
    """What an app does with RBAC-with-domains: try each domain the target lies in until one allows."""
    kind, _, target_id = target.partition(":")
    domains = [f"district:{index.district_id}"]
    if kind == "section":
        section = index.sections.get(target_id)
        domains += [f"section:{target_id}", f"school:{section.school if section else ''}"]
    elif kind == "school":
        domains.append(f"school:{target_id}")
    elif kind == "user":
        domains += [f"user:{target_id}", f"student:{target_id}"]
        domains += [f"section:{s}" for s in index.users.get(target_id, NOBODY).enrolled]
        domains += [f"school:{s}" for s in index.member_schools(target_id)]
    return any(enforcer.enforce(user, domain, kind, action) for domain in domains)


# -- one SQL query per check ---------------------------------------------------------------------------------

_HOLDS = "EXISTS (SELECT 1 FROM user_roles WHERE user_id = :u AND role = '{role}')"
SQL_BY_KIND = {
    "section": f"""SELECT {_HOLDS.format(role='district_admin')}
          AND EXISTS (SELECT 1 FROM sections WHERE id = :t AND district_id = :d AND deleted_at IS NULL),
        {_HOLDS.format(role='teacher')}
          AND EXISTS (SELECT 1 FROM section_teachers WHERE section_id = :t AND teacher_id = :u),
        EXISTS (SELECT 1 FROM sections s JOIN role_schools r ON r.school_id = s.school_id
                WHERE s.id = :t AND r.user_id = :u AND r.role = 'staff'),
        {_HOLDS.format(role='student')}
          AND EXISTS (SELECT 1 FROM section_students WHERE section_id = :t AND student_id = :u)""",
    "user": f"""SELECT {_HOLDS.format(role='district_admin')}
          AND EXISTS (SELECT 1 FROM users WHERE id = :t AND district_id = :d AND deleted_at IS NULL),
        {_HOLDS.format(role='teacher')} AND EXISTS (SELECT 1 FROM section_teachers st JOIN section_students ss
                ON ss.section_id = st.section_id WHERE st.teacher_id = :u AND ss.student_id = :t),
        EXISTS (SELECT 1 FROM role_schools mine JOIN role_schools theirs ON theirs.school_id = mine.school_id
                WHERE mine.user_id = :u AND mine.role = 'staff' AND theirs.user_id = :t),
        (:u = :t AND {_HOLDS.format(role='student')})
          OR EXISTS (SELECT 1 FROM contact_relationships WHERE contact_id = :u AND student_id = :t)""",
    "school": f"""SELECT {_HOLDS.format(role='district_admin')}
          AND EXISTS (SELECT 1 FROM schools WHERE id = :t AND district_id = :d AND deleted_at IS NULL),
        EXISTS (SELECT 1 FROM role_schools
                WHERE user_id = :u AND school_id = :t AND role IN ('teacher', 'staff')),
        EXISTS (SELECT 1 FROM role_schools r
                JOIN user_roles ur ON ur.user_id = r.user_id AND ur.role = 'staff'
                WHERE r.user_id = :u AND r.school_id = :t AND r.role = 'staff'
                AND ur.staff_roles LIKE '%SchoolTechLead%'),
        0""",
    "district": f"SELECT {_HOLDS.format(role='district_admin')} AND :t = :d, 0, 0, 0",
}  # fmt: skip


def sql_check(connection: sa.Connection, statements: dict[str, sa.TextClause], district: str,
              user: str, action: str, target: str) -> bool:  # fmt: skip
    """The default policy as one SQL query per check: [admin, (teacher), (staff/tech lead), (student/…)]."""
    kind, _, target_id = target.partition(":")
    admin, first, second, third = connection.execute(
        statements[kind], {"u": user, "t": target_id, "d": district}
    ).one()
    if admin:
        return True
    if kind == "section":
        return bool(first) if action == "edit" else action == "view" and bool(first or second or third)
    if kind == "school":
        return bool(second) if action == "manage" else action == "view" and bool(first)
    return action == "view" and bool(first or second or third)


# -- measuring -----------------------------------------------------------------------------------------------


def timed(
    check: Callable[[str, str, str, str | None], object], asked: Sequence[Question]
) -> tuple[float, list[int], list[int]]:
    """Throughput over `asked` (one plain loop), then per-check latencies in ns (a second loop), both as
    this thread's CPU time and as wall time: on a shared machine a check that waited for a core shows a
    wall latency that says nothing about the check."""
    started = time.process_time()
    for user, action, target, role in asked:
        check(user, action, target, role)
    rate = len(asked) / (time.process_time() - started)
    cpu_clock, wall_clock = time.thread_time_ns, time.perf_counter_ns
    cpu, wall = [], []
    for user, action, target, role in asked:
        before_cpu, before_wall = cpu_clock(), wall_clock()
        check(user, action, target, role)
        wall.append(wall_clock() - before_wall)
        cpu.append(cpu_clock() - before_cpu)
    return rate, cpu, wall


def percentile(values: list[int], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] / 1000


def report(label: str, rate: float, cpu: list[int], wall: list[int]) -> None:
    print(f"  {label:<34} {rate:>10,.0f} checks/CPU-s   p50 {percentile(cpu, 0.5):>7.1f} µs"
          f"   p99 {percentile(cpu, 0.99):>7.1f} µs CPU   (wall p50 {percentile(wall, 0.5):.1f}, "
          f"p99 {percentile(wall, 0.99):.1f} µs)", flush=True)  # fmt: skip


def measured_build(build: Callable[[], AccessEngine], store_mib: float | None) -> AccessEngine:
    """Build the engine, printing time, CPU time, RSS growth and the index's own size beside the store's."""
    gc.collect()
    before = rss_mib()
    started, cpu = time.perf_counter(), time.process_time()
    engine = build()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    gc.collect()
    grown = rss_mib() - before
    index = engine.index
    print(
        f"district {index.district_id}: {len(index.users):,} users, {len(index.sections):,} sections, "
        f"{sum(len(s.students) for s in index.sections.values()):,} enrollments, "
        f"{len(index.school_names)} schools"
    )
    print(f"index build {seconds:.1f} s ({cpu_seconds:.1f} s CPU); RSS growth {grown:,.0f} MiB; "
          f"index objects {deep_mib(index):,.0f} MiB (deep size)"
          + (f"; store on disk {store_mib:,.0f} MiB" if store_mib else ""), flush=True)  # fmt: skip
    return engine


def compare(engine: AccessEngine, options: argparse.Namespace, store: Store | None) -> None:
    """The questions, the engine on them, then the engine beside pycasbin and (with a store) SQL."""
    index, district = engine.index, engine.district_id
    rng = random.Random(7)
    asked = questions(index, options.checks, rng)
    print(f"\n{len(asked):,} questions ({sum(1 for q in asked if q[3]):,} acting as one role), load average "
          f"{load_average()}:")  # fmt: skip
    report("rollcall access engine", *timed(engine.check, asked))
    report("the clocks alone (no-op check)", *timed(lambda _u, _a, _t, _r: None, asked))
    allowed = sum(engine.check(*q).allowed for q in asked)
    print(f"  ({allowed / len(asked):.0%} allowed)")

    shared = [q for q in asked if q[3] is None][: options.peer_checks]
    print(f"\n{len(shared):,} questions without acting as, side by side:")
    rate, latencies, wall = timed(engine.check, shared)
    report("rollcall access engine", rate, latencies, wall)
    started = time.perf_counter()
    enforcer = casbin_enforcer(index, sorted({q[0] for q in shared}))
    print(f"  (pycasbin: {len(enforcer.get_grouping_policy()):,} role assignments loaded in "
          f"{time.perf_counter() - started:.1f} s)", flush=True)  # fmt: skip
    casbin_rate, casbin_latencies, casbin_wall = timed(
        lambda u, a, t, _r: casbin_check(enforcer, index, u, a, t), shared
    )
    report("pycasbin (RBAC with domains)", casbin_rate, casbin_latencies, casbin_wall)
    statements = {kind: sa.text(sql) for kind, sql in SQL_BY_KIND.items()}
    sql_rate, disagree_sql = 0.0, 0
    if store is None:
        print("  (no store: facts built in memory, so no SQL query to compare)")
    else:
        with store.engine.connect() as connection:
            sql_rate, sql_latencies, sql_wall = timed(
                lambda u, a, t, _r: sql_check(connection, statements, district, u, a, t), shared
            )
            report(f"one SQL query per check ({store.dialect})", sql_rate, sql_latencies, sql_wall)
            disagree_sql = sum(
                engine.check(u, a, t).allowed != sql_check(connection, statements, district, u, a, t)
                for u, a, t, _ in shared
            )
    differing = [q for q in shared if engine.check(*q).allowed != casbin_check(enforcer, index, *q[:3])]
    disagree_casbin = len(differing)
    for question in differing[:5]:
        print("  differs:", question, engine.check(*question).reason)
    print(
        f"\nengine vs pycasbin: {rate / casbin_rate:,.0f}× the checks/s "
        f"(p99 {percentile(casbin_latencies, 0.99) / percentile(latencies, 0.99):,.0f}× lower)"
        + (f"; vs SQL: {rate / sql_rate:,.0f}×" if sql_rate else "")
    )
    print(
        f"decisions differing from the engine: pycasbin {disagree_casbin}, SQL {disagree_sql} "
        f"of {len(shared):,}"
    )
    print(f"peak RSS {peak_rss_mib():,.0f} MiB; load average {load_average()} (1, 5, 15 min)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--largest", action="store_true", help=f"{LARGEST:,} students")
    parser.add_argument(
        "--db", help="reuse this synced store (default: build one in a temporary SQLite file)"
    )
    parser.add_argument("--keep", help="build the store at this SQLite path and keep it")
    parser.add_argument("--checks", type=int, default=200_000, help="engine questions")
    parser.add_argument("--peer-checks", type=int, default=5_000, help="questions for pycasbin and SQL")
    parser.add_argument(
        "--from-snapshot", action="store_true",
        help="build the facts in memory from the generated district (no store, no SQL peer)",
    )  # fmt: skip
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    students = LARGEST if options.largest else options.students
    if options.build_only:
        build_store(options.db, students)
        return
    if options.from_snapshot:
        from rollcall.emulator.sources import generate_snapshot

        started = time.perf_counter()
        snapshot = generate_snapshot(students=students, seed="bench-access")
        print(f"{students:,} students generated in {time.perf_counter() - started:.0f} s", flush=True)
        engine = measured_build(lambda: AccessEngine(facts_from_snapshot(snapshot)), None)
        compare(engine, options, None)
        return
    scratch = tempfile.TemporaryDirectory(prefix="bench-access-")
    url = options.db
    if url is None:
        path = options.keep or f"{scratch.name}/rollcall.db"
        url = f"sqlite:///{path}"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        subprocess.run([sys.executable, __file__, "--build-only", "--db", url, "--students", str(students)],
                       check=True, env=env)  # fmt: skip
    with Store.open(url, migrate=False) as store:
        district = first_district(store)
        engine = measured_build(lambda: AccessEngine(store.access_facts(district)), store_size_mib(url))
        compare(engine, options, store)
    scratch.cleanup()


if __name__ == "__main__":
    main()
