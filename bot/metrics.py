"""Prometheus metrics of one process: updates handled, step latency, sends, job runs, and the outbox's depth.

Each runtime has its own registry (tests build several runtimes in one process, and prometheus-client's
default registry is global). The outbox depth is read from the database at scrape time, so every worker
reports the district's queue, not its own.
"""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Seconds: a step is a few milliseconds on SQLite; a second or more means something waits (a lock, the network).
STEP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The process's counters, and the page Prometheus scrapes."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._updates = Counter("hemei_updates", "Updates handled, by event kind and outcome",
                                ["kind", "outcome"], registry=self.registry)
        self._steps = Histogram("hemei_step_seconds", "Time to handle one update (engine step and database)",
                                buckets=STEP_BUCKETS, registry=self.registry)
        self._sends = Counter("hemei_sends", "Outbox sends by outcome", ["outcome"], registry=self.registry)
        self._jobs = Counter("hemei_job_runs", "Scheduled job runs, by job and outcome", ["job", "outcome"],
                             registry=self.registry)
        self._depth = Gauge("hemei_outbox_depth", "Outbox messages due and not yet sent, by priority",
                            ["priority"], registry=self.registry)

    def update_handled(self, kind: str, outcome: str, seconds: float) -> None:
        """Count one update (`outcome`: ok or error) and its handling time."""
        self._updates.labels(kind=kind, outcome=outcome).inc()
        self._steps.observe(seconds)

    def sent(self, outcome: str) -> None:
        """Count one outbox send: sent, retry, failed or blocked."""
        self._sends.labels(outcome=outcome).inc()

    def job_ran(self, job: str, outcome: str) -> None:
        """Count one job run: ok, skipped (another process ran the slot) or error."""
        self._jobs.labels(job=job, outcome=outcome).inc()

    def page(self, depth: Mapping[int, int]) -> bytes:
        """Return the exposition text, with the outbox depth just read (`priority -> due rows`)."""
        self._depth.clear()
        for priority, count in depth.items():
            self._depth.labels(priority=str(priority)).set(count)
        return generate_latest(self.registry)
