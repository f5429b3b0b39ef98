"""Fixtures of the fault suite: a throwaway Redis on a free loopback port, a Celery worker and
beat as subprocesses on it, and the test process pointed at the same Redis and database."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60  # seconds: the bound of every wait in this suite


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
def services(redis_server, celery_on_redis, tmp_path):
    running = Services(redis_server, tmp_path)
    yield running
    running.stop()
    for name in running.procs:
        print(f"--- {name} log (tail) ---\n{running.log(name)[-4000:]}")
