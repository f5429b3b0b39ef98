"""Fixtures of the fault suite: a throwaway Redis on a free loopback port, a Celery worker and
beat as subprocesses on it, the test process pointed at the same Redis and database, and the
check every case ends with (``assessment``: the served assessment equals a fresh computation)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60  # seconds: the bound of every wait in this suite
YEAR = 2025  # the assessed year the cases' data falls in
# A request during an outage answers within this many seconds: sending a task gives up after
# about two (settings.CELERY_TASK_PUBLISH_RETRY_POLICY); a user must not wait for the broker.
REQUEST_BOUND = 5.0


REPORTS: list[str] = []


def report(case: str, **facts) -> None:
    """The one line each case prints: what it saw (again at the end of the run)."""
    line = f"[faults] {case}: " + ", ".join(f"{key}={value}" for key, value in facts.items())
    print(line)
    REPORTS.append(line)


def pytest_terminal_summary(terminalreporter):
    if REPORTS:
        terminalreporter.section("fault suite: what each case saw")
        for line in REPORTS:
            terminalreporter.write_line(line)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep


def wait_for(predicate, timeout: float = WAIT, what: str = "condition", interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, workdir: Path):
        self.binary = shutil.which("redis-server")
        assert self.binary, "the fault suite needs redis-server on PATH (apt-get install redis-server)"
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = open(self.workdir / f"redis-{self.port}.log", "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.workdir)],
            stdout=log, stderr=subprocess.STDOUT,
        )
        wait_for(self.answers, 20, f"redis-server on port {self.port}", 0.1)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def restart(self, down_for: float = 3.0) -> None:
        self.kill()
        time.sleep(down_for)
        self.start()


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


def database_url() -> str:
    """The test database, as a URL the worker subprocess can use (file-based SQLite or PostgreSQL)."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        name = str(db["NAME"])
        assert name != ":memory:" and "mode=memory" not in name, "the fault suite needs a file-based test database"
        return f"sqlite:///{name}"
    auth = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """SQLite: a test database in a file, which the worker subprocess can open too."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(ROOT / f".faults-test-{os.getpid()}.sqlite3")


class Services:
    """Worker and beat subprocesses on the test's Redis and database."""

    def __init__(self, redis: RedisServer, workdir: Path):
        self.redis = redis
        self.workdir = workdir
        self.procs: dict[str, subprocess.Popen] = {}

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "intlportal.settings_test",
            "DATABASE_URL": database_url(),
            "REDIS_URL": self.redis.url,
            "CELERY_BROKER_URL": self.redis.url,
            "CELERY_RESULT_BACKEND": self.redis.url,
            "ASSESSMENT_RECOMPUTE_DELAY": "1",
            "ASSESSMENT_SWEEP_SECONDS": "2",
        }

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed argv
            [sys.executable, "-m", "celery", "-A", "intlportal", *args],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
        )
        self.procs[name] = proc
        return proc

    def worker(self) -> subprocess.Popen:
        return self.start("worker", "worker", "--loglevel=INFO", "--concurrency=1", "--without-gossip",
                          "--without-mingle", "-I", "tests.faults.slow_tasks", "-n", f"faults-{os.getpid()}@%h")

    def beat(self) -> subprocess.Popen:
        return self.start("beat", "beat", "--loglevel=INFO", "--schedule", str(self.workdir / "beat-schedule"))

    def running(self, name: str) -> bool:
        proc = self.procs.get(name)
        return proc is not None and proc.poll() is None

    def ensure(self) -> None:
        """A worker and a beat running (started if the case had none, or one died)."""
        if not self.running("worker"):
            self.worker()
        if not self.running("beat"):
            self.beat()

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture
def celery_on_redis(redis_server, settings):
    """The test process's cache and Celery app on the throwaway Redis (no longer eager)."""
    from intlportal.celery import app

    url = redis_server.url
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager", "broker_transport")}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                                   "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False,
                    broker_transport="intlportal.celery:RedisTransport")
    _reset_app(app)
    yield app
    app.conf.update(saved)
    _reset_app(app)


