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
2. ``test_a_save_while_redis_is_down_loses_nothing`` — Redis (cache and broker) is killed, a
   counted record is created through the web view: no 500, the record and its pending
   recompute are committed; Redis returns, the beat's sweep recomputes, and the served
   assessment equals a fresh ``run_assessment`` (0 differences).
"""

from __future__ import annotations

import datetime
import json
import time
import uuid
from pathlib import Path

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from tests.faults.conftest import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

YEAR = 2025


def worker_answers(app) -> bool:
    try:
        return bool(app.control.ping(timeout=1))
    except Exception:  # broker still down
        return False


def report(case: str, **facts) -> None:
    print(f"[faults] {case}: " + ", ".join(f"{key}={value}" for key, value in facts.items()))


def test_the_worker_survives_redis_dying_while_it_holds_a_task(services, redis_server, celery_on_redis, tmp_path):
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
    report("redis killed while a task was held", worker="alive", held_task="completed",
           new_task="completed", seconds=round(time.monotonic() - started, 1))


def test_a_save_while_redis_is_down_loses_nothing(services, redis_server, office_client, faculty_a):
    from assessment.models import AssessmentRun, PendingRecompute
    from assessment.services import assessment_run, compute, current_parameters
    from exchanges.models import Event
    from tests.assessment.factories import EventFactory

    def fresh() -> dict:
        document = compute(year=YEAR, parameters=current_parameters(YEAR)).document()
        return json.loads(json.dumps(document, cls=DjangoJSONEncoder))

    def served() -> dict:
        return AssessmentRun.objects.latest_for(YEAR).document

    EventFactory(faculty=faculty_a, date=datetime.date(YEAR, 4, 1))
    assessment_run(year=YEAR)
    PendingRecompute.objects.all().delete()

    redis_server.kill()
    started = time.monotonic()
    response = office_client.post(reverse("exchanges:event-create"), {
        "faculty": faculty_a.pk, "kind": Event.Kind.CONFERENCE_HOSTED, "title": "Saved during the outage",
        "date": f"{YEAR}-06-01", "participants_total": 30, "participants_foreign": 10})
    save_seconds = time.monotonic() - started
    assert response.status_code == 302, response.status_code
    assert Event.objects.filter(title="Saved during the outage").count() == 1
    assert PendingRecompute.objects.exists()
    assert served() != fresh()
    differences_before = sum(a != b for a, b in zip(served()["faculties"], fresh()["faculties"]))

    redis_server.start()
    services.worker()
    services.beat()
    wait_for(lambda: not PendingRecompute.objects.exists() and served() == fresh(),
             what="the sweep to recompute after Redis came back")
    report("redis killed during a save", status=response.status_code, save_seconds=round(save_seconds, 1),
           differences_before=differences_before, differences_after=0,
           recovered_in=round(time.monotonic() - started - save_seconds, 1))
