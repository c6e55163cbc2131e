"""The one error tree of rollcall. Every class carries the process exit code the CLI uses.

RollcallError                      exit 1   anything rollcall raises on purpose
├── UsageError                     exit 2   a command was called with arguments that cannot work
│   ├── AccessUsageError           exit 2   an access check names an unknown user, action, role or bad target
│   └── PolicyError                exit 2   an access policy file does not parse or says something invalid
├── RosterError                    exit 3   a roster (SFTP directory) cannot be read or is invalid
│   └── RosterInvalid              exit 3   problems found (with file, line, column) stop the load
├── CleverApiError                 exit 4   the Clever API (or the emulator) answered with an error
│   ├── BadRequest                 exit 4   400
│   ├── Unauthorized               exit 5   401: wrong, revoked or missing token / client credentials
│   ├── NotFound                   exit 4   404 with a JSON body: the record does not exist or is not shared
│   ├── RouteNotFound              exit 4   404 with an HTML body: unknown path, or a token not allowed there
│   ├── LimitTooLarge              exit 4   413: `limit` above 10 000
│   ├── RateLimited                exit 4   429 after the retry budget was spent
│   ├── ServerError                exit 4   5xx after the retry budget was spent
│   ├── NotImplementedByApi        exit 4   501
│   └── TransportError             exit 4   connection reset, truncated or undecodable body after retries
├── StoreError                     exit 6   the database refused or the schema is not at the expected revision
├── SyncError                      exit 7   a sync could not finish; the store keeps its last checkpoint
├── SignInRefused                  exit 5   a Clever sign-in could not be trusted (state, code, id_token)
├── FleetError                     exit 10  the fleet (sync jobs on many workers) could not do its work
│   ├── DistrictBusy               exit 10  another process holds the district's fence (the job is retried)
│   ├── SyncRetryable              exit 10  a district's sync failed for a passing reason (5xx, reset, …)
│   └── DistrictSyncFailed         exit 10  a district's sync failed for good (token revoked, disconnected)
├── Interrupted                    exit 130 Ctrl-C: says what stopped and that running it again resumes it
└── MigrateError                   exit 9   an account migration cannot go on; the ledger says what was done
    ├── MigrateConfigError         exit 2   the config, or a table, column or role value it names, is wrong
    └── StalePlanError             exit 11  the source changed since the plan was made: plan again
"""

from __future__ import annotations


class RollcallError(Exception):
    """Root of every error rollcall raises on purpose."""

    exit_code: int = 1


class UsageError(RollcallError):
    """A command was called with arguments that cannot work together."""

    exit_code = 2


class AccessUsageError(UsageError):
    """An access check names an unknown action, role or user, or a malformed target."""


class PolicyError(UsageError):
    """An access policy file cannot be read, is not TOML, or grants something invalid; names file:line."""


class RosterError(RollcallError):
    """A roster directory cannot be read (missing directory, missing required file, unreadable bytes)."""

    exit_code = 3


class RosterInvalid(RosterError):
    """The roster was read but has errors; `problems` lists each with file, line and column."""

    def __init__(self, message: str, problems: tuple[object, ...]) -> None:
        super().__init__(message)
        self.problems = problems


class CleverApiError(RollcallError):
    """The Clever API answered with an error status."""

    exit_code = 4

    def __init__(self, message: str, *, status: int | None = None, url: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.url = url


class BadRequest(CleverApiError):
    """400: the request is malformed; retrying will not help."""


class Unauthorized(CleverApiError):
    """401: the token or the client credentials are wrong, revoked or missing."""

    exit_code = 5


class NotFound(CleverApiError):
    """404 with a JSON body: the record does not exist or is not shared with the app."""


class RouteNotFound(CleverApiError):
    """404 with an HTML body: an unknown route, or a token that may not use this route."""


class LimitTooLarge(CleverApiError):
    """413: the page size is above Clever's maximum of 10 000."""


class RateLimited(CleverApiError):
    """429 that persisted past the retry budget."""


class ServerError(CleverApiError):
    """500/502/503 that persisted past the retry budget."""


class NotImplementedByApi(CleverApiError):
    """501: the API does not support this request."""


class TransportError(CleverApiError):
    """The connection failed or the body was truncated/undecodable, past the retry budget."""


class StoreError(RollcallError):
    """The database refused an operation or is not at the expected schema revision."""

    exit_code = 6


class SyncError(RollcallError):
    """A sync could not finish; the store is left at its last committed checkpoint."""

    exit_code = 7


class SignInRefused(RollcallError):
    """A Clever sign-in was refused: wrong or missing state, a code Clever would not exchange, an id_token
    whose signature, audience, expiry or nonce does not hold. `status` is what the web app answers with."""

    exit_code = 5

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class FleetError(RollcallError):
    """The fleet could not schedule, run or report district sync jobs."""

    exit_code = 10


class DistrictBusy(FleetError):
    """Another process holds the district's fence: a sync of it is already running. Retried later."""


class SyncRetryable(FleetError):
    """A district's sync job failed for a reason that may pass (5xx, a reset connection, a database hiccup):
    Procrastinate retries it with backoff."""


class DistrictSyncFailed(FleetError):
    """A district's sync job failed for a reason retrying cannot fix (a revoked token, a disconnected
    district): the district is marked failed and the job is not retried."""


class Interrupted(RollcallError):
    """The user pressed Ctrl-C (SIGINT); the message names what stopped and how a rerun picks it up."""

    exit_code = 130


class MigrateError(RollcallError):
    """A v2 → v3 account migration cannot go on; the vendor database holds exactly what its ledger says."""

    exit_code = 9


class MigrateConfigError(MigrateError):
    """The migration config is malformed or names a table, column or role value the database lacks."""

    exit_code = 2


class StalePlanError(MigrateError):
    """The legacy accounts or the v3 truth changed since the plan was made: nothing was applied."""

    exit_code = 11
