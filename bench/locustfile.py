"""Load mix for ``bench/run.py``: leaders read dashboards, the office works lists and records.

Run by ``bench/run.py`` against gunicorn on loopback in production mode.  The portal sets
``Secure`` cookies in production and trusts ``X-Forwarded-Proto`` from its proxy, so every
request says it came over HTTPS (as it would behind the TLS proxy) and the cookie jar is told
to send the secure cookies over the loopback's plain HTTP.
"""

from __future__ import annotations

import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "intlportal-demo")
YEAR = int(os.environ["BENCH_YEAR"])
FACULTY_CODES = os.environ["BENCH_FACULTIES"].split(",")
MOBILITY_IDS = [int(i) for i in os.environ["BENCH_MOBILITY_IDS"].split(",")]
FACULTY_IDS = [int(i) for i in os.environ["BENCH_FACULTY_IDS"].split(",")]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SIGN_IN = {"login form", "login"}

# Each simulated user signs in once (a deliberately slow password hash): that is warm-up,
# not the traffic the goal is about.  The measured window opens when every user has signed
# in and closes BENCH_LOAD_SECONDS later; failures count everything, sign-ins included.
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
_pages: list[float] = []
_failures = [0]
_span: list[float] = []
_signed_in = [0]
_measuring = [False]


def _signed_in_one(environment) -> None:
    _signed_in[0] += 1
    if _signed_in[0] == environment.runner.target_user_count and not _measuring[0]:
        import gevent

        _measuring[0] = True
        gevent.spawn_later(SECONDS, environment.runner.quit)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    if exception is not None:
        _failures[0] += 1
    if name in SIGN_IN or not _measuring[0]:
        return
    _pages.append(response_time)
    now = time.time()
    if not _span:
        _span.append(now)
    _span[1:] = [now]


@events.quitting.add_listener
def _write(environment, **kwargs):
    path = os.environ.get("BENCH_LOAD_OUT")
    if not path:
        return
    ordered = sorted(_pages)

    def pct(q):
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0
    seconds = (_span[-1] - _span[0]) if len(_span) > 1 else 0.0
    with open(path, "w") as out:
        json.dump({"requests": len(ordered), "failures": _failures[0], "median_ms": pct(0.5), "p95_ms": pct(0.95),
                   "rps": round(len(ordered) / seconds, 1) if seconds else 0.0}, out)


class PortalUser(HttpUser):
    abstract = True
    username = "office"
    wait_time = between(0.2, 1.0)

    def _unsecure_cookies(self):
        for cookie in self.client.cookies:
            cookie.secure = False

    def on_start(self):
        self.client.headers.update({"X-Forwarded-Proto": "https", "Accept-Language": "zh-hans"})
        page = self.client.get("/accounts/login/", name="login form")
        self._unsecure_cookies()
        token = TOKEN.search(page.text).group(1)
        response = self.client.post(
            "/accounts/login/", name="login",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Origin": f"https://{self.host.split('://', 1)[1]}", "Referer": f"{self.host}/accounts/login/"},
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not sign in: {response.status_code}")
        self._unsecure_cookies()
        _signed_in_one(self.environment)

    def page(self, url: str, name: str):
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class Leader(PortalUser):
    username = "leader"
    weight = 2

    @task(3)
    def dashboard(self):
        self.page(f"/assessment/?year={YEAR}", "dashboard")

    @task(2)
    def scorecard(self):
        self.page(f"/assessment/{YEAR}/faculties/{random.choice(FACULTY_CODES)}/", "scorecard")

    @task(2)
    def mobility_list(self):
        self.page(f"/exchanges/mobilities/?page={random.randint(1, 200)}", "mobility list")


class Office(PortalUser):
    username = "office"
    weight = 3

    @task(3)
    def mobility_list(self):
        self.page("/exchanges/mobilities/", "mobility list")

    @task(3)
    def mobility_filtered(self):
        faculty = random.choice(FACULTY_IDS)
        self.page(f"/exchanges/mobilities/?faculty={faculty}&direction=outbound&person_kind=student"
                  f"&year={YEAR}&status=completed", "mobility list, filtered")

    @task(4)
    def mobility_detail(self):
        self.page(f"/exchanges/mobilities/{random.choice(MOBILITY_IDS)}/", "mobility detail")

    @task(2)
    def work_queue(self):
        self.page("/work-queue/", "work queue")

    @task(1)
    def dashboard(self):
        self.page(f"/assessment/?year={YEAR}", "dashboard")
