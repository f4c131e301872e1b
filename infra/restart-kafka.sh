#!/usr/bin/env bash
# Restart the Kafka broker on the same data dir (fault tests).
#
#   infra/restart-kafka.sh [--kill]
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/restart.sh" "$@" kafka
