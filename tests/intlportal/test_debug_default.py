"""Development mode runs with DEBUG off unless asked for, and still serves static files.

With DEBUG on by default, any error in development mode (a 500 from a bad filter, say) showed
whoever hit it a full traceback with the settings.  Now ``INTLPORTAL_DEBUG=1`` is the only way
to turn it on (``DEBUG=1`` still works when ``INTLPORTAL_DEBUG`` is unset), and whitenoise
serves the static files with DEBUG off, so ``make run`` looks the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def debug_with(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DEBUG", "INTLPORTAL_DEBUG", "INTLPORTAL_MODE", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "False"),
    ({"INTLPORTAL_DEBUG": "1"}, "True"),
    ({"INTLPORTAL_DEBUG": "0"}, "False"),
    ({"DEBUG": "1"}, "True"),
    ({"INTLPORTAL_DEBUG": "0", "DEBUG": "1"}, "False"),
])
def test_debug_is_off_in_development_unless_asked_for(env, expected):
    assert debug_with(**env) == expected


@pytest.mark.django_db
def test_static_files_are_served_with_debug_off(client, settings):
    settings.DEBUG = False
    response = client.get("/static/js/portal.js")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body == (ROOT / "static/js/portal.js").read_bytes()
    # An app's own static folder too (found without collectstatic).
    assert client.get("/static/exchanges/partner-combobox.js").status_code == 200
