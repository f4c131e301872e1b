#!/usr/bin/env sh
# Creates bench/peers/.venv-prosimos (gitignored) with Prosimos, the BPMN
# business-process simulator from PyPI, the peer of `autoshift import`: the
# import tests simulate Prosimos' own example models with Prosimos and compare.
# A venv of its own: Prosimos pins numpy/pandas/scipy versions that need not
# agree with PM4Py's (bench/peers/setup.sh). Idempotent and locked: re-running
# it does nothing once Prosimos is there; tests that ask at once share one install.
#   sh bench/peers/setup-prosimos.sh            (PYTHON=python3.12 to choose the interpreter)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv-prosimos"
python=${PYTHON:-python3}
PROSIMOS_VERSION=2.1.0

if command -v flock >/dev/null 2>&1; then
  exec 9>"$here/.setup-prosimos.lock"
  flock 9
fi
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "
import sys, importlib.metadata as m
sys.exit(m.version('prosimos') != '$PROSIMOS_VERSION')" 2>/dev/null; then
  echo "bench/peers/.venv-prosimos: prosimos $PROSIMOS_VERSION already installed"
  exit 0
fi
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "prosimos==$PROSIMOS_VERSION"
echo "bench/peers/.venv-prosimos: prosimos $PROSIMOS_VERSION installed ($("$venv/bin/python" --version))"
