"""`MigrationPlan`: what every legacy account becomes, every merge and link, every re-point and every
contact to create — a value made by the pure `build_plan` from facts read beforehand, fingerprinted against
the source state it was made from so that `apply` can refuse it once that state moved."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Final, Literal

import msgspec

from rollcall.domain.report import ReportStruct, fingerprint
from rollcall.domain.user import RoleName
from rollcall.errors import MigrateError
from rollcall.migrate.config import MultiRole, StrategyConfig, SurvivorRule
from rollcall.migrate.matcher import legacy_index, match_accounts
from rollcall.migrate.values import AccountOutcome, Key, LegacyAccount, PerUser, V3Person, key_order

BatchKind = Literal["schema", "accounts", "repoint", "contacts"]
PLAN_FORMAT: Final = 1


class Merge(msgspec.Struct, frozen=True, kw_only=True):
    """One person's accounts consolidated: the survivor keeps living, the absorbed point at it."""

    user_id: str
    survivor: Key
    absorbed: list[Key]
    roles: list[RoleName]
    why: str


class Link(msgspec.Struct, frozen=True, kw_only=True):
    """One person's accounts kept side by side (role-specific), all carrying the same v3 id. With per-role
    account tables each is shown as `table:key` (keys repeat across tables)."""

    user_id: str
    accounts: list[Key]
    roles: list[RoleName]


