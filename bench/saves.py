#!/usr/bin/env python
"""How long a save keeps its user waiting, and whether it computes any of the assessment.

A save of counted data makes the assessment of the years it touches stale (issue 14, item 5).
Without a broker the recompute runs in the web process after the response is sent; with one,
in a worker.  Either way the request itself must do no assessment work.  Two measurements:

    .venv/bin/python bench/saves.py demo            # the demo university, no broker
    .venv/bin/python bench/saves.py large           # the large data set, Redis as the broker

* ``demo`` creates (or with ``--reuse`` keeps) the PostgreSQL database
  ``intlportal_bench_demo``, seeds it with ``seed_demo`` and measures with tasks in-process,
  as ``make run`` serves: the goal is a median of at most 100 ms until the response is handed
  to the server; what runs after it (the recompute) is reported separately.
* ``large`` measures on the database ``bench/run.py`` seeded (``intlportal_bench``, or
  ``--mobilities N`` for ``intlportal_bench_N``; it must exist) with ``REDIS_URL`` and the
  broker on Redis (``--redis``, default ``redis://127.0.0.1:6379/14``; no worker runs, and the
  queued recomputes are purged afterwards): the goal is zero assessment runs stored and zero
  time spent in ``assessment_run`` during the requests.

Each save is an edit through the portal's own form (Django's test client, signed in as the
office), alternately of an event's date and of a faculty's full-time teacher headcount, on
records of the last assessed year; the timing ends when the portal hands the response to
the server, and the work the server does when it closes the response is timed apart.  The
figures go to ``bench/results/saves.json`` (one entry per measurement), which
``bench/RESULTS.md`` reports.  ``--quick`` makes five saves (a smoke check); ``--database``
measures on another benchmark database.  Not part of CI; run it on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is on the path, the project is not
    sys.path.insert(0, str(ROOT))

from bench.common import RESULTS_DIR, SERVER, database_name, log  # noqa: E402
from bench.measure import percentile  # noqa: E402
from bench.run import manage, prepare, production_environment  # noqa: E402

DEMO_DATABASE = "intlportal_bench_demo"
SAVES_FILE = RESULTS_DIR / "saves.json"


class Timer:
    """Time spent in ``assessment_run`` and runs it stored, split into the request and after it."""

    def __init__(self):
        self.phase = "request"
        self.seconds = {"request": 0.0, "after": 0.0}
        self.runs = {"request": 0, "after": 0}

    def wrap(self, run):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return run(*args, **kwargs)
            finally:
                self.seconds[self.phase] += time.perf_counter() - started
                self.runs[self.phase] += 1
        return timed


def _saves(count: int):
    """(form URL, field, values to alternate) of the records to edit, in the last assessed year."""
    from django.urls import reverse

    from assessment.models import AssessmentRun
    from exchanges.models import Event
    from faculties.models import FacultyYear

    year = AssessmentRun.objects.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        raise SystemExit("no assessment run: seed the database first")
    events = list(Event.objects.filter(date__year=year, verified_at__isnull=False).order_by("pk")[:count])
    headcounts = list(FacultyYear.objects.filter(year=year, verified_at__isnull=False).order_by("pk")[:count])
    if not events or not headcounts:
        raise SystemExit(f"no verified events or headcounts of {year} to edit")
    plan = []
    for i in range(count):
        if i % 2 == 0:
            event = events[(i // 2) % len(events)]
            day = event.date.replace(day=1 if event.date.day != 1 else 2)
            plan.append((reverse("exchanges:event-edit", args=[event.pk]), "date", day.isoformat()))
        else:
            headcount = headcounts[(i // 2) % len(headcounts)]
            plan.append((reverse("faculties:facultyyear-edit", args=[headcount.pk]), "teachers",
                         str(headcount.teachers + 1 + i)))
    return year, plan


def measure(saves: int) -> dict:
    """Edit records through the forms; time each request until its response is handed over."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import assessment.services
    from assessment import tasks
    from assessment.models import AssessmentRun, PendingRecompute
    from tests.formdata import form_data

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(get_user_model().objects.get(username="office"))
    timer = Timer()
    real_run = assessment.services.assessment_run
    assessment.services.assessment_run = timer.wrap(real_run)
    handler = client.handler
    answered: dict[str, float] = {}

    def get_response(request):
        response = type(handler).get_response(handler, request)
        answered["at"] = time.perf_counter()
        timer.phase = "after"
        return response

    handler.get_response = get_response
    year, plan = _saves(saves + 2)
    runs_before = AssessmentRun.objects.count()
    pending_before = PendingRecompute.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    answer_ms, after_ms, queries = [], [], []
    try:
        for i, (url, field, value) in enumerate(plan):
            data = form_data(client.get(url, secure=True).content.decode())
            data[field] = value
            timer.phase = "request"
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.post(url, data, secure=True)
                closed = time.perf_counter()
            if response.status_code != 302:
                raise SystemExit(f"{url}: the save answered {response.status_code}")
            if i >= 2:  # the first two warm the caches
                answer_ms.append((answered["at"] - started) * 1000)
                after_ms.append((closed - answered["at"]) * 1000)
                queries.append(len(captured))
    finally:
        assessment.services.assessment_run = real_run
        del handler.get_response
    leftover = PendingRecompute.objects.filter(pk__gt=pending_before)
    result = {
        "year": year, "saves": len(answer_ms), "in_process": tasks.in_process(),
        "median_ms": round(statistics.median(answer_ms), 1),
        "p95_ms": round(percentile(answer_ms, 0.95), 1),
        "after_response_median_ms": round(statistics.median(after_ms), 1),
        "queries_per_save": sorted(set(queries)),
        "assessment_runs_in_request": timer.runs["request"],
        "assessment_ms_in_request": round(timer.seconds["request"] * 1000, 1),
        "assessment_runs_after_response": timer.runs["after"],
        "runs_stored": AssessmentRun.objects.count() - runs_before,
        "pending_left": leftover.count(),
    }
    if not tasks.in_process():
        leftover.delete()  # nothing will run them here: leave the database as it was
        tasks.recompute_assessments.app.control.purge()
    return result


