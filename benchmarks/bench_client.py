"""The client's cost, measured side by side in one run, with peak memory:

1. decoding a full 10 000-user page into typed `User`s vs the naive route (`json.loads` + `msgspec.convert`);
2. walking every user of a generated district over real loopback HTTP with `CleverClient` (links, retries,
   pacing, typed decoding) vs bare `httpx` GETs of the same pages with `json.loads` (the floor).

    PYTHONPATH=src python benchmarks/bench_client.py [--records 10000] [--repeat 5] [--students 20000]
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from collections.abc import Callable

import httpx
import msgspec

from rollcall.client import CleverClient
from rollcall.client.page_walk import decode_list
from rollcall.domain.paging import ListEnvelope
from rollcall.domain.user import User
from rollcall.emulator import Emulator


def _page(records: int) -> bytes:
    items = []
    for n in range(records):
        uid = f"{n:024x}"
        roles: dict[str, object] = {
            "student": {
                "sis_id": str(n), "school": "5" * 24, "schools": ["5" * 24], "grade": "7", "dob": "2/11/2012",
                "gender": "F", "enrollments": [], "ext": {"gifted_status": "N"},
                "credentials": {"district_username": f"s{n}"},
                "location": {"address": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62701"},
            }
        }  # fmt: skip
        if n % 7 == 0:
            roles = {
                "teacher": {"sis_id": str(n), "school": "5" * 24, "legacy_id": f"{n:024x}"},
                "staff": {"staff_id": f"S{n}", "roles": ["PortalOnly"], "legacy_id": f"{n + 1:024x}"},
            }
        items.append({"data": {"id": uid, "district": "d" * 24, "name": {"first": "Ada", "last": f"L{n}"},
                               "email": f"u{n}@example.org", "created": "2023-03-26T16:08:05.609Z",
                               "last_modified": "2023-03-26T16:08:05.609Z", "roles": roles},
                      "uri": f"/v3.1/users/{uid}"})  # fmt: skip
    links = [{"rel": "self", "uri": f"/v3.1/users?limit={records}"}]
    return json.dumps({"links": links, "data": items}).encode()


def _measure(label: str, decode: Callable[[bytes], ListEnvelope[User]], body: bytes, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        decode(body)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    decode(body)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<28} best {best * 1000:8.1f} ms   peak {peak / 2**20:7.1f} MiB")
    return best


def _walk_typed(base_url: str, token: str) -> int:
    with CleverClient(token, base_url=base_url) as clever:
        return sum(1 for _ in clever.iter(clever.endpoints.users()))


def _walk_bare(base_url: str, token: str) -> int:
    count = 0
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        url: str | None = "/v3.1/users?limit=10000"
        while url is not None:
            body = json.loads(http.get(url).content)
            count += len(body["data"])
            url = (
                next((link["uri"] for link in body["links"] if link["rel"] == "next"), None)
                if body["data"]
                else None
            )
    return count


def _timed(label: str, walk: Callable[[str, str], int], base_url: str, token: str) -> float:
    """Wall time of a walk without tracing (tracemalloc slows allocation-heavy code unevenly), then its
    peak traced memory in a second walk."""
    start = time.perf_counter()
    count = walk(base_url, token)
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    walk(base_url, token)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rate = count / elapsed
    print(f"{label:<28} {count} users in {elapsed:6.2f} s ({rate:9.0f}/s)   peak {peak / 2**20:7.1f} MiB")
    return elapsed


def bench_walk(students: int) -> None:
    emu = Emulator(seed="bench-client")
    district_id = emu.load_generated(students=students, seed=1)
    token = emu.district_token(district_id)
    with emu.serve_in_thread() as base_url:
        _walk_bare(base_url, token)  # warm the emulator's page caches for both contenders
        bare = _timed("bare httpx + json.loads", _walk_bare, base_url, token)
        typed = _timed("CleverClient.iter(users)", _walk_typed, base_url, token)
    print(f"ratio client / bare: {typed / bare:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--students", type=int, default=20_000)
    args = parser.parse_args()
    body = _page(args.records)
    print(f"page of {args.records} users, {len(body) / 2**20:.1f} MiB of JSON")
    typed = _measure("msgspec typed decoder", lambda b: decode_list(User, b), body, args.repeat)
    naive = _measure(
        "json.loads + msgspec.convert",
        lambda b: msgspec.convert(json.loads(b), ListEnvelope[User]),
        body,
        args.repeat,
    )
    print(f"ratio naive / typed: {naive / typed:.1f}x")
    print()
    bench_walk(args.students)


if __name__ == "__main__":
    main()
