"""`rollcall access …`: permission checks against a synced store — `check` (one question, or a batch file
answered from one index build), `explain` (every role and grant of a person) and `policy` (print a policy)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import msgspec
import typer
from rich.markup import escape
from rich.table import Table

from rollcall.access import (
    DEFAULT_POLICY_TOML,
    AccessEngine,
    Decision,
    Explanation,
    Policy,
    as_acting_role,
    load_policy,
)
from rollcall.cli.console import out
from rollcall.domain.user import User
from rollcall.errors import AccessUsageError
from rollcall.store import DEFAULT_URL, Store, parse_url

app = typer.Typer(
    help="Ask who may do what: role-aware, school-scoped checks against a synced store.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="ROLLCALL_DB_URL",
        metavar="URL",
        help="The synced store: sqlite:///… or postgresql://…",
    ),
]
AsOption = Annotated[
    str | None,
    typer.Option("--as", metavar="ROLE", help="Act as one held role: only its grants count."),
]
PolicyOption = Annotated[
    Path | None,
    typer.Option("--policy", metavar="FILE", help="A policy TOML file (default: the shipped policy)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of sentences.")]


class Checker:
    """A store, a policy, and one engine per district (built when first needed): what every command of
    this group asks through. `login` resolves what a person typed to exactly one user."""

    def __init__(self, store: Store, policy: Policy) -> None:
        self.store = store
        self.policy = policy
        self._engines: dict[str, AccessEngine] = {}
        self._logins: dict[str, User] = {}

    def login(self, text: str) -> User:
        """The one live user `text` names (a v3 id, a legacy v2 id or an email), else AccessUsageError."""
        known = self._logins.get(text)
        if known is not None:
            return known
        found = self.store.find_users_by_login(text)
        if not found:
            raise AccessUsageError(
                f"unknown user {text!r}: no live user in {self.store.where} has it as id, legacy id or email"
            )
        if len(found) > 1:
            each = "; ".join(f"{user.id} ({', '.join(user.role_names()) or 'no role'})" for user in found)
            raise AccessUsageError(
                f"{text!r} names {len(found)} users: {each}; give one of these ids instead"
            )
        self._logins[text] = found[0]
        return found[0]

    def engine(self, district_id: str) -> AccessEngine:
        engine = self._engines.get(district_id)
        if engine is None:
            engine = AccessEngine(self.store.access_facts(district_id), self.policy)
            self._engines[district_id] = engine
        return engine

    def check(self, user_text: str, action: str, target: str, acting_as: str | None) -> Decision:
        as_acting_role(acting_as)  # an unknown role is a usage error even for an unknown user
        user = self.login(user_text)
        return self.engine(user.district).check(user.id, action, target, acting_as)


def _open(db: str) -> Store:
    """The store, read only: never created or migrated by a question."""
    parsed = parse_url(db)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        raise AccessUsageError(f"no database at {db}: run `rollcall sync --db {db}` first")
    return Store.open(db, migrate=False)


@app.command()
def check(
    user: Annotated[
        str | None, typer.Argument(metavar="USER", help="A v3 user id, a legacy (v2) id or an email.")
    ] = None,
    action: Annotated[str | None, typer.Argument(metavar="ACTION", help="view, edit or manage.")] = None,
    target: Annotated[
        str | None, typer.Argument(metavar="TARGET", help="district:ID, school:ID, section:ID or user:ID.")
    ] = None,
    db: DbOption = DEFAULT_URL,
    acting_as: AsOption = None,
    policy: PolicyOption = None,
    as_json: JsonOption = False,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch",
            metavar="FILE",
            help="Answer each line of FILE (USER ACTION TARGET [ROLE], or JSON; - for stdin) as a JSON line.",
        ),
    ] = None,
) -> None:
    """Check whether USER may do ACTION on TARGET.

    Prints the decision and its reason, and exits 0 whether allowed or denied. With --batch FILE every line
    is one question and every answer one JSON line, all from one index build."""
    rules = load_policy(policy)
    if batch is not None:
        if user or action or target or acting_as:
            raise AccessUsageError(
                "--batch reads every question from its file: give no USER ACTION TARGET or --as"
            )
        with _open(db) as store:
            failed = _answer_batch(Checker(store, rules), batch)
        if failed:
            raise typer.Exit(AccessUsageError.exit_code)
        return
    if user is None or action is None or target is None:
        raise AccessUsageError(
            "give USER ACTION TARGET (e.g. danny@example.org view section:ID), or --batch FILE"
        )
    with _open(db) as store:
        decision = Checker(store, rules).check(user, action, target, acting_as)
    if as_json:
        typer.echo(msgspec.json.encode(decision.to_builtins()).decode())
        return
    verdict = "[bold green]allowed[/]" if decision.allowed else "[bold red]denied[/]"
    out.print(f"{verdict}: {escape(decision.reason)}")
    if decision.rule is not None:
        out.print(f"  rule: {escape(decision.rule)} (as {decision.role})")


class BatchLine(msgspec.Struct, forbid_unknown_fields=True):
    """One JSON line of a batch file."""

    user: str
    action: str
    target: str
    acting_as: str | None = None


def _batch_lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        handle = sys.stdin if str(path) == "-" else path.open(encoding="utf-8")
    except OSError as error:
        raise AccessUsageError(f"cannot read batch file {path}: {error.strerror}") from error
    with handle:
        try:
            for number, line in enumerate(handle, 1):
                text = line.strip()
                if text and not text.startswith("#"):
                    yield number, text
        except UnicodeDecodeError as error:
            raise AccessUsageError(f"batch file {path} is not UTF-8 text: {error}") from error


def _question(text: str) -> BatchLine:
    if text.startswith("{"):
        try:
            return msgspec.json.decode(text, type=BatchLine)
        except msgspec.DecodeError as error:
            raise AccessUsageError(f"bad JSON question: {error}") from error
    words = text.split()
    if len(words) not in (3, 4):
        raise AccessUsageError(f"expected USER ACTION TARGET [ROLE], got {len(words)} words")
    return BatchLine(words[0], words[1], words[2], acting_as=words[3] if len(words) == 4 else None)


def _answer_batch(checker: Checker, path: Path) -> int:
    """Print one JSON decision per question (or `{"line": n, "error": …}`); returns how many lines failed."""
    failed = 0
    encoder = msgspec.json.Encoder()
    write = sys.stdout.write
    for number, text in _batch_lines(path):
        try:
            question = _question(text)
            decision = checker.check(question.user, question.action, question.target, question.acting_as)
            answer: dict[str, object] = decision.to_builtins()
        except AccessUsageError as error:
            failed += 1
            answer = {"line": number, "error": str(error)}
        write(encoder.encode(answer).decode() + "\n")
    return failed


@app.command()
def explain(
    user: Annotated[str, typer.Argument(metavar="USER", help="A v3 user id, a legacy (v2) id or an email.")],
    db: DbOption = DEFAULT_URL,
    acting_as: AsOption = None,
    policy: PolicyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the roles of USER and the grants that count.

    Every role held, which of them count (by the policy's combine mode, or --as), and each grant with its
    scope and targets."""
    rules = load_policy(policy)
    with _open(db) as store:
        checker = Checker(store, rules)
        found = checker.login(user)
        explanation = checker.engine(found.district).explain(found.id, as_acting_role(acting_as))
    if as_json:
        typer.echo(msgspec.json.encode(explanation).decode())
        return
    _print_explanation(explanation)


