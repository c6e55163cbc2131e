from __future__ import annotations

import msgspec
import pytest

from rollcall.client.page_walk import (
    build_url,
    decode_list,
    decode_single,
    first_page_url,
    list_decoder,
    make_page,
    next_page_url,
    same_origin_path,
)
from rollcall.domain.district import Course, Resource, Term
from rollcall.domain.paging import Link, ListEnvelope, ListItem
from rollcall.domain.user import User
from rollcall.errors import CleverApiError

BASE = "https://api.clever.com"

USERS_PAGE = b"""{
 "links":[{"rel":"self","uri":"/v3.0/users?limit=2"},
          {"rel":"next","uri":"/v3.0/users?limit=2&starting_after=58da8c63d7dc0ca068000412"}],
 "data":[{"data":{"id":"58da8c63d7dc0ca0680003ed","district":"58da8a43cc70ab00017a1a87",
                  "name":{"first":"Ada","last":"Lovelace"},"email":"ada@example.org",
                  "roles":{"student":{"sis_id":"1","school":"58da8c58155b940248000007","email":"ada@example.org",
                                      "graduation_year":"","enrollments":[]}}},
          "uri":"/v3.0/users/58da8c63d7dc0ca0680003ed"},
         {"data":{"id":"58da8c63d7dc0ca068000412","district":"58da8a43cc70ab00017a1a87",
                  "name":{"first":"Robin","last":"Plant"},
                  "roles":{"teacher":{"sis_id":"77","school":"58da8c58155b940248000007","legacy_id":"a1"},
                           "staff":{"staff_id":"S-77","roles":["SchoolTechLead"],"legacy_id":"b2"}}},
          "uri":"/v3.0/users/58da8c63d7dc0ca068000412"}]}"""


def test_a_users_page_decodes_into_multi_role_users_ignoring_unknown_fields() -> None:
    envelope = decode_list(User, USERS_PAGE)
    users = [item.data for item in envelope.data]
    assert [u.role_names() for u in users] == [("student",), ("teacher", "staff")]
    assert users[1].legacy_ids() == {"teacher": "a1", "staff": "b2"}
    assert envelope.data[0].uri == "/v3.0/users/58da8c63d7dc0ca0680003ed"


def test_decoders_are_built_once_per_type() -> None:
    assert list_decoder(User) is list_decoder(User)
    assert list_decoder(Term) is not list_decoder(Course)


def test_single_envelope_decodes_with_its_links() -> None:
    body = (
        b'{"data":{"id":"c1","district":"d1","name":"Algebra"},'
        b'"links":[{"rel":"self","uri":"/v3.1/courses/c1"}]}'
    )
    envelope = decode_single(Course, body)
    assert envelope.data == Course(id="c1", district="d1", name="Algebra")
    assert envelope.links == [Link("self", "/v3.1/courses/c1")]


def test_the_bare_resources_quirk_is_an_empty_page() -> None:
    assert decode_list(Resource, b'{"resources":[]}').data == []


def test_a_wrong_shape_is_a_validation_error_and_broken_json_a_decode_error() -> None:
    with pytest.raises(msgspec.ValidationError):
        decode_list(Course, b'{"data":[{"data":{"id":1}}]}')
    with pytest.raises(msgspec.ValidationError):
        decode_list(Course, b'{"resources":[{"id":"r"}]}')
    with pytest.raises(msgspec.DecodeError) as info:
        decode_list(Course, USERS_PAGE[:100])
    assert not isinstance(info.value, msgspec.ValidationError)


def test_first_page_url_puts_limit_first_and_repeats_filters() -> None:
    url = first_page_url("/v3.1/events", (("record_type", "users"), ("record_type", "sections")), 500, "e1")
    assert url == "/v3.1/events?limit=500&starting_after=e1&record_type=users&record_type=sections"
    assert (
        first_page_url("/v3.1/events", (), 1, ending_before="last")
        == "/v3.1/events?limit=1&ending_before=last"
    )
    assert build_url("/v3.1/users", ()) == "/v3.1/users"


def _envelope(ids: list[str], links: list[Link]) -> ListEnvelope[Course]:
    return ListEnvelope(data=[ListItem(Course(id=i, district="d")) for i in ids], links=links)


def test_the_next_link_is_followed_verbatim() -> None:
    nxt = "/v3.1/courses?limit=2&starting_after=b"
    envelope = _envelope(["a", "b"], [Link("self", "/v3.1/courses?limit=2"), Link("next", nxt)])
    assert next_page_url(envelope, "/v3.1/courses?limit=2", BASE) == nxt


def test_the_walk_stops_without_next_or_on_an_empty_page() -> None:
    assert next_page_url(_envelope(["a"], [Link("self", "/x")]), "/x", BASE) is None
    assert next_page_url(_envelope([], [Link("next", "/v3.1/courses?starting_after=z")]), "/x", BASE) is None


def test_a_next_link_back_to_the_same_page_is_refused() -> None:
    envelope = _envelope(["a"], [Link("next", "/v3.1/courses?limit=1")])
    with pytest.raises(CleverApiError, match="same page"):
        next_page_url(envelope, "/v3.1/courses?limit=1", BASE)


def test_absolute_links_are_followed_only_on_the_same_origin() -> None:
    assert same_origin_path(BASE, "https://api.clever.com/v3.1/users?limit=5") == "/v3.1/users?limit=5"
    with pytest.raises(CleverApiError, match="leaves"):
        same_origin_path(BASE, "https://evil.example/v3.1/users")
    with pytest.raises(CleverApiError, match="leaves"):
        same_origin_path(BASE, "http://api.clever.com/v3.1/users")
    with pytest.raises(CleverApiError, match="not a path"):
        same_origin_path(BASE, "v3.1/users")


def test_make_page_records_the_checkpoint() -> None:
    records, info = make_page(_envelope(["a", "b", "c"], []), "/v3.1/courses?limit=3", "/next")
    assert [r.id for r in records] == ["a", "b", "c"]
    assert (info.count, info.first_id, info.last_id, info.next_url) == (3, "a", "c", "/next")
    empty, info = make_page(_envelope([], []), "/u", None)
    assert (empty, info.first_id, info.last_id) == ([], None, None)
