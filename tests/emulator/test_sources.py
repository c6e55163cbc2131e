"""Districts from SFTP directories and the generator, and roster changes from a new SFTP export."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from rollcall.emulator import Emulator
from rollcall.errors import RosterError, RosterInvalid
from tests.roster.rosters import FIXTURES, write_roster

STAFF_TESS = "School_id,Staff_id,Staff_email,First_name,Last_name\nS1,ST1,t1@example.org,Tess,One\n"


def test_an_sftp_directory_is_served_with_its_merged_multi_role_people() -> None:
    with Emulator() as emu:
        district = emu.load_sftp(FIXTURES / "lincoln")
        users = emu.client(district).get("/v3.1/users?role=staff").json()["data"]
        robin = next(u["data"] for u in users if u["data"]["name"].get("first") == "Robin")
        assert {"teacher", "staff"} <= set(robin["roles"])


def test_a_generated_district_is_reproducible_from_its_seed() -> None:
    with Emulator() as one, Emulator() as two:
        first = one.load_generated(students=40, seed=3)
        second = two.load_generated(students=40, seed=3)
        assert first == second
        assert one.state.snapshot(first) == two.state.snapshot(second)
        assert len(one.state.snapshot(first).users_by_roles()) > 1


def test_a_new_sftp_export_becomes_events_a_teacher_gaining_staff(tmp_path: Path) -> None:
    with Emulator() as emu:
        district = emu.load_sftp(write_roster(tmp_path / "day1"))
        counts = emu.apply_roster(write_roster(tmp_path / "day2", {"staff.csv": STAFF_TESS}))
        assert counts["v3.0"] == counts["v3.1"] == 1
        http: httpx.Client = emu.client(district)
        (v3,) = [e["data"] for e in http.get("/v3.0/events").json()["data"]]
        assert v3["type"] == "users.updated"
        assert v3["data"]["previous_attributes"]["roles"]["staff"] is None
        v2_types = [e["data"]["type"] for e in http.get("/v2.1/events").json()["data"]]
        assert "schooladmins.created" in v2_types


def test_missing_and_invalid_rosters_are_roster_errors(tmp_path: Path) -> None:
    with Emulator() as emu:
        with pytest.raises(RosterError, match="does not exist"):
            emu.load_sftp(tmp_path / "missing")
        with pytest.raises(RosterInvalid):
            emu.load_sftp(write_roster(tmp_path / "bad", {"students.csv": "School_id,Student_id\nS9,1\n"}))
