"""Matching legacy accounts to v3 users (Clever's recommended workflow, every role): each account's v2 id
against every v3 role's legacy id. Pure: values in, outcomes out."""

from __future__ import annotations

from collections.abc import Iterable

from rollcall.domain.user import RoleName
from rollcall.migrate.values import AccountOutcome, Key, LegacyAccount, V3Person


def legacy_index(people: Iterable[V3Person]) -> dict[str, tuple[str, RoleName]]:
    """Every legacy id of every role to its (user id, role); a student's legacy id is their user id."""
    index: dict[str, tuple[str, RoleName]] = {}
    for person in people:
        for role, legacy_id in person.roles:
            if legacy_id is not None:
                index[legacy_id] = (person.id, role)
    return index


def _same_email(left: str | None, right: str | None) -> bool:
    """Emails disagree only when both are present and non-empty (compared trimmed, case-insensitively)."""
    a = (left or "").strip().casefold()
    b = (right or "").strip().casefold()
    return not a or not b or a == b


def match_account(
    account: LegacyAccount,
    index: dict[str, tuple[str, RoleName]],
    emails: dict[str, str | None],
    role_of_value: dict[str, RoleName],
) -> AccountOutcome:
    """One account's outcome. `emails` maps user ids to their v3 email. With per-role account tables the
    account's `role_value` is its table's role, so an account in the table of a role other than the one its
    Clever id belongs to is ambiguous just as a disagreeing role column is."""
    found = index.get(account.clever_id)
    if found is None:
        reason = "its Clever id is no longer in v3 (removed, or not shared with the app)"
        return AccountOutcome(*_base(account), outcome="orphaned", reason=reason, table=account.table)
    user_id, role = found
    column_role = role_of_value.get(account.role_value)
    if column_role is None:
        reason = f"its role column holds {account.role_value!r}, which no Clever role maps to"
        return AccountOutcome(*_base(account), "ambiguous", user_id, role, reason, account.table)
    if column_role != role:
        in_table = account.table is not None
        says = f"it is in the {column_role} table" if in_table else f"its role column says {column_role}"
        reason = f"{says}, but its Clever id is the {role} role's legacy id"
        return AccountOutcome(*_base(account), "ambiguous", user_id, role, reason, account.table)
    email = account.email
    # Most accounts have no email or the v3 one verbatim: those skip the trimmed, case-folded comparison.
    if email and (v3_email := emails.get(user_id)) and email != v3_email and not _same_email(email, v3_email):
        reason = f"its email {email!r} disagrees with the v3 user's {v3_email!r}"
        return AccountOutcome(*_base(account), "ambiguous", user_id, role, reason, account.table)
    return AccountOutcome(
        account.key, account.clever_id, account.role_value, "matched", user_id, role, None, account.table
    )


def _base(account: LegacyAccount) -> tuple[Key, str, str]:
    return (account.key, account.clever_id, account.role_value)


def match_accounts(
    accounts: Iterable[LegacyAccount], people: Iterable[V3Person], role_of_value: dict[str, RoleName]
) -> list[AccountOutcome]:
    """Every account's outcome, in the order given."""
    listed = list(people)
    index = legacy_index(listed)
    emails = {person.id: person.email for person in listed}
    return [match_account(account, index, emails, role_of_value) for account in accounts]
