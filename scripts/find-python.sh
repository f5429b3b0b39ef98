#!/usr/bin/env bash
# Print the path of a Python 3.12+ interpreter, or explain what to install and fail.
# Order: $PYTHON if set; pyenv's newest 3.13/3.12; python3.13, python3.12, python3 on PATH.
set -u

ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

if [ -n "${PYTHON:-}" ]; then
  if ok "$PYTHON"; then echo "$PYTHON"; exit 0; fi
  echo "PYTHON=$PYTHON is not Python 3.12 or newer." >&2; exit 1
fi
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for v in $(ls "$root/versions" 2>/dev/null | grep -E '^3\.1[2-9]\.[0-9]+$' | sort -t. -k2,2nr -k3,3nr); do
    cand="$root/versions/$v/bin/python3"
    if ok "$cand"; then echo "$cand"; exit 0; fi
  done
fi
for name in python3.13 python3.12 python3; do
  if command -v "$name" >/dev/null 2>&1; then
    cand=$(command -v "$name")
    # pyenv shims answer for versions that are not active: resolve through pyenv when possible.
    if ok "$cand"; then echo "$cand"; exit 0; fi
  fi
done
cat >&2 <<'MSG'
intlportal needs Python 3.12 or newer, and none was found.
Install one of these, then run the command again:
  - with pyenv:        pyenv install 3.13    (no need to activate it; setup finds it)
  - on Debian/Ubuntu:  sudo apt-get install python3.12 python3.12-venv
  - on macOS:          brew install python@3.13
Or point setup at an interpreter:  PYTHON=/path/to/python3.13 make run
MSG
exit 1
