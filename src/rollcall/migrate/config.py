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
DEFAULT_V3_ID: Final = "clever_user_id"
DEFAULT_MERGED_INTO: Final = "merged_into"
ACCOUNT_MAP: Final = "rollcall_account_map"  # see `ddl.account_map_table`


class _Section(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    pass


class RoleTableConfig(_Section, frozen=True):
    """`[legacy.accounts.<role>]`: the table of one Clever role's accounts (the table implies the role)."""

    table: str
    key: str
    clever_id: str
    email: str | None = None
    last_login: str | None = None
    v3_id: str = DEFAULT_V3_ID
    merged_into: str = DEFAULT_MERGED_INTO


class AccountsConfig(_Section, frozen=True):
    """`[legacy.accounts]`: either the one table of accounts (its columns here, each account's role in the
    `role` column) or one table per Clever role (`[legacy.accounts.teacher]` …), never both. Every field is
    optional to msgspec so that `_check_single_table` / `_check_role_tables` can say which form is meant and
    what it lacks; read the tables through `tables()`, which fills in the defaults."""

    table: str | None = None
    key: str | None = None
    clever_id: str | None = None
    role: str | None = None
    role_values: dict[RoleName, str] = {}
    email: str | None = None
    last_login: str | None = None
    v3_id: str | None = None
    merged_into: str | None = None
    student: RoleTableConfig | None = None
    teacher: RoleTableConfig | None = None
    staff: RoleTableConfig | None = None
    district_admin: RoleTableConfig | None = None
    contact: RoleTableConfig | None = None

    def role_tables(self) -> dict[RoleName, RoleTableConfig]:
        """The per-role tables, in Clever's role order (empty in the single-table form)."""
        found = {role: getattr(self, role) for role in ROLE_NAMES}
        return {role: table for role, table in found.items() if table is not None}

    @property
    def per_role(self) -> bool:
        return any(getattr(self, role) is not None for role in ROLE_NAMES)

    def role_of_value(self) -> dict[str, RoleName]:
        """The role column's values back to Clever role names; in the per-role form each table's role name
        stands in for the value (`LegacyAccount.role_value`)."""
        if self.per_role:
            return {role: role for role in self.role_tables()}
        return {value: role for role, value in self.role_values.items()}

    def tables(self) -> list[AccountTable]:
        """Every accounts table as the migration reads and writes it, whichever form described it."""
        if not self.per_role:
            # `_check_single_table` made sure of these four.
            assert self.table is not None
            assert self.key is not None
            assert self.clever_id is not None
            assert self.role is not None
            return [
                AccountTable(
                    at="legacy.accounts", role=None, table=self.table, key=self.key,
                    clever_id=self.clever_id, role_column=self.role, email=self.email,
                    last_login=self.last_login, v3_id=self.v3_id or DEFAULT_V3_ID,
                    merged_into=self.merged_into or DEFAULT_MERGED_INTO, map_table=ACCOUNT_MAP,
                )
            ]  # fmt: skip
        return [
            AccountTable(
                at=f"legacy.accounts.{role}", role=role, table=config.table, key=config.key,
                clever_id=config.clever_id, role_column=None, email=config.email,
                last_login=config.last_login, v3_id=config.v3_id, merged_into=config.merged_into,
                map_table=f"{ACCOUNT_MAP}_{role}",
            )
            for role, config in self.role_tables().items()
        ]  # fmt: skip

    def find_table(self, name: str) -> AccountTable | None:
        """The accounts table called `name`, if the config names one."""
        return next((table for table in self.tables() if table.table == name), None)


class AccountTable(msgspec.Struct, frozen=True, kw_only=True):
    """One table of accounts, normalised from either form. `role`: the role every account in it holds (the
    per-role form), or None when `role_column` says. `at`: its config key, for messages. `map_table`: the
    table apply keeps this table's slice of the plan in (`ddl.account_map_table`)."""

    at: str
    role: RoleName | None
    table: str
    key: str
    clever_id: str
    role_column: str | None
    email: str | None
    last_login: str | None
    v3_id: str
    merged_into: str
    map_table: str


class ReferenceConfig(_Section, frozen=True):
    """`[[legacy.references]]`: a column of another table that holds an account's key; with per-role account
    tables, `accounts` names the role whose table the column points into."""

    table: str
    column: str
    accounts: RoleName | None = None


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
    """Say plainly what msgspec would say obscurely about `[legacy.accounts.<name>]` sections: a name that is
    no Clever role, or a role column in a per-role table."""
    legacy = raw.get("legacy")
    accounts = legacy.get("accounts") if isinstance(legacy, dict) else None
    if not isinstance(accounts, dict):
        return
    for name, section in accounts.items():
        if not isinstance(section, dict) or name == "role_values":
            continue
        if name not in ROLE_NAMES:
            raise MigrateConfigError(
                f"{where}: legacy.accounts.{name}: no Clever role is called {name!r}; a per-role accounts "
                f"table is [legacy.accounts.<role>] with <role> one of {', '.join(ROLE_NAMES)}"
            )
        for option in ("role", "role_values"):
            if option in section:
                raise MigrateConfigError(
                    f"{where}: legacy.accounts.{name}.{option}: a per-role table needs no role column: "
                    f"every account in it is a {name} account"
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
    if len(set(config.strategy.role_order)) != len(config.strategy.role_order):
        raise MigrateConfigError(f"{where}: strategy.role_order: a role is named twice")
    if config.legacy.accounts.per_role:
        _check_role_tables(config, where)
    else:
        _check_single_table(config, where)


# The single-table form's own keys: one of them beside a `[legacy.accounts.<role>]` mixes the two forms.
SINGLE_TABLE_KEYS: Final = (
    "table", "key", "clever_id", "role", "role_values", "email", "last_login", "v3_id", "merged_into",
)  # fmt: skip


def _check_single_table(config: MigrateConfig, where: str) -> None:
    accounts = config.legacy.accounts
    for name in ("table", "key", "clever_id", "role"):
        if getattr(accounts, name) is None:
            raise MigrateConfigError(
                f"{where}: legacy.accounts: Object missing required field `{name}` (or describe one "
                "table per role: [legacy.accounts.teacher] …)"
            )
    values = list(accounts.role_values.values())
    if len(set(values)) != len(values):
        raise MigrateConfigError(f"{where}: legacy.accounts.role_values: two roles share one value")
    if not accounts.role_values:
        raise MigrateConfigError(f"{where}: legacy.accounts.role_values: name at least one role's value")
    for number, ref in enumerate(config.legacy.references):
        if ref.accounts is not None:
            raise MigrateConfigError(
                f"{where}: legacy.references[{number}].accounts: only per-role account tables need it; "
                "with one accounts table every reference points into it"
            )


def _check_role_tables(config: MigrateConfig, where: str) -> None:
    """The per-role form: nothing of the single-table form beside it, one table per role, every reference
    naming its role's table, and no consolidation (see docs/migrate.md, "Per-role account tables")."""
    accounts = config.legacy.accounts
    tables = accounts.role_tables()
    first = next(iter(tables))
    for name in SINGLE_TABLE_KEYS:
        if getattr(accounts, name) not in (None, {}):
            raise MigrateConfigError(
                f"{where}: legacy.accounts.{name}: a config describes either one accounts table "
                "([legacy.accounts] with table, key, role, role_values …) or one table per role "
                f"([legacy.accounts.{first}] …), not both; per-role tables need no `role` or `role_values` "
                "(the table implies the role)"
            )
    seen: dict[str, RoleName] = {}
    for role, table in tables.items():
        if table.table in seen:
            raise MigrateConfigError(
                f"{where}: legacy.accounts.{role}.table: table {table.table!r} is already "
                f"legacy.accounts.{seen[table.table]}'s; a table holding several roles is the single-table "
                "form, with a `role` column"
            )
        seen[table.table] = role
    configured = ", ".join(tables)
    for number, ref in enumerate(config.legacy.references):
        at = f"legacy.references[{number}].accounts"
        if ref.accounts is None:
            raise MigrateConfigError(
                f"{where}: {at}: with per-role account tables, say which one {ref.table}.{ref.column} points "
                f"into (accounts = one of {configured})"
            )
        if ref.accounts not in tables:
            raise MigrateConfigError(
                f"{where}: {at}: no [legacy.accounts.{ref.accounts}] table is configured ({configured} are)"
            )
    if config.strategy.multi_role == "consolidate":
        raise MigrateConfigError(
            f"{where}: strategy.multi_role: consolidate (the default) cannot merge accounts kept in per-role "
            "tables: a reference to an absorbed teacher account would be re-pointed to a survivor in another "
            'table, where that key means another account or none; set multi_role = "role-specific" (every '
            "account keeps living and carries its v3 id, nothing is re-pointed)"
        )


def load_config(path: Path) -> MigrateConfig:
    """Read and check the config file at `path` (relative SQLite paths are relative to it)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise MigrateConfigError(f"cannot read the migration config {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise MigrateConfigError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from error
    return parse_config(text, where=str(path), base=path.parent.resolve())
