from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from rollcall.client import queries as q
from rollcall.client.queries import Endpoints
from rollcall.domain.event import Event
from rollcall.domain.user import User
from rollcall.domain.v2 import V2Student
from rollcall.domain.version import ApiVersion
from rollcall.errors import UsageError

# Public methods of the endpoint table built from the endpoints rather than being one.
COMPOSITIONS = {"v2_person"}


def _catalogue() -> list[tuple[str, Callable[..., object]]]:
    return [
        (name, fn)
        for name, fn in inspect.getmembers(Endpoints, inspect.isfunction)
        if not name.startswith("_") and name not in COMPOSITIONS
    ]


def _call(fn: Callable[..., object], version: ApiVersion) -> object:
    params = list(inspect.signature(fn).parameters.values())[1:]
    args = ["5f0000000000000000000001" for p in params if p.default is inspect.Parameter.empty]
    return fn(Endpoints(version), *args)


def _versions_of(fn: Callable[..., object]) -> set[str]:
    found = set()
    for version in ("v2.1", "v3.0", "v3.1"):
        try:
            _call(fn, version)  # type: ignore[arg-type]
        except UsageError:
            continue
        found.add(version)
    return found


def _spec_paths(version: str) -> set[str]:
    """Every GET path of Clever's Swagger files for `version` (Data API + Events API)."""
    yaml = pytest.importorskip("yaml")
    root = Path(__file__).resolve().parents[2]
    candidates = (
        [Path(os.environ["ROLLCALL_CLEVER_SPEC_DIR"])] if "ROLLCALL_CLEVER_SPEC_DIR" in os.environ else []
    )
    # <repo>/../shared in the main checkout; worktrees live one level deeper.
    candidates += [root.parent / "shared" / "clever-spec", root.parent.parent / "shared" / "clever-spec"]
    spec_dir = next((path for path in candidates if (path / f"{version}.yml").exists()), None)
    if spec_dir is None:
        pytest.skip(f"Clever's Swagger files are not available (looked in {', '.join(map(str, candidates))})")
    paths: set[str] = set()
    for name in (f"{version}.yml", f"{version}-events.yml"):
        spec = yaml.safe_load((spec_dir / name).read_text())
        paths.update(path for path, ops in spec["paths"].items() if "get" in ops)
    return paths


def _templates(version: ApiVersion) -> set[str]:
    found = set()
    for _, fn in _catalogue():
        try:
            query = _call(fn, version)
        except UsageError:
            continue
        path = query.path  # type: ignore[attr-defined]
        found.add(path.removeprefix(f"/{version}").replace("5f0000000000000000000001", "{id}"))
    return found


@pytest.mark.parametrize("version", ["v2.1", "v3.0", "v3.1"])
def test_the_catalogue_covers_exactly_the_spec_get_paths_of_each_version(version: ApiVersion) -> None:
    assert _templates(version) == _spec_paths(version)


def test_every_endpoint_belongs_to_v2_only_v3_only_or_all() -> None:
    allowed = ({"v2.1"}, {"v3.0", "v3.1"}, {"v2.1", "v3.0", "v3.1"})
    for name, fn in _catalogue():
        assert _versions_of(fn) in allowed, name


def test_version_mismatch_is_a_usage_error_naming_the_path() -> None:
    with pytest.raises(
        UsageError, match=r"/users exists only in API v3\.0 and v3\.1; this client speaks v2\.1"
    ):
        Endpoints("v2.1").users()
    with pytest.raises(UsageError, match=r"/students exists only in API v2\.1"):
        Endpoints("v3.1").students()


def test_queries_carry_path_type_and_filters() -> None:
    assert Endpoints("v3.1").users("teacher") == q.ListQuery("/v3.1/users", User, (("role", "teacher"),))
    assert Endpoints("v3.0").school_users("s1", "staff", primary=True).params == (
        ("role", "staff"),
        ("primary", "true"),
    )
    assert Endpoints("v3.0").user_schools("u1").params == ()
    assert Endpoints("v2.1").students() == q.ListQuery("/v2.1/students", V2Student)


@pytest.mark.parametrize(
    ("build", "role"),
    [
        (lambda r: Endpoints("v3.1").users(r), "school_admin"),
        (lambda r: Endpoints("v3.1").school_users("s", r), "contact"),
        (lambda r: Endpoints("v3.1").section_users("s", r), "staff"),
        (lambda r: Endpoints("v3.1").resource_users("s", r), "district_admin"),
    ],
)
def test_role_filters_outside_the_endpoint_vocabulary_are_refused(
    build: Callable[[str], object], role: str
) -> None:
    with pytest.raises(UsageError, match=repr(role)):
        build(role)


def test_ids_are_escaped_into_one_path_segment_and_empty_ids_refused() -> None:
    assert Endpoints("v3.1").user("../districts?x=1").path == "/v3.1/users/..%2Fdistricts%3Fx%3D1"
    with pytest.raises(UsageError, match="empty"):
        Endpoints("v3.1").user(" ")


def test_event_filters_are_checked_against_the_version() -> None:
    query = Endpoints("v3.1").events(["users", "sections"], school="s1")
    assert query == q.ListQuery("/v3.1/events", Event, (("school", "s1"), ("record_type", "users"),
                                                         ("record_type", "sections")))  # fmt: skip
    assert Endpoints("v2.1").events(["students"]).params == (("record_type", "students"),)
    with pytest.raises(UsageError, match=r"'students' has no events in API v3\.1"):
        Endpoints("v3.1").events(["students"])


def test_v2_person_reads_the_record_of_each_role_by_its_legacy_id() -> None:
    for role, single in (
        ("student", Endpoints.student), ("teacher", Endpoints.teacher), ("staff", Endpoints.school_admin),
        ("district_admin", Endpoints.district_admin), ("contact", Endpoints.contact),
    ):  # fmt: skip
        assert Endpoints("v2.1").v2_person(role, "abc") == single(Endpoints("v2.1"), "abc")
    with pytest.raises(UsageError):
        Endpoints("v3.1").v2_person("teacher", "t1")
