"""A task through a real Celery worker on Redis (``make test-celery``; CI runs it).

The test starts ``celery worker`` as a separate process on the configured broker, sends a task
and waits for its result, so broker, serialisation, worker start-up and result backend are all
exercised for real.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from intlportal.tasks import ping

pytestmark = pytest.mark.celery_worker

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker():
    assert settings.CELERY_BROKER_URL, "set REDIS_URL (or CELERY_BROKER_URL) to run the worker test"
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "intlportal.settings"}
    proc = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, "-m", "celery", "-A", "intlportal", "worker", "--pool=solo",
         "--concurrency=1", "--loglevel=WARNING", "--without-gossip", "--without-mingle",
         "-n", f"ci-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_a_real_worker_on_redis_runs_a_task(worker):
    started = time.monotonic()
    result = ping.delay(f"hello from {os.getpid()}")
    assert result.get(timeout=60) == f"hello from {os.getpid()}"
    assert worker.poll() is None, "the worker exited early"
    assert time.monotonic() - started < 60