class ContactRow(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """One row of the contacts table: a v3 contact user."""

    user_id: str
    legacy_id: str | None
    name: str
    email: str | None
    phone: str | None


class RelationshipRow(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """One row of the relationships table: one contact, one student."""

    contact_user_id: str
    student_id: str
    student_account_key: Key | None
    relationship: str | None
    type: str | None


class CsvConflict(msgspec.Struct, frozen=True, kw_only=True):
    """A row of Clever's migration CSV that the v3 truth does not bear out."""

    line: int
    role_id: str
    user_id: str
    truth_user_id: str | None
    reason: str


class ReferencePreview(msgspec.Struct, frozen=True, kw_only=True):
    """What apply will do to one reference column: rows moved to a survivor, duplicate rows removed."""

    table: str
    column: str
    repointed: int
    deduplicated: int


class Batch(msgspec.Struct, frozen=True):
    """One transaction of apply: a kind and a slice of the plan's list for that kind."""

    number: int
    kind: BatchKind
    start: int
    end: int


class PlanFacts(msgspec.Struct, frozen=True, kw_only=True):
    """Everything a plan is made from, read just before planning."""

    source: str
    accounts: list[LegacyAccount]
    unlinked: int
    people: list[V3Person]
    role_of_value: dict[str, RoleName]
    reference_counts: dict[str, dict[Key, int]]
    strategy: StrategyConfig
    batch_size: int
    basis: dict[str, str]
    csv_rows: list[tuple[str, str, int]] | None = None


class MigrationPlan(ReportStruct, kw_only=True, frozen=True):
    """A whole migration, decided before anything is written. `basis` fingerprints the source per part
    (accounts, references, v3 truth, Clever's CSV); `plan_id` fingerprints the plan itself and names the
    ledger's run."""

    format: int = PLAN_FORMAT
    plan_id: str = ""
    source: str
    multi_role: MultiRole
    survivor_rule: SurvivorRule
    basis: dict[str, str]
    batch_size: int
    unlinked: int
    accounts: list[AccountOutcome]
    new_users: list[str]
    merges: list[Merge]
    links: list[Link]
    contacts: list[ContactRow]
    relationships: list[RelationshipRow]
    references: list[ReferencePreview] = []
    csv_conflicts: list[CsvConflict] = []

    @property
    def fingerprint(self) -> str:
        """The plan's identity (what the ledger calls its run)."""
        return self.plan_id

    def with_references(self, references: list[ReferencePreview]) -> MigrationPlan:
        """The plan with the re-point preview read from the database, and its id sealed."""
        unsealed = msgspec.structs.replace(self, references=references, plan_id="")
        return msgspec.structs.replace(unsealed, plan_id=fingerprint(unsealed))

    def account_writes(self) -> list[tuple[Key, str, Key | None]]:
        """Per matched account, in plan order: (key, the v3 id it gets, the survivor it merges into)."""
        merged_into = {key: merge.survivor for merge in self.merges for key in merge.absorbed}
        return [
            (outcome.key, outcome.user_id, merged_into.get(outcome.key))
            for outcome in self.accounts
            if outcome.outcome == "matched" and outcome.user_id is not None
        ]

    def account_segments(self) -> list[tuple[str | None, int, int]]:
        """`account_writes` cut into runs of one accounts table: (table, start, end). One run (table None)
        with one accounts table; with per-role tables an accounts batch never spans two tables, because each
        table is written from its own account map by its own key column."""
        segments: list[tuple[str | None, int, int]] = []
        current: str | None = None
        start = count = 0
        for outcome in self.accounts:
            if outcome.outcome != "matched" or outcome.user_id is None:
                continue
            if outcome.table != current and count > start:
                segments.append((current, start, count))
                start = count
            current = outcome.table
            count += 1
        if count > start:
            segments.append((current, start, count))
        return segments

    def repoint_map(self, merges: list[Merge]) -> dict[Key, Key]:
        return {key: merge.survivor for merge in merges for key in merge.absorbed}

    def batches(self) -> list[Batch]:
        """Apply's transactions, in order: the schema, accounts, re-points, contacts. A contact batch holds
        `batch_size` contacts and their relationships."""
        found = [Batch(0, "schema", 0, 0)]
        ranges: list[tuple[BatchKind, int, int]] = [
            *(("accounts", start, end) for _, start, end in self.account_segments()),
            ("repoint", 0, len(self.merges)),
            ("contacts", 0, len(self.contacts)),
        ]
        for kind, first, total in ranges:
            for start in range(first, total, self.batch_size):
                found.append(Batch(len(found), kind, start, min(total, start + self.batch_size)))
        return found

    def summary(self) -> dict[str, object]:
        """The plan as the issue's `plan --json` shape (counts and the lists a person decides on)."""
        kinds = Counter(outcome.outcome for outcome in self.accounts)
        matched_users = {o.user_id for o in self.accounts if o.outcome == "matched"}
        contact_accounts = sum(1 for o in self.accounts if o.outcome == "matched" and o.role == "contact")
        return {
            "plan_id": self.plan_id,
            "strategy": {"multi_role": self.multi_role, "survivor": self.survivor_rule},
            "accounts": {
                "total": len(self.accounts),
                "matched": kinds["matched"],
                "orphaned": kinds["orphaned"],
                "ambiguous": kinds["ambiguous"],
                "unlinked": self.unlinked,
            },
            "users": {"matched": len(matched_users), "new": len(self.new_users), "merged": len(self.merges)},
            "merges": [
                {"user_id": m.user_id, "survivor": m.survivor, "absorbed": m.absorbed, "why": m.why}
                for m in self.merges
            ],
            "links": [{"user_id": link.user_id, "accounts": link.accounts} for link in self.links],
            "orphans": [
                {"key": o.key, "clever_id": o.clever_id, "role": o.role_value, **_table_of(o)}
                for o in self.accounts
                if o.outcome == "orphaned"
            ],
            "ambiguous": [
                {"key": o.key, "clever_id": o.clever_id, "reason": o.reason, **_table_of(o)}
                for o in self.accounts
                if o.outcome == "ambiguous"
            ],
            "contacts": {
                "created": len(self.contacts),
                "relationships": len(self.relationships),
                "matched_accounts": contact_accounts,
            },
            "references": {
                "repointed": sum(ref.repointed for ref in self.references),
                "deduplicated": sum(ref.deduplicated for ref in self.references),
            },
            "by_roles": self.outcomes_by_roles(),
            "csv_conflicts": [msgspec.to_builtins(conflict) for conflict in self.csv_conflicts],
            "batches": len(self.batches()),
        }

    def outcomes_by_roles(self) -> dict[str, dict[str, int]]:
        """Accounts per outcome, grouped by the role combination of the person they matched (orphans by the
        role column)."""
        roles_of: dict[str, set[str]] = defaultdict(set)
        for outcome in self.accounts:
            if outcome.user_id is not None and outcome.role is not None:
                roles_of[outcome.user_id].add(outcome.role)
        table: dict[str, dict[str, int]] = defaultdict(lambda: {"matched": 0, "orphaned": 0, "ambiguous": 0})
        for outcome in self.accounts:
            combo = "+".join(sorted(roles_of[outcome.user_id])) if outcome.user_id else "(gone from v3)"
            table[combo][outcome.outcome] += 1
        return dict(sorted(table.items()))

    def render_text(self) -> str:
        summary = self.summary()
        accounts = summary["accounts"]
        users = summary["users"]
        contacts = summary["contacts"]
        refs = summary["references"]
        assert isinstance(accounts, dict)
        assert isinstance(users, dict)
        assert isinstance(contacts, dict)
        assert isinstance(refs, dict)
        lines = [
            f"migration plan {self.plan_id[:12]} for {self.source}",
            f"  strategy:    {self.multi_role}, survivor by {self.survivor_rule}",
            f"  accounts:    {accounts['total']} — {accounts['matched']} matched, {accounts['orphaned']} "
            f"orphaned, {accounts['ambiguous']} ambiguous ({self.unlinked} without a Clever id left alone)",
            f"  v3 users:    {users['matched']} with accounts, {users['new']} new, {users['merged']} merged",
            f"  references:  {refs['repointed']} rows re-pointed, {refs['deduplicated']} duplicates removed",
            f"  contacts:    {contacts['created']} created with {contacts['relationships']} relationships, "
            f"{contacts['matched_accounts']} old contact accounts matched",
        ]
        if self.multi_role == "role-specific":
            lines.append(f"  links:       {len(self.links)} people keep several accounts under one v3 id")
        for merge in self.merges[:10]:
            lines.append(
                f"  merge {merge.user_id}: keep {merge.survivor}, absorb {merge.absorbed} ({merge.why})"
            )
        if len(self.merges) > 10:
            lines.append(f"  and {len(self.merges) - 10} more merges (all of them in --json)")
        for outcome in self.accounts:
            if outcome.outcome != "matched":
                lines.append(
                    f"  {outcome.outcome} account {outcome.label} ({outcome.clever_id}): {outcome.reason}"
                )
        for conflict in self.csv_conflicts:
            lines.append(f"  Clever CSV line {conflict.line}: {conflict.reason}")
        lines.append(f"  apply:       {len(self.batches())} batches of up to {self.batch_size}")
        return "\n".join(lines)


def _table_of(outcome: AccountOutcome) -> dict[str, str]:
    """`{"table": …}` for an account of a per-role table; nothing with one accounts table (the issue's
    shape)."""
    return {} if outcome.table is None else {"table": outcome.table}


def choose_survivor(
    accounts: list[LegacyAccount],
    roles: dict[Key, RoleName],
    strategy: StrategyConfig,
    references: dict[Key, int],
) -> tuple[Key, str]:
    """The account that survives a merge and why. Every rule breaks ties by the lowest key."""
    rule = strategy.survivor
    lowest = sorted(accounts, key=lambda a: key_order(a.key))
    if rule == "most_recent_login":
        best = max(lowest, key=lambda a: a.last_login or "")  # max keeps the first (lowest key) of ties
        when = best.last_login or "never"
        return best.key, f"most recent login ({when})"
    if rule == "role_order":
        rank = {role: n for n, role in enumerate(strategy.role_order)}
        best = min(lowest, key=lambda a: rank.get(roles[a.key], len(rank)))
        return best.key, f"{roles[best.key]} comes first in the role order"
    if rule == "most_references":
        best = max(lowest, key=lambda a: references.get(a.key, 0))
        return best.key, f"most references ({references.get(best.key, 0)} rows)"
    return lowest[0].key, "lowest key"


def _labels(group: list[AccountOutcome]) -> list[Key]:
    """A linked person's accounts: by key with one accounts table, else as `table:key`, by table then key."""
    if all(o.table is None for o in group):
        return sorted((o.key for o in group), key=key_order)
    ordered = sorted(group, key=lambda o: (o.table or "", key_order(o.key)))
    return [o.label for o in ordered]


def _roles(group: list[AccountOutcome]) -> list[RoleName]:
    return sorted({o.role for o in group if o.role is not None})


def _csv_conflicts(rows: list[tuple[str, str, int]], people: list[V3Person]) -> list[CsvConflict]:
    index = legacy_index(people)
    conflicts: list[CsvConflict] = []
    for role_id, user_id, line in rows:
        found = index.get(role_id)
        if found is None:
            reason = f"role_id {role_id} is the legacy id of no v3 user's role"
            conflicts.append(
                CsvConflict(line=line, role_id=role_id, user_id=user_id, truth_user_id=None, reason=reason)
            )
        elif found[0] != user_id:
            reason = f"role_id {role_id} maps to {user_id} in the CSV but to {found[0]} ({found[1]}) in v3"
            conflicts.append(
                CsvConflict(
                    line=line, role_id=role_id, user_id=user_id, truth_user_id=found[0], reason=reason
                )
            )
    return conflicts


def build_plan(facts: PlanFacts) -> MigrationPlan:
    """The plan for `facts` (pure). References are previewed later by the shell (`with_references`)."""
    outcomes = match_accounts(facts.accounts, facts.people, facts.role_of_value)
    grouped = PerUser(
        (outcome.user_id, outcome)
        for outcome in outcomes
        if outcome.outcome == "matched" and outcome.user_id is not None
    )
    consolidate = facts.strategy.multi_role == "consolidate"
    by_key = {account.key: account for account in facts.accounts} if consolidate else {}
    references: Counter[Key] = Counter()
    for counts in facts.reference_counts.values():
        references.update(counts)
    merges: list[Merge] = []
    links: list[Link] = []
    for user_id in sorted(grouped.several):
        group = grouped.several[user_id]
        if not consolidate:
            links.append(Link(user_id=user_id, accounts=_labels(group), roles=_roles(group)))
            continue
        if group[0].table is not None:  # the config refuses this; a plan built by hand must not slip through
            raise MigrateError(
                f"cannot consolidate {user_id}'s accounts: they live in per-role tables (use role-specific)"
            )
        keys = sorted((o.key for o in group), key=key_order)
        roles = {o.key: o.role for o in group if o.role is not None}
        survivor, why = choose_survivor([by_key[k] for k in keys], roles, facts.strategy, references)
        absorbed = [k for k in keys if k != survivor]
        merges.append(
            Merge(user_id=user_id, survivor=survivor, absorbed=absorbed, roles=_roles(group), why=why)
        )
    survivors = {m.user_id: m.survivor for m in merges}

    def student_account(user_id: str) -> Key | None:
        """The account a student's relationships point at: their survivor, else their lowest key."""
        group = grouped.of(user_id)
        if not any(o.role == "student" for o in group):
            return None
        return survivors.get(user_id, min((o.key for o in group), key=key_order))

    contacts: list[ContactRow] = []
    relationships: list[RelationshipRow] = []
    for person in facts.people:
        if person.contact is None:
            continue
        legacy = dict(person.roles).get("contact")
        contacts.append(
            ContactRow(person.id, legacy, person.contact.name, person.email, person.contact.phone)
        )
        for student, relationship, kind in person.contact.relationships:
            relationships.append(
                RelationshipRow(person.id, student, student_account(student), relationship, kind)
            )
    return MigrationPlan(
        source=facts.source,
        multi_role=facts.strategy.multi_role,
        survivor_rule=facts.strategy.survivor,
        basis=facts.basis,
        batch_size=facts.batch_size,
        unlinked=facts.unlinked,
        accounts=outcomes,
        new_users=[person.id for person in facts.people if person.id not in grouped.first],
        merges=merges,
        links=links,
        contacts=contacts,
        relationships=relationships,
        csv_conflicts=_csv_conflicts(facts.csv_rows, facts.people) if facts.csv_rows is not None else [],
    )
