"""`DemoRun`: what the steps of `rollcall demo` share — the options, where the files live, and what earlier
steps made (the served emulator, the district, the person it follows, the synced store)."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from rollcall.cli.console import out
from rollcall.client import CleverClient, HttpOptions
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import User
from rollcall.emulator import Emulator
from rollcall.store import Store

T = TypeVar("T")


def _made(value: T | None, step: str) -> T:
    """What an earlier step made; a step that runs before the one it needs is a programming error."""
    if value is None:
        raise RuntimeError(f"the demo's {step} step has not run yet")
    return value


@dataclass
class DemoRun:
    """One run of the demo. A step reads what earlier steps set and sets what it makes; `resources` closes
    whatever a step opened (the emulator, the store) when the demo ends."""

    students: int
    seed: str
    roster_dir: Path  # the generated SFTP files: `--out`, else inside `scratch`
    kept: bool  # True when `--out` was given: the files outlive the demo
    db_url: str  # `--db`, else a SQLite file inside `scratch`
    db_kept: bool  # True when `--db` was given
    scratch: Path  # a temporary directory, deleted when the demo ends
    district_name: str
    resources: ExitStack
    emulator: Emulator | None = None
    district_id: str = ""
    snapshot: DistrictSnapshot | None = None
    person: User | None = None
    store: Store | None = None
    chapters: list[str] = field(default_factory=list)

    def chapter(self, title: str) -> None:
        """Start the next numbered chapter of the story."""
        self.chapters.append(title)
        out.rule(f"{len(self.chapters)}. {title}")

    @property
    def served(self) -> Emulator:
        """The emulator serving the district (set by the serve step)."""
        return _made(self.emulator, "serve")

    @property
    def followed(self) -> User:
        """The multi-role person the story follows (set by the serve step)."""
        return _made(self.person, "serve")

    @property
    def synced(self) -> Store:
        """The store the district was synced into (set by the sync step)."""
        return _made(self.store, "sync")

    @property
    def person_name(self) -> str:
        return f"{self.followed.name.first} {self.followed.name.last}"

    def client(self, version: str) -> CleverClient:
        """A client of the served district in API `version`, in process (no socket)."""
        emulator = self.served
        return CleverClient(
            emulator.district_token(self.district_id),
            api_version=version,
            base_url=emulator.base_url,
            options=HttpOptions(transport=emulator.sync_transport()),
        )
