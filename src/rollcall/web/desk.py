"""`MigrationDesk`: the operators' dashboard's hold on one migration — the current plan, the last verify,
and the one long job (plan, apply, rollback) running in a background thread whose progress the dashboard
polls. Every step calls `rollcall.migrate`; nothing here decides anything about accounts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import structlog

from rollcall.errors import RollcallError
from rollcall.migrate import (
    MigrateConfig,
    MigrationPlan,
    MigrationStatus,
    VerifyReport,
    apply_plan,
    load_config,
    migration_status,
    plan_migration,
    record_plan,
    rollback_migration,
    verify_migration,
)

log = structlog.get_logger("rollcall.web")
JobKind = Literal["plan", "apply", "verify", "rollback"]


@dataclass
class StepProgress:
    step: str
    done: int = 0
    total: int | None = None
    finished: bool = False


class ProgressLog:
    """A `ProgressReporter` the dashboard reads from another thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._steps: list[StepProgress] = []

    def step_started(self, subject: str, step: str, total: int | None = None) -> None:
        with self._lock:
            self._steps.append(StepProgress(step=step, total=total))

    def advanced(self, subject: str, step: str, count: int) -> None:
        with self._lock:
            for found in reversed(self._steps):
                if found.step == step:
                    found.done += count
                    break

    def step_finished(self, subject: str, step: str) -> None:
        with self._lock:
            for found in reversed(self._steps):
                if found.step == step:
                    found.finished = True
                    break

    def steps(self) -> list[dict[str, object]]:
        with self._lock:
            return [
                {"step": s.step, "done": s.done, "total": s.total, "finished": s.finished}
                for s in self._steps
            ]


@dataclass
class Job:
    """One long migration step run for the operators."""

    kind: JobKind
    started: float
    progress: ProgressLog = field(default_factory=ProgressLog)
    finished: float | None = None
    outcome: str | None = None  # the engine's own summary line
    error: str | None = None

    def to_builtins(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "running": self.finished is None,
            "seconds": round((self.finished or time.monotonic()) - self.started, 1),
            "steps": self.progress.steps(),
            "outcome": self.outcome,
            "error": self.error,
        }


class MigrationDesk:
    """The migration of one config file. The config is read again for every action, so an operator who
    fixes the file sees the fix without restarting the app."""

    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self._lock = threading.Lock()
        self.plan: MigrationPlan | None = None
        self.verify_report: VerifyReport | None = None
        self.job: Job | None = None

    def config(self) -> MigrateConfig:
        return load_config(self.config_path)

    def status(self) -> MigrationStatus:
        return migration_status(self.config())

    def running(self) -> bool:
        job = self.job
        return job is not None and job.finished is None

    def start(self, kind: JobKind) -> str | None:
        """Start `kind` in the background; a sentence saying why not when it cannot start."""
        with self._lock:
            if self.running():
                return f"a {self.job.kind if self.job else ''} is still running; wait for it to finish"
            if kind == "apply" and self.plan is None:
                return "there is no plan to apply yet: plan first"
            job = Job(kind=kind, started=time.monotonic())
            self.job = job
        works: dict[JobKind, Callable[[Job], str]] = {
            "plan": self._plan, "apply": self._apply, "verify": self._verify, "rollback": self._rollback,
        }  # fmt: skip
        work = works[kind]
        threading.Thread(target=self._run, args=(job, work), name=f"migrate-{kind}", daemon=True).start()
        return None

    def _run(self, job: Job, work: Callable[[Job], str]) -> None:
        try:
            job.outcome = work(job)
            log.info("web.migration_job_finished", kind=job.kind)
        except RollcallError as error:
            job.error = str(error)
            log.warning("web.migration_job_failed", kind=job.kind, error=str(error))
        except Exception as error:  # a thread must not die silently: the operator sees what broke
            job.error = f"{type(error).__name__}: {error}"
            log.exception("web.migration_job_crashed", kind=job.kind)
        finally:
            job.finished = time.monotonic()

    def _plan(self, job: Job) -> str:
        config = self.config()
        plan = plan_migration(config, job.progress)
        record_plan(plan, config)
        self.plan = plan
        self.verify_report = None
        return plan.render_text().splitlines()[0]

    def _apply(self, job: Job) -> str:
        if self.plan is None:
            raise RollcallError("there is no plan to apply")
        report = apply_plan(self.plan, self.config(), job.progress)
        return report.render_text().splitlines()[0]

    def _rollback(self, job: Job) -> str:
        report = rollback_migration(self.config(), job.progress)
        self.verify_report = None
        return report.render_text().splitlines()[0]

    def _verify(self, job: Job) -> str:
        """Verify reads every account and v3 user again (10 s at 1 M students): a job like the others."""
        report = verify_migration(self.config(), job.progress)
        self.verify_report = report
        return "All invariants hold." if report.ok else f"{len(report.failures)} invariant failures."
