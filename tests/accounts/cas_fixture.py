"""A real CAS server for the sign-in tests, and the portal pointed at it.

* ``cas_server`` (session) — django-cas-server (``tests/accounts/cas_server``) started with
  ``.venv-cas/bin/python`` on a free loopback port, with its own throw-away database; its URL
  (``http://127.0.0.1:<port>/``).  Each pytest-xdist worker starts its own.
* ``cas_portal`` — the portal's settings pointed at that server: ``CAS_SERVER_URL`` set and
  the CAS backend in ``AUTHENTICATION_BACKENDS``, as the environment does in production.

Import them where they are used::

    from tests.accounts.cas_fixture import cas_portal, cas_server  # noqa: F401

The people the server signs in are ``tests.accounts.cas_server.people.PEOPLE``.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.accounts.cas_server.people import PEOPLE

ROOT = Path(__file__).resolve().parents[2]
CAS_PYTHON = ROOT / ".venv-cas" / "bin" / "python"
SERVE = Path(__file__).resolve().parent / "cas_server" / "serve.py"
START_TIMEOUT_SECONDS = 60


@pytest.fixture(scope="session")
def cas_server(tmp_path_factory):
    if not CAS_PYTHON.exists():
        pytest.fail(f"the CAS server's virtualenv is missing ({CAS_PYTHON}): run `make test-servers`", pytrace=False)
    data = tmp_path_factory.mktemp("cas-server")
    log = data / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and script, fixed argv
            [str(CAS_PYTHON), str(SERVE), str(data)], stdout=output, stderr=subprocess.STDOUT, cwd=SERVE.parent)
    try:
        url = _wait_until_it_answers(process, data, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_it_answers(process: subprocess.Popen, data: Path, log: Path) -> str:
    """The server's URL once its login page answers; a failure with its output otherwise."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    port_file = data / "port"
    last_error = "it has not written its port yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the CAS server exited with status {process.returncode}:\n{log.read_text()}", pytrace=False)
        if port_file.exists():
            url = f"http://127.0.0.1:{port_file.read_text().strip()}/"
            try:
                if requests.get(f"{url}login", timeout=5).status_code == 200:
                    return url
                last_error = "its login page did not answer 200"
            except requests.RequestException as error:
                last_error = str(error)
        time.sleep(0.2)  # polling for the server to come up, not timing anything
    pytest.fail(f"the CAS server did not answer within {START_TIMEOUT_SECONDS} s ({last_error}):\n{log.read_text()}",
                pytrace=False)


@pytest.fixture
def cas_portal(settings, cas_server):
    """The portal signing people in through the test CAS server."""
    settings.CAS_SERVER_URL = cas_server
    if "accounts.backends.CampusCASBackend" not in settings.AUTHENTICATION_BACKENDS:
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "accounts.backends.CampusCASBackend"]
    return cas_server


def password_of(username: str) -> str:
    return PEOPLE[username]["password"]
