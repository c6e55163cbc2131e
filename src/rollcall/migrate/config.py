"""`MigrateConfig`: the TOML file that describes a vendor's legacy database (accounts, the columns that point
at them, where contacts go), where the v3 truth is read, and the strategy. `load_config` checks its shape and
names the key at fault; whether the tables and columns exist is checked against the database (`legacy.py`)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Final, Literal

import msgspec

from rollcall.domain.user import ROLE_NAMES, RoleName
from rollcall.errors import MigrateConfigError

MultiRole = Literal["consolidate", "role-specific"]
SurvivorRule = Literal["most_recent_login", "role_order", "most_references", "lowest_key"]
DEFAULT_BATCH_SIZE: Final = 5_000


class _Section(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    pass


class AccountsConfig(_Section, frozen=True):
    """`[legacy.accounts]`: the one table of accounts and the columns apply reads and writes."""

    table: str
    key: str
    clever_id: str
    role: str
    role_values: dict[RoleName, str]
    email: str | None = None
    last_login: str | None = None
    v3_id: str = "clever_user_id"
    merged_into: str = "merged_into"

    def role_of_value(self) -> dict[str, RoleName]:
        """The role column's values back to Clever role names."""
        return {value: role for role, value in self.role_values.items()}


class ReferenceConfig(_Section, frozen=True):
    """`[[legacy.references]]`: a column of another table that holds an account's key."""

    table: str
    column: str


class ContactsConfig(_Section, frozen=True):
    """`[legacy.contacts]`: the tables v3 contacts are written to (apply creates them when missing)."""

    table: str = "rollcall_contacts"
    relationships: str = "rollcall_contact_students"


class LegacyConfig(_Section, frozen=True):
    """`[legacy]`: the vendor's database."""

    url: str
    accounts: AccountsConfig
    references: list[ReferenceConfig] = []
    contacts: ContactsConfig = ContactsConfig()
    batch_size: int = DEFAULT_BATCH_SIZE


class CleverConfig(_Section, frozen=True):
    """`[clever]`: the v3 truth, a synced store (`store`) or the live API (`url` + `token`)."""

    store: str | None = None
    district: str | None = None
    url: str | None = None
    token: str | None = None
    api: str = "v3.1"
    migration_csv: str | None = None


class StrategyConfig(_Section, frozen=True):
    """`[strategy]`: what becomes of a person's several accounts."""

    multi_role: MultiRole = "consolidate"
    survivor: SurvivorRule = "most_recent_login"
    role_order: list[RoleName] = msgspec.field(default_factory=lambda: ["district_admin", "staff", "teacher"])


class MigrateConfig(_Section, frozen=True):
    """A whole migration config; `path` is the file it came from (for messages)."""

    legacy: LegacyConfig
    clever: CleverConfig
    strategy: StrategyConfig = StrategyConfig()
    path: str = "<config>"


_PATH_IN_MESSAGE: Final = re.compile(r"\s*-\s*at `(?:key` in `)?\$\.?([^`]*)`$")


def _key_of(message: str) -> tuple[str, str]:
    """msgspec's `Expected … - at `$.legacy.accounts`` as ("legacy.accounts", "Expected …")."""
    found = _PATH_IN_MESSAGE.search(message)
    if found is None:
        return "", message
    return found.group(1), message[: found.start()]


def _check_shape(raw: dict[str, object], where: str) -> None:
    """Say plainly what msgspec would say obscurely: per-role account tables and unknown roles."""
    legacy = raw.get("legacy")
    accounts = legacy.get("accounts") if isinstance(legacy, dict) else None
    if isinstance(accounts, dict):
        per_role = [name for name in ROLE_NAMES if isinstance(accounts.get(name), dict)]
        if per_role:
            raise MigrateConfigError(
                f"{where}: legacy.accounts.{per_role[0]}: per-role account tables are not supported yet; "
                "describe one accounts table with a `role` column and `[legacy.accounts.role_values]`"
            )


def _resolve(url: str, base: Path) -> str:
    """A relative SQLite path is relative to the config file, not to wherever the command runs."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        return prefix + str((base / url[len(prefix) :]).resolve())
    return url


def parse_config(text: str, *, where: str = "<config>", base: Path | None = None) -> MigrateConfig:
    """The config in `text`; MigrateConfigError names `where` and the key (or line) at fault."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MigrateConfigError(f"{where}: not valid TOML: {error}") from error
    _check_shape(raw, where)
    try:
        config = msgspec.convert(raw, MigrateConfig)
    except msgspec.ValidationError as error:
        key, what = _key_of(str(error))
        raise MigrateConfigError(f"{where}: {key or '(top level)'}: {what}") from error
    _check_values(config, where)
    base = base or Path.cwd()
    legacy = msgspec.structs.replace(config.legacy, url=_resolve(config.legacy.url, base))
    clever = config.clever
    if clever.store is not None:
        clever = msgspec.structs.replace(clever, store=_resolve(clever.store, base))
    if clever.migration_csv is not None:
        clever = msgspec.structs.replace(clever, migration_csv=str(base / clever.migration_csv))
    return msgspec.structs.replace(config, legacy=legacy, clever=clever, path=where)


def _check_values(config: MigrateConfig, where: str) -> None:
    clever = config.clever
    if (clever.store is None) == (clever.url is None):
        raise MigrateConfigError(
            f"{where}: clever: name the v3 truth with exactly one of `store` (a synced rollcall database) "
            "or `url` (+ `token`) for the live API"
        )
    if clever.url is not None and not clever.token:
        raise MigrateConfigError(f"{where}: clever.token: the live API needs a district-app token")
    if config.legacy.batch_size < 1:
        raise MigrateConfigError(f"{where}: legacy.batch_size: must be at least 1")
    values = list(config.legacy.accounts.role_values.values())
    if len(set(values)) != len(values):
        raise MigrateConfigError(f"{where}: legacy.accounts.role_values: two roles share one value")
    if not config.legacy.accounts.role_values:
        raise MigrateConfigError(f"{where}: legacy.accounts.role_values: name at least one role's value")
    if len(set(config.strategy.role_order)) != len(config.strategy.role_order):
        raise MigrateConfigError(f"{where}: strategy.role_order: a role is named twice")


def load_config(path: Path) -> MigrateConfig:
    """Read and check the config file at `path` (relative SQLite paths are relative to it)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise MigrateConfigError(f"cannot read the migration config {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise MigrateConfigError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from error
    return parse_config(text, where=str(path), base=path.parent.resolve())