def _reset_app(app) -> None:
    """Forget the connections and the result backend built for the previous configuration."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def services(redis_server, celery_on_redis, tmp_path, settings, request):
    # The test process's own saves ask for their recompute as soon as the worker's do.
    settings.ASSESSMENT_RECOMPUTE_DELAY = 1
    running = Services(redis_server, tmp_path)
    yield running
    running.stop()
    if getattr(request.node, "rep_call", None) is None or request.node.rep_call.failed:
        for name in running.procs:  # shown with the failure
            print(f"--- {name} log (tail) ---\n{running.log(name)[-4000:]}")


def in_threads(work: Callable[[int], object], count: int) -> list:
    """``work(i)`` in ``count`` threads at once, each on its own connection to the suite's
    database (closed after)."""
    from django.db import connections

    def run(i):
        try:
            return work(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


class Assessment:
    """The assessment of ``YEAR`` as the portal serves it (its latest stored run) against a
    fresh computation of the same data and rules (what ``run_assessment`` would store now).

    ``start()`` stores a run of the data as it is (nothing pending); a fault case changes data
    around a fault, may call ``observe()`` while the fault is on, and ends with ``settle()``:
    a worker and a beat run, the beat's sweep recomputes what is pending, and within ``WAIT``
    seconds nothing is pending and served == fresh (0 differences)."""

    def __init__(self, year: int = YEAR):
        self.year = year
        self.before: int | None = None

    def start(self) -> None:
        from assessment.models import PendingRecompute
        from assessment.services import assessment_run

        assessment_run(year=self.year)
        PendingRecompute.objects.all().delete()
        assert self.differences() == 0

    def fresh(self) -> dict:
        import json

        from django.core.serializers.json import DjangoJSONEncoder

        from assessment.services import compute, current_parameters

        computation = compute(year=self.year, parameters=current_parameters(self.year))
        document = {"document": computation.document(), "summary": computation.summary}
        return json.loads(json.dumps(document, cls=DjangoJSONEncoder))  # as a JSONField stores it

    def served(self) -> dict | None:
        from assessment.models import AssessmentRun

        run = AssessmentRun.objects.latest_for(self.year)
        if run is None:
            return None
        # The sensitivity table is derived from the stored results after the computation (the
        # dashboard's, kept with the run): what is compared is the computation itself.
        summary = {key: value for key, value in (run.summary or {}).items() if key != "sensitivity"}
        return {"document": run.document, "summary": summary}

    def differences(self) -> int:
        """Faculties whose scorecard differs, plus university-wide figures that differ."""
        served, fresh = self.served(), self.fresh()
        if served is None:
            return len(fresh["document"]["faculties"]) + len(fresh["summary"])
        faculties = {f["code"]: f for f in served["document"].get("faculties", [])}
        fresh_faculties = {f["code"]: f for f in fresh["document"]["faculties"]}
        differing = sum(faculties.get(code) != value for code, value in fresh_faculties.items())
        differing += len(faculties.keys() - fresh_faculties.keys())
        summary = served["summary"] or {}
        differing += sum(summary.get(key) != value for key, value in fresh["summary"].items())
        assert (differing == 0) == (served == fresh), "a difference the count does not see"
        return differing

    def pending(self) -> int:
        from assessment.models import PendingRecompute

        return PendingRecompute.objects.count()

    def observe(self) -> int:
        """The differences now (during or right after the fault): the report's "before"."""
        self.before = self.differences()
        return self.before

    def settle(self, services: Services | None) -> dict:
        """Wait (bounded) for the sweep, then served == fresh; the facts for the case's report.

        Without ``services`` (a case that runs no broker) the sweep runs in-process, as
        ``manage.py recompute_pending`` runs it where there is no beat."""
        from assessment.tasks import recompute_pending

        before = self.before if self.before is not None else self.differences()
        pending = self.pending()
        started = time.monotonic()
        if services is not None:
            services.ensure()
            wait_for(lambda: self.pending() == 0 and self.differences() == 0,
                     what=f"the sweep to recompute {self.year} (served == fresh run_assessment)")
        else:
            recompute_pending()
        after = self.differences()
        assert self.pending() == 0, f"{self.pending()} recomputes still pending"
        assert after == 0, f"the served assessment differs from a fresh run_assessment in {after} places"
        return {"pending_before": pending, "differences_before": before, "differences_after": after,
                "settled_in_s": round(time.monotonic() - started, 1)}


@pytest.fixture
def assessment(faculty_a):
    """The served-versus-fresh check of every fault case (see ``Assessment``); its baseline run
    is stored once faculty A (where the cases' data goes) exists."""
    checked = Assessment()
    checked.start()
    return checked
