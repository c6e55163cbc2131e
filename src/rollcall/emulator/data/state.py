"""The emulator's state: every loaded district (snapshot + read indexes + event log), the token registry
and the clock. Requests read it; the control plane replaces a district's snapshot and appends events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from rollcall.domain.district import District
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.timestamps import Clock, FixedClock, RunningClock
from rollcall.domain.user import RoleName, User
from rollcall.domain.version import ApiVersion
from rollcall.emulator.data.admission import admit_roster
from rollcall.emulator.data.district_index import DistrictIndex
from rollcall.emulator.data.event_log import EventLog, StoredEvent
from rollcall.emulator.data.render import Renderer
from rollcall.emulator.tokens import TokenRegistry
from rollcall.errors import NotFound, UsageError

EMULATOR_EPOCH = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


@dataclass(slots=True)
class DistrictState:
    """One loaded district: its current snapshot, the indexes over it and its event log."""

    index: DistrictIndex
    events: EventLog = field(default_factory=EventLog)
    renderers: dict[ApiVersion, Renderer] = field(default_factory=dict)

    @property
    def snapshot(self) -> DistrictSnapshot:
        return self.index.snapshot

    def renderer(self, version: ApiVersion) -> Renderer:
        """The wire renderer of this district in one version (its caches live until the roster changes)."""
        found = self.renderers.get(version)
        if found is None:
            found = self.renderers[version] = Renderer(self.index, self.events, version)
        return found


class EmulatorState:
    """Every district the emulator serves, who may call it, and what time it is."""

    def __init__(self, seed: str = "rollcall", clock: Clock | None = None) -> None:
        self.seed = seed
        self.tokens = TokenRegistry(seed=seed)
        self.clock: Clock = clock if clock is not None else FixedClock(EMULATOR_EPOCH)
        self._districts: dict[str, DistrictState] = {}
        self._user_district: dict[str, str] = {}
        self._legacy: dict[str, tuple[str, str, RoleName]] = {}
        self.event_serial = 0

    # ---- the read-only protocol other emulator parts (OAuth, browser) use ----------------------------

    def district_ids(self) -> list[str]:
        """Ids of every loaded district, ascending."""
        return sorted(self._districts)

    def district(self, district_id: str) -> District:
        """The district record; NotFound when no such district is loaded."""
        return self.district_state(district_id).snapshot.district

    def snapshot(self, district_id: str) -> DistrictSnapshot:
        """The current snapshot of a loaded district; NotFound otherwise."""
        return self.district_state(district_id).snapshot

    def find_user(self, user_id: str) -> tuple[str, User] | None:
        """(district id, user) for a v3 user id in any loaded district."""
        district_id = self._user_district.get(user_id)
        if district_id is None:
            return None
        return district_id, self._districts[district_id].snapshot.users[user_id]

    def find_by_legacy_id(self, legacy_id: str) -> tuple[str, User, str] | None:
        """(district id, user, role name) for a pre-v3 role id (a student's legacy id is its user id)."""
        found = self._legacy.get(legacy_id)
        if found is None:
            located = self.find_user(legacy_id)
            if located is None or located[1].roles.student is None:
                return None
            return located[0], located[1], "student"
        district_id, user_id, role = found
        return district_id, self._districts[district_id].snapshot.users[user_id], role

    # ---- emulator internals ------------------------------------------------------------------------

    def district_state(self, district_id: str) -> DistrictState:
        """The loaded district; NotFound when it is not loaded."""
        found = self._districts.get(district_id)
        if found is None:
            raise NotFound(f"no district {district_id} is loaded in the emulator", status=404)
        return found

    def find_district_state(self, district_id: str) -> DistrictState | None:
        return self._districts.get(district_id)

    def add_district(self, snapshot: DistrictSnapshot) -> str:
        """Load a new district (no events: it is what the app sees when first connected). Returns its id."""
        district_id = snapshot.district.id
        if district_id in self._districts:
            raise UsageError(f"district {district_id} is already loaded; apply a roster change instead")
        admitted = admit_roster(snapshot, seed=self.seed, elsewhere=self.elsewhere(district_id))
        state = self._districts[district_id] = DistrictState(index=DistrictIndex(admitted))
        self._remember_people(district_id, state.index)
        self.tokens.district_token(district_id)
        return district_id

    def commit_roster(
        self,
        district_id: str,
        index: DistrictIndex,
        events: Mapping[ApiVersion, list[StoredEvent]],
        last_serial: int,
        touched_users: Collection[str] | None = None,
    ) -> None:
        """Swap in a district's new index and append the events describing the change. Everything here was
        checked and derived beforehand (see `operations.plan_roster_change`); nothing in it can fail halfway.
        With `touched_users` only those people are re-registered in the id maps."""
        state = self.district_state(district_id)
        old = state.index
        if touched_users is None:
            self._forget_people(district_id, old)
            self._remember_people(district_id, index)
        else:
            for user_id in touched_users:
                if (gone := old.snapshot.users.get(user_id)) is not None:
                    self._forget_person(district_id, gone)
                if (present := index.snapshot.users.get(user_id)) is not None:
                    self._remember_person(district_id, present)
        state.index = index
        state.renderers.clear()
        for version, produced in events.items():
            state.events.append(version, produced)
        self.event_serial = max(self.event_serial, last_serial)

    def elsewhere(self, district_id: str) -> Callable[[str], tuple[str, str] | None]:
        """Which other loaded district already uses an id, as a user id or a v2.1 id (for admission)."""

        def owner(some_id: str) -> tuple[str, str] | None:
            user_district = self._user_district.get(some_id)
            if user_district is not None and user_district != district_id:
                return user_district, "a user"
            legacy = self._legacy.get(some_id)
            if legacy is not None and legacy[0] != district_id:
                return legacy[0], "a v2.1 id"
            return None

        return owner

    def remove_district(self, district_id: str) -> None:
        """Unload a district and revoke its tokens."""
        state = self.district_state(district_id)
        self._forget_people(district_id, state.index)
        del self._districts[district_id]
        self.tokens.forget_district(district_id)

    def reset(self) -> None:
        """Unload every district and revoke every token; the clock is left where it is."""
        for district_id in self.district_ids():
            self.remove_district(district_id)

    def advance_clock(self, delta: dt.timedelta) -> dt.datetime:
        """Move a fixed or running clock forward and drop events that fell out of the 30-day window."""
        if not isinstance(self.clock, FixedClock | RunningClock):
            raise UsageError("the emulator runs on the wall clock; it cannot be advanced")
        try:
            self.clock.advance(delta)
        except ValueError as error:
            raise UsageError(str(error)) from error
        now = self.clock.now()
        for state in self._districts.values():
            state.events.expire(now)
        return now

    def _remember_person(self, district_id: str, user: User) -> None:
        self._user_district[user.id] = district_id
        for role, legacy_id in user.legacy_ids().items():
            if legacy_id != user.id:
                self._legacy[legacy_id] = (district_id, user.id, role)

    def _forget_person(self, district_id: str, user: User) -> None:
        if self._user_district.get(user.id) == district_id:
            del self._user_district[user.id]
        for legacy_id in user.legacy_ids().values():
            if self._legacy.get(legacy_id, ("",))[0] == district_id:
                del self._legacy[legacy_id]

    def _remember_people(self, district_id: str, index: DistrictIndex) -> None:
        self._user_district.update(dict.fromkeys(index.user_ids, district_id))
        for role, legacy_ids in index.legacy_of.items():
            for user_id, legacy_id in legacy_ids.items():
                if legacy_id != user_id:  # a student's legacy id is its user id: found via _user_district
                    self._legacy[legacy_id] = (district_id, user_id, role)

    def _forget_people(self, district_id: str, index: DistrictIndex) -> None:
        for user_id in index.user_ids:
            if self._user_district.get(user_id) == district_id:
                del self._user_district[user_id]
        for legacy_ids in index.legacy_of.values():
            for legacy_id in legacy_ids.values():
                if self._legacy.get(legacy_id, ("",))[0] == district_id:
                    del self._legacy[legacy_id]
