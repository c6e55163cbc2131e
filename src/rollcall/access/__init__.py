"""The access engine: role-aware, school-scoped permissions for people who hold several roles.

Public API (migrate and web code against it; names are stable):

    policy = load_policy(path)                     # None = the default; PolicyError names file:line
    facts = facts_from_snapshot(snapshot)          # in memory; or Store.access_facts(district_id)
    engine = AccessEngine(facts, policy)           # reads every fact once into a compiled index
    engine.check(user_id, "edit", "section:abc", acting_as=None) -> Decision(allowed, role, rule, reason, …)
    engine.explain(user_id, acting_as=None) -> Explanation   · engine.grants(user_id) -> tuple[Grant, ...]
    engine.roles_of(user_id) · engine.visible(user_id, "section") · engine.refresh()   # only what changed
    engine.visible_set(user_id, "user")            # the same ids unsorted, for a page that orders them itself
    parse_target("section:abc") -> Target · Action · AccessFacts (the Protocol the store satisfies)
"""

from rollcall.access.decision import Decision, Explanation, Grant
from rollcall.access.engine import AccessEngine, as_acting_role
from rollcall.access.facts import AccessFacts, FactChanges, MemoryFacts, facts_from_snapshot
from rollcall.access.policy import DEFAULT_POLICY_TOML, Combine, Policy, Rule, load_policy, parse_policy
from rollcall.access.target import ACTIONS, TARGET_KINDS, Action, Target, TargetKind, as_action, parse_target

__all__ = [
    "ACTIONS",
    "DEFAULT_POLICY_TOML",
    "TARGET_KINDS",
    "AccessEngine",
    "AccessFacts",
    "Action",
    "Combine",
    "Decision",
    "Explanation",
    "FactChanges",
    "Grant",
    "MemoryFacts",
    "Policy",
    "Rule",
    "Target",
    "TargetKind",
    "as_acting_role",
    "as_action",
    "facts_from_snapshot",
    "load_policy",
    "parse_policy",
    "parse_target",
]
