"""Every job the outbox can name has a worker function, and nothing else is queued."""

from __future__ import annotations

import importlib

import pytest

from alerts.core.domain.jobs import Job
from workers.queue import JOBS, RqJobQueue


def test_every_job_has_a_function() -> None:
    assert set(JOBS) == set(Job)
    for path in JOBS.values():
        module, name = path.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), name))


def test_a_job_this_release_does_not_know_is_refused_before_redis() -> None:
    queue = RqJobQueue.from_url("redis://127.0.0.1:1/0")  # nothing listens: never reached
    with pytest.raises(ValueError, match="unknown job 'reindex'; known: process_message"):
        queue.enqueue("reindex", 1, job_id="outbox-1")
