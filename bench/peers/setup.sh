#!/usr/bin/env sh
# Creates bench/peers/.venv (gitignored) with the peers that the benchmarks and
# tests compare against: SimPy (benchmarks), PM4Py (a real XES reader and
# process-mining peer for the event-log tests) and Ciw (a queueing-network
# simulator with reneging, priority classes and finite queues: the peer of the
# abandonment, priority and finite-queue tests). Idempotent and locked: re-running
# it does nothing once both are there, and tests running at once wait for one install.
#   sh bench/peers/setup.sh            (PYTHON=python3.12 to choose the interpreter)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv"
python=${PYTHON:-python3}
SIMPY_VERSION=4.1.2
PM4PY_VERSION=2.7.23.11
CIW_VERSION=3.2.7

if command -v flock >/dev/null 2>&1; then
  exec 9>"$here/.setup.lock"
  flock 9
fi
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "
import sys, importlib.metadata as m
sys.exit(m.version('simpy') != '$SIMPY_VERSION' or m.version('pm4py') != '$PM4PY_VERSION' or m.version('ciw') != '$CIW_VERSION')" 2>/dev/null; then
  echo "bench/peers/.venv: simpy $SIMPY_VERSION, pm4py $PM4PY_VERSION and ciw $CIW_VERSION already installed"
  exit 0
fi
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "simpy==$SIMPY_VERSION" "pm4py==$PM4PY_VERSION" "ciw==$CIW_VERSION"
echo "bench/peers/.venv: simpy $SIMPY_VERSION, pm4py $PM4PY_VERSION and ciw $CIW_VERSION installed ($("$venv/bin/python" --version))"
