#!/usr/bin/env python
"""The portal on a large university: seed it, measure it, write ``bench/RESULTS.md``.

    .venv/bin/python bench/run.py                      # 500,000 mobilities (database intlportal_bench)
    .venv/bin/python bench/run.py --mobilities 50000   # the comparison run (intlportal_bench_50000)
    .venv/bin/python bench/run.py --reuse              # keep an already seeded database

It creates (or, with ``--reuse``, keeps) a dedicated PostgreSQL database, migrates it and
fills it with ``intlportal.largedata`` (the data set of ``seed_demo --scale large``), then
measures, in production mode (``DEBUG`` off, manifest static files):

1. ``run_assessment`` for last year: wall time, SQL queries, and the ratio to the floor
   (``bench/floor.py``: the same aggregates as hand-written SQL through psycopg2);
2. pages through Django's test client on the real database: median and 95th percentile
   latency and SQL queries per page;
3. export of 5,000 and 50,000 mobilities to ``.xlsx`` and import of 10,000 rows, each in a
   child process: time and peak memory (``ru_maxrss``);
4. ``EXPLAIN (ANALYZE, BUFFERS)`` of the five heaviest queries seen;
5. load: gunicorn on loopback with 2 × cores + 1 workers, locust headless with 20 users
   for 60 s over dashboards, lists and details.

The figures go to ``bench/results/<mobilities>.json``; ``bench/RESULTS.md`` is written from
every JSON there, so the 50,000-mobility run sits next to the 500,000 one.  Not part of CI.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS_DIR = BENCH / "results"
PY = sys.executable
SERVER = "postgres://postgres@127.0.0.1:5432"
PASSWORD = "intlportal-demo"  # noqa: S105 - the benchmark's own throwaway users
FULL = 500_000

GOALS = {
    "seed_seconds": 300,
    "assessment_ratio": 2.0,
    "page_median_ms": 200,
    "load_p95_ms": 500,
    "export_growth_mb": 20,
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", file=sys.stderr, flush=True)


def database_name(mobilities: int) -> str:
    return "intlportal_bench" if mobilities == FULL else f"intlportal_bench_{mobilities}"


# --- environment -----------------------------------------------------------------------------


def production_environment(dsn: str, static_root: Path, media_root: Path) -> dict[str, str]:
    """Production settings on loopback: no SSL redirect (no proxy here), generated secret."""
    return {
        "DATABASE_URL": dsn,
        "DJANGO_SETTINGS_MODULE": "intlportal.settings",
        "INTLPORTAL_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(media_root),
        "LOG_LEVEL": "WARNING",
        # Keep tasks in-process and quiet: the benchmark measures the portal, not a broker.
        "CELERY_BROKER_URL": "",
        "REDIS_URL": "",
    }


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603 - our own arguments


TEMPLATE = "intlportal_bench_template"


def _server():
    import psycopg2

    conn = psycopg2.connect(f"{SERVER}/postgres")
    conn.autocommit = True
    return conn


def _exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def static_files_current(static_root: Path) -> bool:
    """True when an earlier run's collected files are newer than every project static file
    (whitenoise compresses every file again on each collectstatic, which takes minutes)."""
    manifest = static_root / "staticfiles.json"
    if not manifest.is_file():
        return False
    collected = manifest.stat().st_mtime
    sources = [p for d in [ROOT / "static", *ROOT.glob("*/static")] for p in d.rglob("*") if p.is_file()]
    return all(p.stat().st_mtime < collected for p in sources)


def prepare(name: str, *, reuse: bool, env: dict[str, str]) -> bool:
    """Create the benchmark database from a migrated template, collecting static files
    meanwhile; True when the database is new and must be seeded."""
    if not name.startswith("intlportal_bench"):
        raise SystemExit(f"refusing to touch database {name!r}: not a benchmark database")
    static = None
    if not static_files_current(Path(env["STATIC_ROOT"])):
        static = subprocess.Popen([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,  # noqa: S603
                                  env=env)
    conn = _server()
    with conn.cursor() as cursor:
        reusing = reuse and _exists(cursor, name)
        if not reusing:
            if not _exists(cursor, TEMPLATE):
                cursor.execute(f'CREATE DATABASE "{TEMPLATE}"')
            log(f"migrating the template database {TEMPLATE}")
            manage("migrate", "--noinput", "-v0", env={**env, "DATABASE_URL": f"{SERVER}/{TEMPLATE}"})
            if _exists(cursor, name):
                log(f"dropping database {name}")
                cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            log(f"creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    conn.close()
    manage("migrate", "--noinput", "-v0", env=env)
    if static is not None and static.wait():
        raise SystemExit("collectstatic failed")
    return not reusing


def machine() -> dict[str, str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    from django import get_version
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "cpu": cpu or platform.processor(),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": get_version(),
        "postgresql": f"{pg} (shared_buffers {shared_buffers}, same host, loopback)",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# --- measurements ----------------------------------------------------------------------------


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

    from intlportal import largedata
    from intlportal.management.commands.seed_demo import Command as SeedDemo
    from intlportal.management.commands.seed_demo import DemoContext

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


def child(mode: str, argument: str, env: dict[str, str]) -> dict:
    """Run ``bench/run.py --child MODE ARGUMENT`` and read its JSON line and peak memory."""
    process = subprocess.Popen([PY, str(Path(__file__)), "--child", mode, argument], cwd=ROOT, env=env,  # noqa: S603
                               stdout=subprocess.PIPE, text=True)
    out = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"child {mode} {argument} failed ({process.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)  # Linux: kilobytes
    return result


def run_child(mode: str, argument: str) -> None:
    import resource

    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from dataexchange import registry
    from dataexchange.files import export_to_path
    from exchanges.models import Mobility

    office = get_user_model().objects.get(username="office")
    # What a process holds before the work: Django, the apps, one connection.
    Mobility.objects.exists()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    if mode == "export":
        rows, path = argument.split(":", 1)
        rows = int(rows)
        last = Mobility.objects.order_by("pk").values_list("pk", flat=True)[rows - 1]
        count = export_to_path(registry.get("mobilities"), Mobility.objects.filter(pk__lte=last), Path(path),
                               user=office)
        detail = {"rows": count, "bytes": Path(path).stat().st_size}
    elif mode == "import":
        result = registry.import_rows("mobilities", Path(argument), user=office, dry_run=False)
        if not result.ok:
            raise SystemExit(f"import rejected: {result.errors[:5]} {result.file_errors}")
        detail = {"rows": result.total, "created": result.created}
    else:
        raise SystemExit(f"unknown child mode {mode}")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({**detail, "seconds": round(seconds, 2), "baseline_rss_mb": round(baseline / 1024, 1),
                      "growth_mb": round((peak - baseline) / 1024, 1)}))


def write_import_file(path: Path, rows: int) -> None:
    """A workbook of ``rows`` new mobilities, in the import's columns, with valid references."""
    import random

    from openpyxl import Workbook

    from dataexchange import registry
    from exchanges.models import FundingScheme, PartnerInstitution
    from faculties.models import Faculty
    from staff.models import StaffMember

    rng = random.Random(11)
    kind = registry.get("mobilities")
    faculties = list(Faculty.objects.values_list("code", flat=True))
    partners = list(PartnerInstitution.objects.values_list("name", "country")[:500])
    staff = list(StaffMember.objects.filter(category="domestic").values_list("staff_no", "faculty__code")[:2000])
    schemes = list(FundingScheme.objects.values_list("name", flat=True))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("mobilities")
    sheet.append([c.name for c in kind.columns])
    for n in range(rows):
        teacher = n % 5 == 0
        staff_no, faculty = rng.choice(staff) if teacher else ("", rng.choice(faculties))
        partner, country = rng.choice(partners)
        year = rng.randint(2020, 2025)
        start = f"{year}-{rng.choice(['03', '07', '09'])}-{rng.randint(1, 28):02d}"
        values = {
            "faculty": faculty, "direction": "outbound", "person_kind": "teacher" if teacher else "student",
            "person_name": f"导入测试{n}", "person_id": f"BENCH-{n:06d}", "staff_no": staff_no,
            "partner": partner, "country": country, "activity": "visit" if teacher else "semester_exchange",
            "starts_on": start, "ends_on": start, "status": "completed",
            "funding_scheme": rng.choice(schemes) if n % 3 == 0 else "", "amount": "5000" if n % 3 == 0 else "",
        }
        sheet.append([values[c.name] for c in kind.columns])
    book.save(path)


