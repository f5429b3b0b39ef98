#!/usr/bin/env bash
# Schemathesis against the REST API, run by .ci/run: a throwaway SQLite database holding the
# demo university, a live server on a free loopback port, and an API token for the office (it
# sees everything, personal fields included) and then for a coordinator (scoped lists, no
# personal fields).  Every check runs; any server error or response that breaks the published
# schema fails the script.
#   MAX_EXAMPLES (default 20) bounds the test cases per operation; COVERAGE=0 leaves out the
#   coverage phase (boundary and invalid values of every parameter); extra arguments go to
#   `schemathesis run`.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
ST=.venv/bin/schemathesis
if [ ! -x "$ST" ]; then
  echo "--> installing the pinned test tools (requirements-dev.txt)"
  .venv/bin/pip install --quiet -r requirements-dev.txt
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export DATABASE_URL="sqlite:///$work/api.sqlite3"
export MEDIA_ROOT="$work/media"
export INTLPORTAL_MODE=development
export CELERY_BROKER_URL="" REDIS_URL=""

echo "--> a throwaway database with the demo university"
"$PY" manage.py migrate --verbosity 0
"$PY" manage.py seed_demo >/dev/null
office_key=$("$PY" manage.py api_issue_token --user office --name schemathesis-office)
coordinator_key=$("$PY" manage.py api_issue_token --user coordinator --name schemathesis-coordinator)

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
echo "--> server on 127.0.0.1:$port"
"$PY" manage.py runserver --noreload --skip-checks "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  if "$PY" -c "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:$port/accounts/login/', timeout=2)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log"; exit 1; fi
  sleep 1
done

# The first request builds the schema (seconds on a busy machine; schemathesis waits 10 s at
# most): build it now, which also proves the token works.
"$PY" - "$port" "$office_key" <<'PYTHON'
import sys, urllib.request
request = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/api/v1/schema/",
                                 headers={"Authorization": f"Token {sys.argv[2]}"})
urllib.request.urlopen(request, timeout=300).read()
PYTHON

status=0
for who in office coordinator; do
  key_var="${who}_key"
  examples=${MAX_EXAMPLES:-20}
  phases=examples,coverage,fuzzing,stateful
  # COVERAGE=0 (CI, for its 30 minutes) leaves out the coverage phase for both passes: every
  # operation is still fuzzed as both roles; run the script alone for the boundary values too.
  if [ "${COVERAGE:-1}" = 0 ]; then phases=examples,fuzzing,stateful; fi
  # The coordinator pass checks the other shape of the responses (scoped, without personal
  # fields): fewer examples suffice, and the coverage phase (every parameter's boundary and
  # invalid values, four minutes of the run) was done as the office on the same parameters.
  if [ "$who" = coordinator ]; then
    examples=$(( (examples + 3) / 4 ))
    phases=examples,fuzzing,stateful
  fi
  echo "--> schemathesis as $who ($examples examples per operation; phases $phases)"
  "$ST" run "http://127.0.0.1:$port/api/v1/schema/" \
    --header "Authorization: Token ${!key_var}" \
    --checks all \
    --phases "$phases" \
    --max-examples "$examples" \
    --generation-database none \
    --seed "${SCHEMATHESIS_SEED:-2025}" \
    --no-color \
    "$@" || status=$?
done

if [ "$status" -ne 0 ]; then
  echo "--> schemathesis found problems; the server's log:" >&2
  tail -n 80 "$work/server.log" >&2
fi
exit "$status"
