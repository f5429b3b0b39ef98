#!/usr/bin/env python
"""The portal on a large university: seed it, measure it, write ``bench/RESULTS.md``.

    .venv/bin/python bench/run.py                      # 500,000 mobilities (database intlportal_bench)
    .venv/bin/python bench/run.py --mobilities 50000   # the comparison run (intlportal_bench_50000)
    .venv/bin/python bench/run.py --reuse              # keep an already seeded database

It creates (or, with ``--reuse``, keeps) a dedicated PostgreSQL database, migrates it and
fills it with ``demo.largedata`` (the data set of ``seed_demo --scale large``), then
measures, in production mode (``DEBUG`` off, manifest static files):

1. ``run_assessment`` for last year: wall time, SQL queries, and the ratio to the floor
   (``bench/floor.py``: the same aggregates as hand-written SQL through psycopg2);
2. pages through Django's test client on the real database: median and 95th percentile
   latency and SQL queries per page;
3. ``EXPLAIN (ANALYZE, BUFFERS)`` of the five heaviest queries seen;
4. load: gunicorn on loopback with 2 × cores + 1 workers, locust headless with 20 users
   for 60 s over dashboards, lists and details.

Spreadsheet export and import have their own benchmark, ``bench/exchange.py`` (a fresh child
process per measurement, its peak memory from ``VmHWM``); ``RESULTS.md`` includes its section.

The figures go to ``bench/results/<mobilities>.json``; ``bench/RESULTS.md`` is written from
every JSON there, so the 50,000-mobility run sits next to the 500,000 one.  Not part of CI.

The command is this file; the measurements are in ``bench/measure.py`` and the report in
``bench/report.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is on the path, the project is not
    sys.path.insert(0, str(ROOT))

from bench.common import FULL, PY, RESULTS_DIR, SERVER, database_name, log  # noqa: E402
from bench.measure import (  # noqa: E402
    QueryLog,
    dataset_counts,
    explain,
    measure_assessment,
    measure_load,
    measure_pages,
    seed,
)
from bench.report import write_report  # noqa: E402

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



# --- the command -----------------------------------------------------------------------------


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
    parser.add_argument("--only-load", action="store_true",
                        help="with --reuse: add the load test to the last (partial) results and report")
    parser.add_argument("--no-report", action="store_true", help="write the JSON only, not RESULTS.md")
    parser.add_argument("--report-only", action="store_true", help="rewrite RESULTS.md from bench/results/")
    parser.add_argument("--re-explain", action="store_true",
                        help="with --reuse: EXPLAIN the recorded heaviest queries again (after new indexes)")
    parser.add_argument("--pages-child", nargs=3, help=argparse.SUPPRESS)  # year, repeat, output file
    args = parser.parse_args()
    if args.pages_child:
        pages_child(*args.pages_child)
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
    results["pages"] = pages_in_fresh_process(year, args.repeat, queries, env, work)
    results["explain"] = explain(queries.heaviest(5))
    save()
    # Spreadsheet export and import are measured by bench/exchange.py (its own section).
    if not args.skip_load:
        results["load"] = measure_load(env, year, args.load_seconds, args.users, work)
    elif previous_file.exists():
        results["load"] = json.loads(previous_file.read_text()).get("load")
    finish(results, previous_file, work, report=not args.no_report)


def pages_in_fresh_process(year: int, repeat: int, queries: QueryLog, env: dict[str, str], work: Path) -> list:
    """The pages measured in a new process, as a server worker serves them: in the process that
    seeded the data and ran the assessment, a heap of millions of objects made every page
    slower (the scorecard 42 ms against 25 ms in a fresh process: the garbage collector walks
    that heap)."""
    out = work / "pages.json"
    subprocess.run([PY, str(Path(__file__)), "--pages-child", str(year), str(repeat), str(out)],  # noqa: S603
                   cwd=ROOT, env=env, check=True)
    measured = json.loads(out.read_text())
    for seconds, sql, where in measured["queries"]:
        queries.add([{"sql": sql, "time": seconds}], where)
    return measured["pages"]


def pages_child(year: str, repeat: str, out: str) -> None:
    import django

    django.setup()
    queries = QueryLog()
    pages = measure_pages(int(year), int(repeat), queries)
    Path(out).write_text(json.dumps({"pages": pages, "queries": list(queries.seen.values())}))


def finish(results: dict, path: Path, work: Path, *, report: bool) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
    path.with_suffix(".partial.json").unlink(missing_ok=True)
    shutil.rmtree(work, ignore_errors=True)
    if not report:
        return
    write_report()


if __name__ == "__main__":
    main()
