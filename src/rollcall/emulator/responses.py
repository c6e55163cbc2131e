"""How the emulator says no, the way Clever does: JSON `{"message"}` errors for known routes, and Express's
HTML "Cannot GET /path" page for unknown routes and for tokens that may not use a route (§7.2)."""

from __future__ import annotations

import html
from typing import Final

import msgspec
from starlette.convertors import Convertor, register_url_convertor
from starlette.responses import Response

JSON_CONTENT_TYPE: Final = "application/json; charset=utf-8"
HTML_CONTENT_TYPE: Final = "text/html; charset=utf-8"
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class AnyPathConvertor(Convertor[str]):
    """Every path, newlines included: Starlette's `path` convertor (`.*`) stops at a `%0A`, which would
    leave such a request to the router's plain-text 404 instead of the API's answer for its class of path."""

    regex = "(?s:.*)"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("anypath", AnyPathConvertor())


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