def _print_explanation(explanation: Explanation) -> None:
    roles = ", ".join(explanation.roles) or "no role"
    out.print(f"[bold]{escape(explanation.name)}[/] ({explanation.user_id}) holds {roles}", markup=True)
    if explanation.acting_as is not None:
        out.print(f"acting as {explanation.acting_as}: only its grants count")
    else:
        counted = ", ".join(explanation.counted_roles) or "none"
        out.print(f"combine = {explanation.combine}: the grants of {counted} count")
    for role, schools in explanation.role_schools.items():
        out.print(f"  {role} schools: {', '.join(schools)}")
    if explanation.staff_roles:
        out.print(f"  staff roles: {', '.join(explanation.staff_roles)}")
    table = Table("role", "may", "on", "scope", "targets", "rule")
    for grant in explanation.grants:
        shown = ", ".join(grant.target_ids[:3]) + (" …" if len(grant.target_ids) > 3 else "")
        targets = f"{len(grant.target_ids)}: {shown}" if grant.target_ids else "none"
        table.add_row(
            grant.role, " ".join(grant.actions), grant.target_kind, escape(grant.scope), escape(targets),
            escape(grant.rule),
        )  # fmt: skip
    out.print(table)


@app.command("policy")
def show_policy(
    policy: PolicyOption = None,
) -> None:
    """Print the default access policy.

    With --policy FILE, check FILE (a mistake is named by file:line) and print it."""
    if policy is None:
        typer.echo(DEFAULT_POLICY_TOML, nl=False)
        return
    load_policy(policy)  # a policy that does not parse is refused, naming file:line
    typer.echo(policy.read_text(encoding="utf-8"), nl=False)
