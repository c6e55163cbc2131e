"""The v3 truth a migration matches against: the users of a synced store or of the live API, reduced to
`V3Person` values as they stream by (a million users never sit in memory as full records), and Clever's own
migration CSV when the config names one."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from rollcall.client import CleverClient
from rollcall.domain.report import fingerprint
from rollcall.domain.user import ROLE_NAMES, RoleName, User
from rollcall.errors import MigrateConfigError, RollcallError
from rollcall.migrate.config import CleverConfig, MigrateConfig
from rollcall.migrate.values import V3Person
from rollcall.store import Store

ROLE_RANK: Final = {role: n for n, role in enumerate(ROLE_NAMES)}


def _districts(store: Store, district: str | None, where: str) -> list[str]:
    districts = store.district_ids()
    if district is not None:
        if district not in districts:
            raise MigrateConfigError(
                f"{where}: clever.district: the store {store.where} has no district {district}"
            )
        districts = [district]
    if not districts:
        raise MigrateConfigError(f"{where}: clever.store: {store.where} holds no district: sync it first")
    return districts


def _person(
    user_id: str, email: str | None, roles: list[tuple[RoleName, str | None]], contacts: dict[str, V3Person]
) -> V3Person:
    """Roles in Clever's order (the store lists them by name); most people hold one, which needs no sort. A
    contact is the one decoded from its payload (one that became a contact after that read has no
    relationships yet)."""
    if len(roles) == 1:
        ordered = roles
        is_contact = roles[0][0] == "contact"
    else:
        ordered = sorted(roles, key=lambda role: ROLE_RANK[role[0]])
        is_contact = any(role == "contact" for role, _ in ordered)
    if is_contact and (contact := contacts.get(user_id)) is not None:
        return contact
    return V3Person(user_id, email, tuple(ordered))


def _store_people(store: Store, district_id: str) -> Iterator[V3Person]:
    """The district's people from the store's indexed role rows; only contacts' payloads are decoded (for
    their name, phone and relationships). Equal to `V3Person.of` of every full user (roles in Clever's
    order), at a fraction of the cost."""
    contacts = {user.id: V3Person.of(user) for user in store.iter_users_with_role(district_id, "contact")}
    current: str | None = None
    email: str | None = None
    roles: list[tuple[RoleName, str | None]] = []
    for user_id, user_email, role, legacy_id in store.iter_role_legacy_ids(district_id):
        if user_id == current:  # a further role of the same person (rows come by user, then role)
            roles.append((role, legacy_id))
            continue
        if current is not None:
            yield _person(current, email, roles, contacts)
        current, email, roles = user_id, user_email, [(role, legacy_id)]
    if current is not None:
        yield _person(current, email, roles, contacts)


def read_people(config: MigrateConfig) -> tuple[list[V3Person], str]:
    """Every v3 user of the truth the config names, as `V3Person`s in id order, and the truth's basis (what a
    stale check compares, see `truth_basis`)."""
    clever = config.clever
    if clever.store is not None:
        with Store.open(clever.store, migrate=False) as store:
            districts = _districts(store, clever.district, config.path)
            basis = _store_basis(store, districts)  # first: a write after it shows as a change
            people = [person for district_id in districts for person in _store_people(store, district_id)]
    else:
        people = [V3Person.of(user) for user in _api_users(clever)]
        basis = fingerprint(people)
    people.sort(key=lambda person: person.id)
    return people, basis


def truth_basis(config: MigrateConfig) -> str:
    """The truth's basis now. A store's is its districts' change versions (bumped by every write that touches
    users), read without reading a single user; the live API has no such counter, so its users are read and
    fingerprinted."""
    clever = config.clever
    if clever.store is not None:
        with Store.open(clever.store, migrate=False) as store:
            return _store_basis(store, _districts(store, clever.district, config.path))
    return read_people(config)[1]


def _store_basis(store: Store, districts: list[str]) -> str:
    return fingerprint({district_id: store.change_version(district_id) for district_id in districts})


def _api_users(clever: CleverConfig) -> Iterator[User]:
    assert clever.url is not None
    assert clever.token is not None
    with CleverClient(clever.token, api_version=clever.api, base_url=clever.url) as client:
        yield from client.iter(client.endpoints.users())


def find_users(config: MigrateConfig, user_ids: list[str]) -> dict[str, User]:
    """The full records of a few users (the merged people whose access a report compares)."""
    clever = config.clever
    found: dict[str, User] = {}
    if clever.store is not None:
        with Store.open(clever.store, migrate=False) as store:
            for user_id in user_ids:
                if (user := store.find_user(user_id)) is not None:
                    found[user_id] = user
        return found
    assert clever.url is not None
    assert clever.token is not None
    with CleverClient(clever.token, api_version=clever.api, base_url=clever.url) as client:
        for user_id in user_ids:
            try:
                found[user_id] = client.get(client.endpoints.user(user_id))
            except RollcallError:
                continue  # gone since the plan: the report leaves this person's access out
    return found


def read_migration_csv(path: str) -> list[tuple[str, str, int]]:
    """Clever's `role_id,user_id` CSV as (role id, user id, line) rows."""
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or [cell.strip() for cell in header[:2]] != ["role_id", "user_id"]:
                raise MigrateConfigError(
                    f"{path}:1: expected the header role_id,user_id (Clever's migration CSV)"
                )
            rows: list[tuple[str, str, int]] = []
            for number, row in enumerate(reader, start=2):
                if not row or not any(cell.strip() for cell in row):
                    continue
                if len(row) < 2:
                    raise MigrateConfigError(f"{path}:{number}: expected role_id,user_id, got {row!r}")
                rows.append((row[0].strip(), row[1].strip(), number))
            return rows
    except OSError as error:
        raise MigrateConfigError(f"clever.migration_csv: cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise MigrateConfigError(f"clever.migration_csv: {path} is not UTF-8 text") from error
