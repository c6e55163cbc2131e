"""`AccessEngine`: answers whether a user may do an action on a target, from a policy compiled against the
index of one district's facts, with a one-sentence reason; explains a user's grants; refreshes from the
facts only what changed since it last read them."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sized

from rollcall.access.decision import Decision, Explanation, Grant
from rollcall.access.facts import AccessFacts
from rollcall.access.index import NOBODY, SCHOOL_ROLES, FactIndex
from rollcall.access.policy import Policy, Rule, load_policy
from rollcall.access.scopes import ROLE_WORDS, SCOPES, Scope
from rollcall.access.target import ACTIONS, Action, Target, TargetKind, as_action, parse_target
from rollcall.domain.user import RoleName, as_role_name
from rollcall.errors import AccessUsageError

_Compiled = tuple[tuple[Rule, Scope], ...]
# What a check walks, per (action, target kind) and then per role: each grant's scope, the staff roles it
# needs, and its label, read once here rather than per check (the label is formatted from three fields).
_Grants = tuple[tuple[Scope, frozenset[str], str], ...]


def as_acting_role(text: str | None) -> RoleName | None:
    """`text` as a role to act in (None: no role chosen); AccessUsageError for a word that is no role."""
    if text is None:
        return None
    role = as_role_name(text)
    if role is None:
        raise AccessUsageError(
            f"unknown role {text!r}: act as one of student, teacher, staff, district_admin, contact"
        )
    return role


def _count(ids: Iterable[str]) -> int:
    """How many ids a scope's `visible` gave: most give a set or a dict's keys, whose size is known."""
    return len(ids) if isinstance(ids, Sized) else sum(1 for _ in ids)


class AccessEngine:
    """Role-aware, school-scoped permission checks for one district. Build it once (it reads every fact),
    call `refresh()` to pick up what sync wrote since (it reads only what changed)."""

    def __init__(self, facts: AccessFacts, policy: Policy | None = None) -> None:
        self.policy = policy if policy is not None else load_policy()
        self._facts = facts
        self._rules: dict[tuple[RoleName, Action, TargetKind], _Compiled] = {}
        self._kind_actions: dict[tuple[RoleName, TargetKind], tuple[Action, ...]] = {}
        for rule in self.policy.rules:
            for action in rule.actions:
                key = (rule.role, action, rule.kind)
                self._rules[key] = (*self._rules.get(key, ()), (rule, SCOPES[rule.scope]))
            actions = self._kind_actions.get((rule.role, rule.kind), ())
            self._kind_actions[(rule.role, rule.kind)] = tuple(
                a for a in ACTIONS if a in actions or a in rule.actions
            )
        self._questions: dict[tuple[Action, TargetKind], dict[RoleName, _Grants]] = {}
        for (role, action, kind), compiled in self._rules.items():
            grants = tuple((scope, rule.staff_roles, rule.label) for rule, scope in compiled)
            self._questions.setdefault((action, kind), {})[role] = grants
        # The roles that count for each combination of held roles (few: the index shares their tuples).
        self._counted_by_held: dict[tuple[RoleName, ...], tuple[RoleName, ...]] = {}
        self._refreshing = threading.Lock()
        self._version = facts.version()  # read first: a change made while building is read again later
        self._index = FactIndex.build(facts)

    @property
    def district_id(self) -> str:
        return self._index.district_id

    @property
    def index(self) -> FactIndex:
        """The compiled facts (read-only use: benchmarks, diagnostics)."""
        return self._index

    def refresh(self) -> None:
        """Bring the index up to date with the facts, re-reading only the users and sections changed since
        the last read (everything, when the facts cannot say what changed)."""
        with self._refreshing:
            if self._facts.version() == self._version:
                return
            changes = self._facts.changes_since(self._version)
            if changes is None:
                version = self._facts.version()
                self._index = FactIndex.build(self._facts)
                self._version = version
                return
            version, users, sections = changes
            if users:
                self._index.replace_users(users, self._facts.users(users))
            if sections:
                self._index.replace_sections(sections, self._facts.sections(sections))
            self._version = version

    # -- checks ----------------------------------------------------------------------------------------

    def check(
        self, user_id: str, action: str, target: str | Target, acting_as: str | None = None
    ) -> Decision:
        """May `user_id` do `action` on `target`? Only `acting_as`'s grants count when a role is named (a
        role the user does not hold is denied, never widened); otherwise the policy's combine mode says.
        AccessUsageError for an unknown action or role, or a malformed target."""
        if action not in ACTIONS:
            as_action(action)  # raises, naming the actions
        verb: Action = action  # type: ignore[assignment]  # checked just above, without a loop per check
        if isinstance(target, Target):
            goal, text = target, str(target)
        else:
            text = target.strip()  # a target that parses prints back as exactly this text
            goal = parse_target(text)
        role_asked = None if acting_as is None else as_acting_role(acting_as)
        index = self._index
        facts = index.users.get(user_id)
        label = index.find_label(goal.kind, goal.id)
        exists = label is not None
        if label is None:
            label = index.label(goal.kind, goal.id)
        if facts is None:
            reason = f"user {user_id} may not {verb} {label}: no such user in {index.district_name}"
            return Decision(False, user_id, verb, text, role_asked, None, None, reason)
        held, name = facts.roles, facts.name
        if role_asked is not None:
            name += f", acting as {ROLE_WORDS[role_asked]},"
            if role_asked not in held:
                words = ROLE_WORDS[role_asked]
                reason = f"{name} may not {verb} {label}: they do not hold the {words} role"
                return Decision(False, user_id, verb, text, role_asked, None, None, reason)
            counted: tuple[RoleName, ...] = (role_asked,)
        else:
            if not held:
                reason = f"{name} may not {verb} {label}: holds no role"
                return Decision(False, user_id, verb, text, None, None, None, reason)
            counted = self._counted_by_held.get(held) or self._count(held)
        if not exists:
            reason = f"{name} may not {verb} {label}: no such {goal.kind} in {index.district_name}"
            return Decision(False, user_id, verb, text, role_asked, None, None, reason)
        by_role = self._questions.get((verb, goal.kind))
        if by_role is not None:
            for role in counted:
                for scope, staff_roles, rule_label in by_role.get(role, ()):
                    if staff_roles and facts.staff_roles.isdisjoint(staff_roles):
                        continue
                    witness = scope.covers(index, user_id, role, goal.id)
                    if witness is not None:
                        because = scope.because(index, user_id, role, witness)
                        if staff_roles:
                            because += f" ({', '.join(sorted(staff_roles & facts.staff_roles))})"
                        reason = f"{name} may {verb} {label}: {because}"
                        return Decision(True, user_id, verb, text, role_asked, role, rule_label, reason)
        misses = self._misses(user_id, verb, goal, held, counted, role_asked)
        reason = f"{name} may not {verb} {label}: {misses}"
        return Decision(False, user_id, verb, text, role_asked, None, None, reason)

    def _count(self, held: tuple[RoleName, ...]) -> tuple[RoleName, ...]:
        """The roles that count for `held` by the policy's combine mode, remembered for the next check."""
        counted = self._counted_by_held[held] = self.policy.counted_roles(held)
        return counted

    def _misses(
        self,
        user_id: str,
        action: Action,
        target: Target,
        held: tuple[RoleName, ...],
        counted: tuple[RoleName, ...],
        acting_as: RoleName | None,
    ) -> str:
        """Why each counted role does not grant it, e.g. `teaches no such section; staff grants view only`."""
        index = self._index
        staff = index.users.get(user_id, NOBODY).staff_roles
        parts: list[str] = []
        if acting_as is None and len(counted) < len(held):
            which = "highest" if self.policy.combine == "highest" else "lowest"
            parts.append(f"only their {which} role counts ({ROLE_WORDS[counted[0]]})")
        for role in (r for r in held if r in counted):  # Clever's order reads naturally: teacher first
            words = ROLE_WORDS[role]
            compiled = self._rules.get((role, action, target.kind), ())
            for rule, scope in compiled:
                if rule.staff_roles and staff.isdisjoint(rule.staff_roles):
                    needed = ", ".join(sorted(rule.staff_roles))
                    parts.append(f"{words} may {action} {target.kind}s only as {needed}")
                else:
                    parts.append(scope.missing(index, role, target.kind, target.id))
            if not compiled:
                others = self._kind_actions.get((role, target.kind))
                if others:
                    parts.append(f"{words} grants {' and '.join(others)} only")
                else:
                    parts.append(f"{words} grants nothing on {target.kind}s")
        return "; ".join(dict.fromkeys(parts))

    # -- what a user holds -----------------------------------------------------------------------------

    def roles_of(self, user_id: str) -> tuple[RoleName, ...]:
        """The roles the user holds, in Clever's order (what a role switcher offers); () if unknown."""
        return self._index.users.get(user_id, NOBODY).roles

    def _counted(self, user_id: str, acting_as: str | None) -> tuple[RoleName, ...]:
        held = self._index.users.get(user_id, NOBODY).roles
        role = as_acting_role(acting_as)
        if role is not None:
            return (role,) if role in held else ()
        return self.policy.counted_roles(held)

    def grants(
        self, user_id: str, acting_as: str | None = None, *, with_ids: bool = True
    ) -> tuple[Grant, ...]:
        """Every grant that counts for the user (by combine mode, or only `acting_as`'s), with the ids it
        covers; () for an unknown user or a role not held. `with_ids=False` gives only how many it covers:
        a district admin's grants cover every id of the district, which a summary need not sort (listing
        200 merged people's grants in a 200 k-student district: 47 s with the ids)."""
        index = self._index
        found: list[Grant] = []
        staff = index.users.get(user_id, NOBODY).staff_roles
        for role in self._counted(user_id, acting_as):
            for rule in self.policy.rules:
                if rule.role != role:
                    continue
                if rule.staff_roles and staff.isdisjoint(rule.staff_roles):
                    continue
                scope = SCOPES[rule.scope]
                visible = scope.visible(index, user_id, role, rule.kind)
                ids = tuple(sorted(visible)) if with_ids else ()
                count = len(ids) if with_ids else _count(visible)
                words = scope.words(index, user_id, role)
                district_wide = rule.scope == "district"
                found.append(
                    Grant(role, rule.label, rule.actions, rule.kind, words, ids, district_wide, count)
                )
        return tuple(found)

    def visible(self, user_id: str, kind: str, acting_as: str | None = None) -> tuple[str, ...]:
        """Ids of the targets of `kind` the user may `view`, sorted (what a page lists)."""
        return tuple(sorted(self.visible_set(user_id, kind, acting_as)))

    def visible_set(self, user_id: str, kind: str, acting_as: str | None = None) -> set[str]:
        """Ids of the targets of `kind` the user may `view`, unsorted: for a page that orders them itself
        (sorting a district admin's every user to show 100 of them is most of a people page's cost)."""
        found: set[str] = set()
        staff = self._index.users.get(user_id, NOBODY).staff_roles
        for role in self._counted(user_id, acting_as):
            for rule, scope in self._rules.get((role, "view", kind), ()):  # type: ignore[arg-type]
                if rule.staff_roles and staff.isdisjoint(rule.staff_roles):
                    continue
                found.update(scope.visible(self._index, user_id, role, kind))
        return found

    def explain(self, user_id: str, acting_as: str | None = None) -> Explanation:
        """Every role the user holds, which of them count, and the grants that count with their scopes.
        AccessUsageError for an unknown user or a role they do not hold."""
        index = self._index
        facts = index.users.get(user_id)
        if facts is None:
            raise AccessUsageError(f"unknown user {user_id}: no such user in {index.district_name}")
        held = facts.roles
        role = as_acting_role(acting_as)
        if role is not None and role not in held:
            holds = ", ".join(held) or "no role"
            raise AccessUsageError(f"{facts.name} does not hold the {role} role (holds {holds})")
        schools: dict[str, tuple[str, ...]] = {r: facts.schools_as(r) for r in held if r in SCHOOL_ROLES}
        return Explanation(
            user_id=user_id,
            name=facts.name,
            roles=held,
            acting_as=role,
            grants=self.grants(user_id, role),
            counted_roles=self._counted(user_id, role),
            combine=self.policy.combine,
            role_schools=schools,
            staff_roles=tuple(sorted(facts.staff_roles)),
        )
