#!/usr/bin/env bash
# Stop the servers started by up.sh.
#
#   infra/down.sh [--kill] [kafka|temporal|prometheus|all]...
#
# Default: SIGTERM, then SIGKILL after AUTOSHIFT_INFRA_STOP_TIMEOUT seconds
# (30). With --kill: SIGKILL at once, the way a crash looks (fault tests).
# Data is kept; `infra/up.sh` starts again on the same data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  local mode=term args=() list services=()
  take_lock state
  for a in "$@"; do
    case $a in
      --kill|-9) mode=--kill ;;
      -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) args+=("$a") ;;
    esac
  done
  list=$(parse_services "${args[@]}")
  mapfile -t services <<<"$list"
  # Stop in reverse start order.
  for ((i = ${#services[@]} - 1; i >= 0; i--)); do
    stop_service "${services[i]}" "$mode"
  done
}

main "$@"
