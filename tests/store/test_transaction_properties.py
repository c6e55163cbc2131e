"""Property: whatever order and batching users arrive in, the rows equal those of writing only the last
version of each user (upserts replace a user's role rows exactly and never leave traces)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollcall.domain.record import Name
from rollcall.domain.user import (
    Contact,
    DistrictAdmin,
    Roles,
    Staff,
    Student,
    StudentRelationship,
    Teacher,
    User,
)
from rollcall.store import Store

DISTRICT = "5f00000000000000000000f1"
USER_IDS = ("6b0000000000000000000001", "6b0000000000000000000002", "6b0000000000000000000003")
SCHOOLS = st.lists(st.sampled_from(("sa", "sb", "sc")), max_size=3)
LEGACY = st.none() | st.sampled_from(("5a01", "5a02", "5a03"))

roles = st.builds(
    Roles,
    student=st.none() | st.builds(Student, sis_id=st.just("s1"), school=st.just("sa"), schools=SCHOOLS),
    teacher=st.none()
    | st.builds(
        Teacher, sis_id=st.text("T0123", max_size=3), school=st.just("sb"), schools=SCHOOLS, legacy_id=LEGACY
    ),
    staff=st.none()
    | st.builds(
        Staff,
        staff_id=st.just("S1"),
        schools=SCHOOLS,
        roles=st.lists(st.sampled_from(("PortalOnly", "SchoolTechLead")), max_size=2),
        legacy_id=LEGACY,
    ),
    district_admin=st.none() | st.builds(DistrictAdmin, title=st.none() | st.just("Boss"), legacy_id=LEGACY),
    contact=st.none()
    | st.builds(
        Contact,
        student_relationships=st.lists(
            st.builds(
                StudentRelationship,
                student=st.sampled_from(USER_IDS),
                relationship=st.sampled_from(("Parent", "Other", None)),
            ),
            max_size=3,
        ),
    ),
)
users = st.builds(
    User,
    id=st.sampled_from(USER_IDS),
    district=st.just(DISTRICT),
    name=st.builds(Name, first=st.sampled_from(("Ann", "Bo")), last=st.just("Lee")),
    email=st.none() | st.sampled_from(("a@x.org", "b@x.org")),
    roles=roles,
)
batches = st.lists(st.lists(users, min_size=1, max_size=4), min_size=1, max_size=5)


def purge(store: Store) -> None:
    """Each example starts from an empty district."""
    with store.transaction() as tx:
        tx.purge_district(DISTRICT)
    assert set(store.counts(DISTRICT, include_deleted=True).values()) == {0}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=batches)
def test_any_sequence_of_upserts_ends_as_upserting_the_last_versions(
    store: Store, batches: list[list[User]]
) -> None:
    purge(store)
    for number, batch in enumerate(batches):
        with store.transaction() as tx:
            tx.upsert_users(batch, run_id=f"run-{number}")
    after_sequence = store.table_fingerprint(DISTRICT)
    counts_after_sequence = store.counts(DISTRICT)

    last = {user.id: user for batch in batches for user in batch}
    purge(store)
    with store.transaction() as tx:
        tx.upsert_users(list(last.values()), run_id="clean")
    assert store.table_fingerprint(DISTRICT) == after_sequence
    assert store.counts(DISTRICT) == counts_after_sequence
    assert {user.id: user for user in store.iter_users(DISTRICT)} == last
