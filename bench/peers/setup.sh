#!/usr/bin/env sh
# Creates bench/peers/.venv (gitignored) with the peer simulators the benchmarks
# compare against. Idempotent: re-running it does nothing once SimPy is there.
#   sh bench/peers/setup.sh            (PYTHON=python3.12 to choose the interpreter)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv"
python=${PYTHON:-python3}
SIMPY_VERSION=4.1.2

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import simpy, sys; sys.exit(simpy.__version__ != '$SIMPY_VERSION')" 2>/dev/null; then
  echo "bench/peers/.venv: simpy $SIMPY_VERSION already installed"
  exit 0
fi
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "simpy==$SIMPY_VERSION"
echo "bench/peers/.venv: simpy $("$venv/bin/python" -c 'import simpy; print(simpy.__version__)') installed ($("$venv/bin/python" --version))"
