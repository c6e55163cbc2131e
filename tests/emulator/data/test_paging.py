from __future__ import annotations

import pytest

from rollcall.emulator.data.paging import PageRequest, page_links, parse_page_request, select_page
from rollcall.emulator.responses import ApiProblem

IDS = [f"{n:024x}" for n in range(1, 11)]


def test_the_default_limit_is_100() -> None:
    assert parse_page_request([]) == PageRequest(limit=100)


@pytest.mark.parametrize(
    ("limit", "status"), [("0", 400), ("-3", 400), ("ten", 400), ("1.5", 400), ("10001", 413)]
)
def test_limits_outside_one_to_ten_thousand_are_refused(limit: str, status: int) -> None:
    with pytest.raises(ApiProblem) as raised:
        parse_page_request([("limit", limit)])
    assert raised.value.status == status


def test_both_cursors_at_once_are_refused() -> None:
    with pytest.raises(ApiProblem, match="together"):
        parse_page_request([("starting_after", IDS[0]), ("ending_before", IDS[3])])


def test_starting_after_returns_the_ids_after_the_cursor_even_if_it_does_not_exist() -> None:
    assert select_page(IDS, PageRequest(limit=2, starting_after=IDS[2])) == IDS[3:5]
    between = IDS[2] + "0"  # a deleted record's id: sorts between IDS[2] and IDS[3]
    assert select_page(IDS, PageRequest(limit=1, starting_after=between)) == [IDS[3]]


def test_ending_before_returns_the_limit_ids_just_before_the_cursor_ascending() -> None:
    assert select_page(IDS, PageRequest(limit=3, ending_before=IDS[5])) == IDS[2:5]
    assert select_page(IDS, PageRequest(limit=30, ending_before=IDS[1])) == IDS[:1]


def test_ending_before_last_is_the_last_page() -> None:
    assert select_page(IDS, PageRequest(limit=4, ending_before="last")) == IDS[6:]


def test_next_appears_only_on_a_full_page_and_keeps_other_params_after_limit() -> None:
    query = [("role", "teacher"), ("limit", "2")]
    links = dict(page_links("/v3.0/users", "role=teacher&limit=2", query, PageRequest(limit=2), IDS[:2]))
    assert links["self"] == "/v3.0/users?role=teacher&limit=2"
    assert links["next"] == f"/v3.0/users?limit=2&role=teacher&starting_after={IDS[1]}"
    assert "prev" not in links
    short = dict(page_links("/v3.0/users", "", [], PageRequest(limit=2), IDS[:1]))
    assert short == {"self": "/v3.0/users"}


def test_prev_appears_only_after_starting_after_and_points_before_the_first_item() -> None:
    page = PageRequest(limit=2, starting_after=IDS[0])
    links = dict(
        page_links("/v3.0/users", f"starting_after={IDS[0]}", [("starting_after", IDS[0])], page, IDS[1:2])
    )
    assert links["prev"] == f"/v3.0/users?limit=2&ending_before={IDS[1]}"
    assert "next" not in links
