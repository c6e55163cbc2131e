"""The Clever API versions rollcall speaks."""

from __future__ import annotations

from typing import Final, Literal, get_args

ApiVersion = Literal["v2.1", "v3.0", "v3.1"]
API_VERSIONS: Final[tuple[ApiVersion, ...]] = get_args(ApiVersion)


def parse_api_version(text: str) -> ApiVersion:
    """`v3.1` (or `3.1`) → `"v3.1"`; ValueError for a version rollcall does not speak."""
    candidate = text if text.startswith("v") else f"v{text}"
    for version in API_VERSIONS:
        if candidate == version:
            return version
    raise ValueError(f"unknown Clever API version {text!r}; expected one of {', '.join(API_VERSIONS)}")