def measure_exchange(env: dict[str, str], work: Path) -> dict:
    from django.db import connection

    from exchanges.models import Mobility

    available = Mobility.objects.count()
    results = {"export": []}
    for rows in sorted({min(5_000, available), min(50_000, available)}):
        path = work / f"mobilities-{rows}.xlsx"
        results["export"].append(child("export", f"{rows}:{path}", env))
        log(f"export {rows}: {results['export'][-1]}")
    path = work / "import-10000.xlsx"
    write_import_file(path, 10_000)
    try:
        results["import"] = child("import", str(path), env)
        log(f"import 10000: {results['import']}")
    finally:
        with connection.cursor() as cursor:  # leave the data set as it was for --reuse
            cursor.execute("DELETE FROM exchanges_mobility WHERE person_id LIKE 'BENCH-%%'")
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


# --- the report ------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def render(results: dict[int, dict]) -> str:
    full = results[FULL]
    runs = sorted(results)
    n = full["mobilities"]
    out = ["# Benchmark results", "",
           "Written by `bench/run.py` (see the README, “Scale and benchmark”). Each run seeds a dedicated",
           "PostgreSQL database with the large data set, then measures in production mode.", ""]
    out += ["## Machine", "", "| | |", "| --- | --- |"]
    out += [f"| {k} | {v} |" for k, v in full["machine"].items()]
    out += ["", f"Run at {full['when']}. The machine is shared: other processes were using the same cores",
            "during the run, so absolute times are pessimistic; query counts are exact.", ""]
    out += ["## Data set", "", "| records | " + " | ".join(f"run {r:,}" for r in runs) + " |",
            "| --- | " + " | ".join("---:" for _ in runs) + " |"]
    for label in full["dataset"]:
        out.append(f"| {label} | " + " | ".join(f"{results[r]['dataset'].get(label, 0):,}" for r in runs) + " |")
    seeding = full.get("seed")
    if seeding:
        out += ["", f"Seeding {n:,} mobilities (and everything else above, with COPY and without history rows): "
                f"**{seeding['seconds']:.0f} s**, {seeding['seconds_with_vacuum']:.0f} s including "
                f"`VACUUM ANALYZE` — goal ≤ {GOALS['seed_seconds']} s: "
                f"{verdict(seeding['seconds'] <= GOALS['seed_seconds'])}."]
    a = full["assessment"]
    out += ["", "## run_assessment", "",
            "| run | wall time (median) | SQL queries | floor: hand-written SQL | ratio | goal ≤ 2× |",
            "| --- | ---: | ---: | ---: | ---: | --- |"]
    for r in runs:
        ar = results[r]["assessment"]
        rr = ar["seconds"] / ar["floor"]["seconds"]
        out.append(f"| {r:,} mobilities, year {results[r]['year']} | {ar['seconds'] * 1000:.0f} ms | {ar['queries']} | "
                   f"{ar['floor']['seconds'] * 1000:.0f} ms ({ar['floor']['queries']} statements) | {rr:.2f}× | "
                   f"{verdict(rr <= GOALS['assessment_ratio'])} |")
    out += ["", "The floor runs the same aggregates as `bench/floor.py`'s hand-written SQL through psycopg2 on",
            "the same database (median of repeated rounds after a warm-up); `run_assessment` additionally",
            "loads the parameters through the ORM, does the arithmetic and stores the run.", ""]
    out += ["<details><summary>Floor, per statement</summary>", "", "| statement | ms |", "| --- | ---: |"]
    out += [f"| {k} | {v * 1000:.1f} |" for k, v in a["floor"]["per_statement"].items()]
    out += ["", "</details>", ""]
    per_run = ", ".join(f"{results[r]['pages'][0]['requests']} at {r:,}" for r in runs)
    out += ["## Pages", "", f"Django test client on the real database, signed in; requests per page ({per_run}) "
            "after two warm-up requests.", ""]
    header = "| page | signed in as | " + " | ".join(f"median / p95 ({r:,})" for r in runs) + " | " + \
        " | ".join(f"queries ({r:,})" for r in runs) + " | median ≤ 200 ms | queries constant |"
    out += [header, "| --- | --- | " + " | ".join("---:" for _ in runs) + " | " + " | ".join("---:" for _ in runs)
            + " | --- | --- |"]
    for i, page in enumerate(full["pages"]):
        same = [results[r]["pages"][i] for r in runs]
        counts = {p["queries"] for p in same}
        constant = len(counts) == 1 and all(len(p["queries_vary"]) == 1 for p in same)
        out.append(
            f"| {page['page']} | {page['role']} | "
            + " | ".join(f"{p['median_ms']:.0f} / {p['p95_ms']:.0f} ms" for p in same) + " | "
            + " | ".join(str(p["queries"]) for p in same) + " | "
            + verdict(page["median_ms"] <= GOALS["page_median_ms"]) + " | "
            + (verdict(constant) if len(runs) > 1 else "(one run)") + " |")
    ex = full["exchange"]
    out += ["", "## Export and import", "",
            "Each in a child process; peak memory is the child's `ru_maxrss`, growth is the peak minus what "
            "the process held before the work (Django, the apps, one connection).", "",
            "| operation | rows | time | peak memory | growth |", "| --- | ---: | ---: | ---: | ---: |"]
    for e in ex["export"]:
        out.append(f"| export mobilities to .xlsx | {e['rows']:,} | {e['seconds']:.1f} s | {e['peak_rss_mb']:.0f} MB "
                   f"| {e['growth_mb']:.0f} MB |")
    imp = ex["import"]
    out += [f"| import mobilities from .xlsx | {imp['rows']:,} | {imp['seconds']:.1f} s | "
            f"{imp['peak_rss_mb']:.0f} MB | {imp['growth_mb']:.0f} MB |", ""]
    small, large = ex["export"][0], ex["export"][-1]
    grows = large["growth_mb"] - small["growth_mb"]
    out += [f"Export memory from {small['rows']:,} to {large['rows']:,} rows grows by {grows:.0f} MB (goal: does not "
            f"grow with row count, < {GOALS['export_growth_mb']} MB): {verdict(grows < GOALS['export_growth_mb'])}.",
            ""]
    load = full.get("load")
    if load:
        t = load["total"]
        out += ["## Load", "", f"gunicorn on loopback, production mode, {load['workers']} workers (2 × cores + 1); "
                f"locust headless, {load['users']} users for {load['seconds']} s (each signs in once, then waits "
                "0.2–1 s between pages: leaders 2 : office 3).", "",
                "| request | requests | failures | median | p95 | req/s |",
                "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for name, row in load["by_name"].items():
            out.append(f"| {name} | {row['requests']:,} | {row['failures']} | {row['median_ms']:.0f} ms | "
                       f"{row['p95_ms']:.0f} ms | {row['rps']} |")
        served = t.get("requests", 0) > 0
        out += ["", f"Pages only, from the moment every user had signed in, for {load['seconds']} s: "
                f"{t.get('requests', 0):,} pages, throughput **{t.get('rps', 0)} pages/s**, median "
                f"{t.get('median_ms', 0):.0f} ms, p95 **{t.get('p95_ms', 0):.0f} ms**; {t.get('failures', 0)} errors "
                f"over all requests — goal no errors: {verdict(served and t.get('failures', 1) == 0)}; "
                f"p95 ≤ {GOALS['load_p95_ms']} ms: "
                f"{verdict(served and t.get('p95_ms', 1e9) <= GOALS['load_p95_ms'])}.", ""]
    out += ["## The five heaviest queries", "",
            f"The slowest distinct queries seen during the {n:,}-mobility run (pages and `run_assessment`), "
            "with `EXPLAIN (ANALYZE, BUFFERS)`.", ""]
    for i, q in enumerate(full["explain"], start=1):
        sql = q["sql"] if len(q["sql"]) < 1500 else q["sql"][:1500] + " …"
        out += [f"### {i}. {q['where']} — {q['ms']} ms, {'uses an index' if q['uses_index'] else 'no index'}", "",
                "```sql", sql, "```", "", "```", q["plan"], "```", ""]
        if "plan_after_migrations" in q:
            out += [f"After the indexes of the latest migrations "
                    f"({'uses an index' if q['uses_index_after_migrations'] else 'still no index'}):", "",
                    "```", q["plan_after_migrations"], "```", ""]
    analysis = BENCH / "analysis.md"
    if analysis.exists():  # the engineers' reading of the figures, kept by hand
        out += [analysis.read_text(encoding="utf-8")]
    return "\n".join(out)


def partial_saver(path: Path, results: dict):
    """Save what is measured so far next to the final file, so a late failure loses nothing."""
    partial = path.with_suffix(".partial.json")

    def save() -> None:
        RESULTS_DIR.mkdir(exist_ok=True)
        partial.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
    return save


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mobilities", type=int, default=FULL)
    parser.add_argument("--reuse", action="store_true", help="keep the database if it exists (no reseeding)")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page (default %(default)s)")
    parser.add_argument("--assessment-repeat", type=int, default=5)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-exchange", action="store_true")
    parser.add_argument("--only-load", action="store_true",
                        help="with --reuse: add the load test to the last (partial) results and report")
    parser.add_argument("--no-report", action="store_true", help="write the JSON only, not RESULTS.md")
    parser.add_argument("--report-only", action="store_true", help="rewrite RESULTS.md from bench/results/")
    parser.add_argument("--re-explain", action="store_true",
                        help="with --reuse: EXPLAIN the recorded heaviest queries again (after new indexes)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        run_child(*args.child)
        return
    if args.report_only:
        write_report()
        return

    name = database_name(args.mobilities)
    dsn = f"{SERVER}/{name}"
    work = Path(tempfile.mkdtemp(prefix="intlportal-bench-"))
    # Kept between runs: collectstatic then only re-processes what changed.
    static_root = Path(tempfile.gettempdir()) / "intlportal-bench-static"
    env = {**os.environ, **production_environment(dsn, static_root, work / "media")}
    os.environ.update(env)
    log(f"preparing database {name} and static files")
    fresh = prepare(name, reuse=args.reuse, env=env)

    import django

    django.setup()
    from django.utils import timezone

    from exchanges.models import Mobility

    previous_file = RESULTS_DIR / f"{args.mobilities}.json"
    if args.re_explain:
        results = json.loads(previous_file.read_text())
        again = explain([(q["ms"] / 1000, q["sql"], q["where"]) for q in results["explain"]])
        for before, after in zip(results["explain"], again):
            before["plan_after_migrations"] = after["plan"]
            before["uses_index_after_migrations"] = after["uses_index"]
        finish(results, previous_file, work, report=not args.no_report)
        return
    if args.only_load:
        source = previous_file.with_suffix(".partial.json")
        source = source if source.exists() else previous_file
        results = json.loads(source.read_text())
        results["load"] = measure_load(env, results["year"], args.load_seconds, args.users, work)
        finish(results, previous_file, work, report=not args.no_report)
        return
    results: dict = {"mobilities": args.mobilities, "database": name,
                     "when": timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")}
    results["machine"] = machine()
    if fresh or not Mobility.objects.exists():
        results["seed"] = seed(args.mobilities)
    elif previous_file.exists():
        results["seed"] = json.loads(previous_file.read_text()).get("seed")
    results["dataset"] = dataset_counts()
    year = timezone.localdate().year - 1
    results["year"] = year
    queries = QueryLog()
    from bench.floor import measure_floor

    log(f"run_assessment --year {year}")
    results["assessment"] = measure_assessment(year, args.assessment_repeat, queries)
    results["assessment"]["floor"] = measure_floor(dsn.replace("postgres://", "postgresql://"), year,
                                                   repeat=args.assessment_repeat)
    log(f"assessment {results['assessment']['seconds']:.2f} s, floor {results['assessment']['floor']['seconds']:.2f} s")
    save = partial_saver(previous_file, results)
    save()
    results["pages"] = measure_pages(year, args.repeat, queries)
    results["explain"] = explain(queries.heaviest(5))
    save()
    if not args.skip_exchange:
        results["exchange"] = measure_exchange(env, work)
    elif previous_file.exists():
        results["exchange"] = json.loads(previous_file.read_text()).get("exchange")
    save()
    if not args.skip_load:
        results["load"] = measure_load(env, year, args.load_seconds, args.users, work)
    elif previous_file.exists():
        results["load"] = json.loads(previous_file.read_text()).get("load")
    finish(results, previous_file, work, report=not args.no_report)


def finish(results: dict, path: Path, work: Path, *, report: bool) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
    path.with_suffix(".partial.json").unlink(missing_ok=True)
    shutil.rmtree(work, ignore_errors=True)
    if not report:
        return
    write_report()


def write_report() -> None:
    every = {int(p.stem): json.loads(p.read_text()) for p in RESULTS_DIR.glob("*.json") if p.stem.isdigit()}
    full = every.get(FULL)
    if full is None or not full.get("exchange"):
        log(f"no complete {FULL:,}-mobility run yet: bench/RESULTS.md not written")
        return
    (BENCH / "RESULTS.md").write_text(render(every), encoding="utf-8")
    log("wrote bench/RESULTS.md")


if __name__ == "__main__":
    main()
