"""Fault suite, Redis (issue 20): real redis-server, real Celery worker and beat subprocesses.

Run with ``make test-faults`` (``pytest -m faults``); not part of ``make test``.  Each case
starts its own ``redis-server`` on a free loopback port (no persistence) and its own worker
(and beat) on the test database — PostgreSQL when ``DATABASE_URL`` says so, otherwise a
file-based SQLite test database — and bounds every wait (60 s).

Cases:

1. ``test_the_worker_survives_redis_dying_while_it_holds_a_task`` — Redis is killed while the
   worker runs an acks_late task and restarted 3 s later: the worker is still alive (before
   the fix it died with ``AttributeError: 'NoneType' object has no attribute 'hostname'``),
   the held task runs to its end, and the worker answers pings and runs new tasks again.
2. ``test_a_save_while_redis_is_down_loses_nothing`` — Redis (cache and broker) is killed, two
   counted records are created through the web view: no 500, each answers within
   ``REQUEST_BOUND`` seconds, the records and their pending recompute are committed; Redis
   returns and the beat's sweep recomputes.

Each case ends with ``assessment.settle``: the served assessment equals a fresh
``run_assessment`` (0 differences) once the sweep has run (``conftest.Assessment``).
"""

from __future__ import annotations

import datetime
import time
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from assessment.models import PendingRecompute
from exchanges.models import Event
from tests.factories import EventFactory
from tests.faults.conftest import REQUEST_BOUND, YEAR, report, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def worker_answers(app) -> bool:
    try:
        return bool(app.control.ping(timeout=1))
    except Exception:  # broker still down
        return False


def test_the_worker_survives_redis_dying_while_it_holds_a_task(services, redis_server, celery_on_redis, tmp_path,
                                                               assessment):
    app = celery_on_redis
    worker = services.worker()
    wait_for(lambda: worker_answers(app), what="the worker to answer a ping")

    marker = str(tmp_path / f"held-{uuid.uuid4().hex}")
    app.send_task("faults.hold", kwargs={"seconds": 8, "marker": marker})
    wait_for(lambda: Path(marker + ".started").exists(), what="the worker to start the task")

    started = time.monotonic()
    redis_server.restart(down_for=3)  # SIGKILL, 3 s without Redis, a fresh (empty) Redis
    wait_for(lambda: Path(marker + ".done").exists(), what="the held task to finish")
    assert worker.poll() is None, "the worker died:\n" + services.log("worker")[-3000:]

    wait_for(lambda: worker_answers(app), what="the worker to reconnect")
    second = str(tmp_path / "after")
    app.send_task("faults.hold", kwargs={"seconds": 0, "marker": second})
    wait_for(lambda: Path(second + ".done").exists(), what="a new task after the restart")
    assert worker.poll() is None
    assert "Unrecoverable error" not in services.log("worker")
    seconds = round(time.monotonic() - started, 1)
    settled = assessment.settle(services)
    report("redis killed while a task was held", worker="alive", held_task="completed",
           new_task="completed", seconds=seconds, **settled)


def test_a_save_while_redis_is_down_loses_nothing(services, redis_server, office_client, faculty_a, assessment):
    EventFactory(in_2025=True, faculty=faculty_a, date=datetime.date(YEAR, 4, 1))
    assessment.start()  # served == fresh, with that event, and nothing pending

    redis_server.kill()
    statuses, seconds = [], []
    for n in range(2):  # the first enqueue after the loss fails at once; the next ones must too
        started = time.monotonic()
        response = office_client.post(reverse("exchanges:event-create"), {
            "faculty": faculty_a.pk, "kind": Event.Kind.CONFERENCE_HOSTED, "title": f"Saved during the outage {n}",
            "date": f"{YEAR}-06-0{n + 1}", "participants_total": 30, "participants_foreign": 10})
        seconds.append(round(time.monotonic() - started, 1))
        statuses.append(response.status_code)
    assert statuses == [302, 302], statuses
    for n in range(2):
        assert Event.objects.filter(title=f"Saved during the outage {n}").count() == 1
    assert PendingRecompute.objects.exists()
    assert assessment.observe() > 0, "the saves changed what the assessment counts"

    redis_server.start()
    settled = assessment.settle(services)  # a worker and the beat's sweep, on the Redis back again
    report("redis killed during a save", statuses=statuses, save_seconds=seconds, **settled)
    # Last, so that a slow request does not hide what the rest of the case saw.
    assert max(seconds) < REQUEST_BOUND, f"a save waited {max(seconds)} s for the broker (bound {REQUEST_BOUND} s)"
