#!/usr/bin/env bash
# Security checks, run by .ci/run after the suite; any failure fails the run.
#   1. manage.py check --deploy in production mode: no warnings
#   2. bandit over the project's own code: no medium or high finding (each one that is
#      accepted carries `# nosec <id> - reason` where it stands)
#   3. pip-audit over requirements.txt: no known vulnerability
#   4. tests/security: the permission matrix over every URL, error pages, CSP, sign-in lockout,
#      session rotation, cookie flags and uploads
#   5. spreadsheet bombs: a sheet claiming A1:XFD1048576, a 60 MB cell packed into a few KB,
#      thousands of zip parts, over-long cells, huge echoed values; and formulas neutralised
#      in every export.  Each file is built in memory by the test (a few hundred KB at most),
#      the work is bounded by counters in the tests and the whole check by a time limit.
#   6. race test of concurrent saves on SQLite and PostgreSQL: threads save one record at once
#      (tests/security/test_races.py); exactly one wins, the others get the stale-edit page,
#      zero 500s, zero lost updates.  PostgreSQL at $RACE_DATABASE_URL (default below).
# Self-contained: installs its pinned tools from requirements-dev.txt when they are missing.
# SECURITY_SUITES_RAN=1 (.ci/run, right after the whole suite on SQLite and PostgreSQL) leaves
# out 4-6, which those runs hold already.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
step() { printf '\n--> %s\n' "$*"; }
# Every check runs even after one fails, so one run shows every finding; the script then fails.
failed=()
check() { local name=$1; shift; if ! "$@"; then failed+=("$name"); fi; }

if [ ! -x "$PY" ]; then
  make setup
fi
if ! "$PY" -c "import bandit, pip_audit" 2>/dev/null; then
  step "installing the pinned security tools (requirements-dev.txt)"
  .venv/bin/pip install --quiet -r requirements-dev.txt
fi

step "check --deploy in production mode"
check "check --deploy" env INTLPORTAL_MODE=production \
  SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')" \
  ALLOWED_HOSTS=portal.example.edu.cn \
  "$PY" manage.py check --deploy --fail-level WARNING

step "bandit (medium and high severity)"
# The project's own Python: every top-level package with an apps.py, plus manage.py.
apps=$(for d in */; do [ -f "${d}apps.py" ] && printf '%s ' "${d%/}"; done)
# shellcheck disable=SC2086  # one word per app directory
check bandit .venv/bin/bandit --quiet --severity-level medium --recursive $apps manage.py \
  --exclude "./tests,./.venv,./.venv-cas,*/migrations/*,*/tests/*"

step "pip-audit on requirements.txt"
# pip-audit asks PyPI's JSON API for each pinned release's advisories.  Probe it first: where
# that API is not reachable (an offline mirror) the packages cannot be audited, and the run
# says so in plain words instead of reporting "no known vulnerabilities".
probe_url="https://pypi.org/pypi/pip-audit/2.10.1/json"
if "$PY" - "$probe_url" <<'EOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=20) as answer:  # noqa: S310 - fixed https URL
        sys.exit(0 if answer.status == 200 else 1)
except Exception:
    sys.exit(1)
EOF
then
  # --strict: a dependency that could not be audited fails the run too.
  check pip-audit .venv/bin/pip-audit --strict --progress-spinner off -r requirements.txt
else
  echo "pip-audit: NOT AUDITED. PyPI's advisory API ($probe_url) cannot be reached from this"
  echo "machine, so no dependency of requirements.txt was checked for known vulnerabilities."
  if [ "${SECURITY_REQUIRE_PIP_AUDIT:-0}" = "1" ]; then
    echo "SECURITY_REQUIRE_PIP_AUDIT=1: failing." >&2
    failed+=("pip-audit (not reachable)")
  fi
  echo "(Set SECURITY_REQUIRE_PIP_AUDIT=1 to make this fatal where the API is reachable.)"
fi

if [ "${SECURITY_SUITES_RAN:-0}" = 1 ]; then
  # .ci/run has just run these tests in the whole suite, on SQLite and on PostgreSQL.
  step "security tests, spreadsheet bombs and races: run by the suites on SQLite and PostgreSQL"
else
step "security tests (permission matrix, error pages, CSP, sessions, uploads)"
check "security tests" "$PY" -m pytest tests/security -q -n 2

step "spreadsheet bombs and formula neutralising (bounded size and time)"
check "spreadsheet bombs" timeout 300 "$PY" -m pytest -q -n 0 \
  tests/dataexchange/test_bombs.py tests/assessment/test_exports.py

step "race test of concurrent saves on SQLite and PostgreSQL"
# -n 0: the test starts its own threads.  SQLite: a file database with the settings' options
# (WAL, busy timeout, BEGIN IMMEDIATE); PostgreSQL: row locks.
check "race test (SQLite)" env -u DATABASE_URL timeout 300 "$PY" -m pytest -q -n 0 tests/security/test_races.py
check "race test (PostgreSQL)" env DATABASE_URL="${RACE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/intlportal_race}" \
  timeout 300 "$PY" -m pytest -q -n 0 tests/security/test_races.py
fi

echo
if [ ${#failed[@]} -gt 0 ]; then
  printf 'security checks FAILED: %s\n' "${failed[*]}" >&2
  exit 1
fi
echo "security checks: all passed"
