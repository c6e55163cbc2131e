"""How the emulator says no, the way Clever does: JSON `{"message"}` errors for known routes, and Express's
HTML "Cannot GET /path" page for unknown routes and for tokens that may not use a route (§7.2)."""

from __future__ import annotations

import html
from typing import Final

import msgspec
from starlette.responses import Response

JSON_CONTENT_TYPE: Final = "application/json; charset=utf-8"
HTML_CONTENT_TYPE: Final = "text/html; charset=utf-8"


class ApiProblem(Exception):
    """An error answered with `{"message": …}` and an HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class RouteMissing(Exception):
    """An unknown route (or one the token may not use): Express's HTML 404."""

    def __init__(self, method: str, path: str) -> None:
        super().__init__(f"Cannot {method} {path}")
        self.method = method
        self.path = path


def json_bytes_response(body: bytes, status: int = 200) -> Response:
    return Response(body, status_code=status, headers={"content-type": JSON_CONTENT_TYPE})


def problem_response(problem: ApiProblem) -> Response:
    return json_bytes_response(msgspec.json.encode({"message": problem.message}), problem.status)


def route_missing_response(method: str, path: str) -> Response:
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n'
        f"<body>\n<pre>Cannot {html.escape(method)} {html.escape(path)}</pre>\n</body>\n</html>\n"
    )
    return Response(page.encode(), status_code=404, headers={"content-type": HTML_CONTENT_TYPE})
