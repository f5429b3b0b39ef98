"""The benchmark's measurements: seeding, ``run_assessment``, pages, export/import (in child
processes), ``EXPLAIN`` of the heaviest queries, and the load test.

Django is set up by the command (``bench/run.py``) after it has prepared the database, so the
portal's modules are imported inside the functions here.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import BENCH, PASSWORD, PY, ROOT, log


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def seed(mobilities: int) -> dict:
    import random

    from django.db import connection
    from django.utils import timezone

    from demo import largedata
    from demo.management.commands.seed_demo import Command as SeedDemo
    from demo.management.commands.seed_demo import DemoContext

    scale = largedata.Scale().with_overrides(mobilities=mobilities)
    log(f"seeding {scale.as_dict()}")
    started = time.perf_counter()
    counts = largedata.generate(scale=scale, progress=True)
    ctx = DemoContext(rng=random.Random(1), this_year=timezone.localdate().year, scale="large", stdout=sys.stderr)
    from faculties.models import Faculty

    ctx.faculties = {f.code: f for f in Faculty.objects.all()}
    SeedDemo(stdout=sys.stderr).create_users(ctx, PASSWORD)
    generated = time.perf_counter() - started
    with connection.cursor() as cursor:  # outside a transaction: autocommit
        cursor.execute("VACUUM ANALYZE")
    total = time.perf_counter() - started
    log(f"seeded in {generated:.0f} s, {total:.0f} s with VACUUM ANALYZE")
    return {"seconds": round(generated, 1), "seconds_with_vacuum": round(total, 1), "rows": counts}


def dataset_counts() -> dict[str, int]:
    from django.utils import translation

    from exchanges.models import Agreement, Event, Mobility, PartnerInstitution
    from faculties.models import Faculty
    from programs.models import CooperativeProgram
    from staff.models import Publication, StaffMember

    with translation.override("en"):
        return {str(model._meta.verbose_name_plural): model.objects.count() for model in (
            Faculty, PartnerInstitution, Agreement, Mobility, StaffMember, Event, Publication, CooperativeProgram)}


class QueryLog:
    """Every query seen, for picking the heaviest ones to EXPLAIN."""

    def __init__(self):
        self.seen: dict[str, tuple[float, str, str]] = {}

    @staticmethod
    def shape(sql: str) -> str:
        return re.sub(r"\b\d+\b|'[^']*'", "?", sql)

    def add(self, captured, where: str) -> None:
        for query in captured:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            seconds = float(query["time"])
            key = self.shape(sql)
            if key not in self.seen or self.seen[key][0] < seconds:
                self.seen[key] = (seconds, sql, where)

    def heaviest(self, n: int = 5) -> list[tuple[float, str, str]]:
        return sorted(self.seen.values(), reverse=True)[:n]


def measure_assessment(year: int, repeat: int, queries: QueryLog) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessment.models import AssessmentRun

    if not AssessmentRun.objects.filter(year=year - 1).exists():
        call_command("run_assessment", year=year - 1, stdout=io.StringIO())  # the dashboard compares with it
    call_command("run_assessment", year=year, stdout=io.StringIO())  # warm-up
    times, counts = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call_command("run_assessment", year=year, stdout=io.StringIO())
            times.append(time.perf_counter() - started)
        counts.append(len(captured))
        queries.add(captured.captured_queries, "run_assessment")
    return {"seconds": statistics.median(times), "min_seconds": min(times), "queries": counts[-1],
            "queries_all_runs": sorted(set(counts))}


def pages(year: int) -> list[tuple[str, str, str]]:
    """(name, role, url) of the measured pages."""
    from faculties.models import Faculty

    faculty = Faculty.objects.get(code="CS")
    return [
        ("leader dashboard", "leader", f"/assessment/?year={year}"),
        ("faculty scorecard (CS)", "leader", f"/assessment/{year}/faculties/CS/"),
        ("mobility list, page 1", "office", "/exchanges/mobilities/"),
        ("mobility list, filtered", "office",
         f"/exchanges/mobilities/?faculty={faculty.pk}&direction=outbound&person_kind=student&year={year}"
         "&status=completed"),
        ("mobility list, page 200", "office", "/exchanges/mobilities/?page=200"),
        ("office work queue", "office", "/work-queue/"),
        ("mobility detail", "office", "DETAIL"),
    ]


def measure_pages(year: int, repeat: int, queries: QueryLog) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from exchanges.models import Mobility

    User = get_user_model()
    clients = {}
    for role in ("office", "leader"):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(User.objects.get(username=role))
        clients[role] = client
    # Detail pages of different records each time, spread over the table.
    total = Mobility.objects.count()
    step = max(1, total // (repeat + 3))
    detail_ids = list(Mobility.objects.order_by("pk").values_list("pk", flat=True)[::step])[: repeat + 3]
    results = []
    for name, role, url in pages(year):
        client = clients[role]
        times, counts = [], []
        for i in range(repeat + 2):
            target = f"/exchanges/mobilities/{detail_ids[i % len(detail_ids)]}/" if url == "DETAIL" else url
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(target, secure=True)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
                elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{name}: {target} answered {response.status_code}")
            if i >= 2:  # the first two warm the caches
                times.append(elapsed)
                counts.append(len(captured))
                queries.add(captured.captured_queries, name)
            reset_queries()
        results.append({
            "page": name, "role": role, "url": url if url != "DETAIL" else "/exchanges/mobilities/<id>/",
            "median_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(percentile(times, 0.95) * 1000, 1),
            "queries": max(counts), "queries_vary": sorted(set(counts)),
            "requests": len(times),
        })
        log(f"{name}: median {results[-1]['median_ms']} ms, p95 {results[-1]['p95_ms']} ms, "
            f"{results[-1]['queries']} queries")
    return results


def explain(heaviest: list[tuple[float, str, str]]) -> list[dict]:
    from django.db import connection

    plans = []
    with connection.cursor() as cursor:
        for seconds, sql, where in heaviest:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            plans.append({"where": where, "ms": round(seconds * 1000, 1), "sql": sql, "plan": plan,
                          "uses_index": "Index" in plan})
    return plans


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure_load(env: dict[str, str], year: int, seconds: int, users: int, work: Path) -> dict:
    from exchanges.models import Mobility
    from faculties.models import Faculty

    workers = 2 * (os.cpu_count() or 1) + 1
    port = free_port()
    total = Mobility.objects.count()
    ids = list(Mobility.objects.order_by("pk").values_list("pk", flat=True)[:: max(1, total // 400)])
    load_env = {
        **env,
        "BENCH_YEAR": str(year), "BENCH_PASSWORD": PASSWORD,
        "BENCH_FACULTIES": ",".join(Faculty.objects.values_list("code", flat=True)),
        "BENCH_FACULTY_IDS": ",".join(str(i) for i in Faculty.objects.values_list("pk", flat=True)),
        "BENCH_MOBILITY_IDS": ",".join(str(i) for i in ids),
        # Sign-ins are part of the warm-up: 20 of them must not trip the lockout.
        "AXES_FAILURE_LIMIT": "1000",
        "BENCH_LOAD_OUT": str(work / "load.json"),
        "BENCH_LOAD_SECONDS": str(seconds),
    }
    bin_dir = Path(PY).parent
    gunicorn = subprocess.Popen(  # noqa: S603 - our own arguments
        [str(bin_dir / "gunicorn"), "intlportal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=load_env, start_new_session=True)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("gunicorn did not start")
        # Every worker imports Django and connects on its first request: not the traffic.
        import urllib.request

        for _ in range(3 * workers):
            request = urllib.request.Request(f"http://127.0.0.1:{port}/accounts/login/",
                                             headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310 - loopback
                answer.read()
        prefix = work / "locust"
        log(f"load: gunicorn {workers} workers on :{port}, locust {users} users for {seconds} s")
        subprocess.run(  # noqa: S603 - our own arguments
            [str(bin_dir / "locust"), "-f", str(BENCH / "locustfile.py"), "--headless", "-u", str(users),
             # The locustfile stops the run `seconds` after the last sign-in; this is a cap.
             "-r", str(users), "-t", f"{seconds + 900}s", "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix),
             "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=load_env, check=False)
    finally:
        os.killpg(gunicorn.pid, signal.SIGINT)  # quick shutdown
        try:
            gunicorn.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(gunicorn.pid, signal.SIGKILL)
            gunicorn.wait()
    import csv

    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_name = {}
    for row in rows:
        by_name[row["Name"]] = {
            "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
            "median_ms": float(row["50%"] or 0), "p95_ms": float(row["95%"] or 0),
            "rps": round(float(row["Requests/s"]), 1),
        }
    pages_only = json.loads((work / "load.json").read_text())
    return {"workers": workers, "users": users, "seconds": seconds, "by_name": by_name,
            "total": pages_only, "all_requests": by_name.get("Aggregated", {})}