def save_result(name: str, result: dict) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    every = json.loads(SAVES_FILE.read_text()) if SAVES_FILE.exists() else {}
    # The machine's load beside the figures: a median taken on a busy machine says little.
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    result["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    every[name] = result
    SAVES_FILE.write_text(json.dumps(every, indent=1, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", choices=["demo", "large"])
    parser.add_argument("--saves", type=int, default=40, help="measured saves (default %(default)s)")
    parser.add_argument("--quick", action="store_true", help="five saves: check that it runs")
    parser.add_argument("--reuse", action="store_true", help="demo: keep the database if it exists")
    parser.add_argument("--mobilities", type=int, help="large: the database of run.py --mobilities N")
    parser.add_argument("--database", help="measure on this benchmark database instead")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="large: the broker and cache")
    args = parser.parse_args()
    saves = 5 if args.quick else args.saves

    if args.database:
        name = args.database
    elif args.data == "demo":
        name = DEMO_DATABASE
    else:
        from bench.common import FULL

        name = database_name(args.mobilities or FULL)
    if not name.startswith("intlportal_bench"):
        raise SystemExit(f"refusing to touch database {name!r}: not a benchmark database")
    work = Path(tempfile.mkdtemp(prefix="intlportal-saves-"))
    static_root = Path(tempfile.gettempdir()) / "intlportal-bench-static"
    env = {**os.environ, **production_environment(f"{SERVER}/{name}", static_root, work / "media")}
    if args.data == "large":
        env.update(REDIS_URL=args.redis, CELERY_BROKER_URL=args.redis)
    if args.data == "demo" and not args.database and prepare(name, reuse=args.reuse, env=env):
        log(f"seeding the demo university into {name}")
        manage("seed_demo", "-v0", env=env)
    os.environ.update(env)

    import django

    django.setup()
    log(f"{args.data}: {saves} saves on {name}, tasks {'in-process' if not env['CELERY_BROKER_URL'] else 'on Redis'}")
    result = {"database": name, "broker": env["CELERY_BROKER_URL"] or None, **measure(saves)}
    label = "demo, no broker" if args.data == "demo" else "large, Redis broker"
    log(f"{label}: median {result['median_ms']} ms, p95 {result['p95_ms']} ms until answered; "
        f"assessment in the request: {result['assessment_runs_in_request']} runs, "
        f"{result['assessment_ms_in_request']} ms; after the response: median {result['after_response_median_ms']} ms")
    if not args.quick:
        save_result(args.data, result)


if __name__ == "__main__":
    main()
