"""How fast the client turns a full 10 000-user page into typed `User`s, measured side by side with the
naive route (`json.loads` then `msgspec.convert`) in one run, plus peak memory of each.

    PYTHONPATH=src python benchmarks/bench_client.py [--records 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from collections.abc import Callable

import msgspec

from rollcall.client.pages import decode_list
from rollcall.domain.paging import ListEnvelope
from rollcall.domain.user import User


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
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


if __name__ == "__main__":
    main()
