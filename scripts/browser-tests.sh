#!/usr/bin/env bash
# Browser journeys, run by .ci/run: Playwright drives Debian's headless Chromium against a
# live server holding the demo university; axe-core checks every page the journeys reach, and
# any JavaScript error or Content-Security-Policy violation fails the journey.
# Screenshots (and axe-report.json) land in tests/browser/screenshots/, ignored by git.
# Self-contained: installs Chromium, a CJK font for the screenshots and the pinned test tools
# when they are missing.  Playwright's own browser download is never used.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python

if ! command -v chromium >/dev/null 2>&1; then
  echo "--> installing Debian's Chromium"
  apt-get update -q && apt-get install -y -q chromium
fi
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  # Without a CJK font the Chinese pages' screenshots show empty boxes.
  echo "--> installing a Chinese font for the screenshots"
  apt-get update -q && apt-get install -y -q fonts-wqy-microhei
fi
if [ ! -x "$PY" ]; then
  make setup
fi
if ! "$PY" -c "import playwright, axe_playwright_python" 2>/dev/null; then
  echo "--> installing the pinned browser-test tools (requirements-dev.txt)"
  .venv/bin/pip install --quiet -r requirements-dev.txt
fi

echo "--> browser journeys in headless Chromium ($(chromium --version 2>/dev/null | head -1))"
"$PY" -m pytest tests/browser -m browser -q -p no:xdist "$@"
echo "screenshots and the axe report: tests/browser/screenshots/"
