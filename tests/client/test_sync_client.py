from __future__ import annotations

import pytest

from rollcall.client import queries as q
from rollcall.client.sync_client import CleverClient
from rollcall.errors import UsageError

# Port 9 (discard) on loopback: any request that slipped through would fail with a connection error,
# not a UsageError, so these tests prove the refusal happens before sending.
NOWHERE = "http://127.0.0.1:9"


def test_version_mismatches_are_refused_before_any_request() -> None:
    with CleverClient("token", api_version="v2.1", base_url=NOWHERE) as client:
        with pytest.raises(UsageError, match="/users exists only in API v3"):
            client.iter_users()
        with pytest.raises(UsageError, match=r"/schools/s1/users exists only"):
            client.iter_school_users("s1")
    with CleverClient("token", api_version="3.0", base_url=NOWHERE) as client:
        assert client.api_version == "v3.0"
        with pytest.raises(UsageError, match=r"/students exists only in API v2\.1"):
            client.iter_students()


def test_page_sizes_outside_clever_bounds_are_refused() -> None:
    with pytest.raises(UsageError, match="at most 10000"):
        CleverClient("token", page_size=10_001)
    with pytest.raises(UsageError, match="at least 1"):
        CleverClient("token", page_size=0)


def test_the_token_never_appears_in_the_repr() -> None:
    with CleverClient("s3cret", base_url=NOWHERE) as client:
        assert "s3cret" not in repr(client)
        assert "127.0.0.1:9" in repr(client)


def test_a_resume_checkpoint_must_belong_to_the_list_being_walked() -> None:
    with (
        CleverClient("token", base_url=NOWHERE) as client,
        pytest.raises(UsageError, match="does not belong"),
    ):
        client.iter_pages(q.users("v3.1"), resume_url="/v3.1/sections?limit=5&starting_after=x")


def test_bad_event_filters_are_refused_when_the_iterator_is_made() -> None:
    with CleverClient("token", base_url=NOWHERE) as client, pytest.raises(UsageError, match="no events"):
        client.iter_events(record_types=["students"])
