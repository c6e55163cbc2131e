"""The demo's last step: the access engine answers a few permission questions for the multi-role person
the demo follows — allowed and denied, with and without acting as one role — each with its reason."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from rollcall.access import AccessEngine, Decision
from rollcall.cli.console import out
from rollcall.cli.demo_run import DemoRun
from rollcall.domain.user import User
from rollcall.store import Store

Question = tuple[str, str, str | None]  # (action, target, acting as)


def questions_for(engine: AccessEngine, person: User) -> list[Question]:
    """Questions that show what holding several roles means for `person`: their own section, a section at a
    school where they are staff, the same one acting as teacher, managing that school, a role not held."""
    index = engine.index
    asked: list[Question] = []
    facts = index.users.get(person.id)
    taught = sorted(facts.teaches) if facts is not None and "teacher" in facts.roles else []
    if taught:
        asked.append(("edit", f"section:{taught[0]}", None))
        if len(engine.roles_of(person.id)) > 1:
            asked.append(("edit", f"section:{taught[0]}", "teacher"))
    staff_schools = facts.schools_as("staff") if facts is not None else ()
    elsewhere = sorted(
        section
        for school in staff_schools
        for section in index.school_sections.get(school, ())
        if section not in taught
    )
    if elsewhere:
        asked.append(("view", f"section:{elsewhere[0]}", None))
        asked.append(("view", f"section:{elsewhere[0]}", "staff"))
        asked.append(("edit", f"section:{elsewhere[0]}", "staff"))
        if taught:
            asked.append(("view", f"section:{elsewhere[0]}", "teacher"))
    if staff_schools:
        asked.append(("manage", f"school:{staff_schools[0]}", "staff"))
    other_school = sorted(set(index.school_names) - set(index.member_schools(person.id)))
    if other_school:
        asked.append(("view", f"school:{other_school[0]}", None))
    missing = next((r for r in ("contact", "student") if r not in engine.roles_of(person.id)), None)
    if missing is not None:
        asked.append(("view", f"user:{person.id}", missing))
    return asked


def show_permissions(run: DemoRun) -> None:
    """The demo's step: the access engine, built from the synced store, answers for the followed person."""
    run.chapter("Ask the access engine who may do what")
    out.print(access_table(run.synced, run.followed))
    out.print(
        "Each answer names the role that decided it; acting as one role counts only that role's grants.",
        markup=False,
    )


def access_table(store: Store, person: User) -> Table:
    """The engine over the synced store, asked `questions_for` the person: one row per decision."""
    engine = AccessEngine(store.access_facts(person.district))
    decisions: list[Decision] = [
        engine.check(person.id, action, target, acting_as)
        for action, target, acting_as in questions_for(engine, person)
    ]
    name = engine.index.user_name(person.id)
    table = Table(title=f"What may {name} do? (the engine over the synced store)", title_justify="left")
    for column in ("as", "action", "answer", "reason"):
        table.add_column(column)
    for decision in decisions:
        answer = "[green]allowed[/]" if decision.allowed else "[red]denied[/]"
        table.add_row(decision.acting_as or "any role", decision.action, answer, escape(decision.reason))
    return table
