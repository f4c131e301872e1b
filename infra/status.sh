#!/usr/bin/env bash
# Print each service with its pid, ports and health.
#
#   infra/status.sh [kafka|temporal|prometheus|all]...
#
# Exit status: 0 when every service asked for is running and healthy, 1 when
# any is down or unhealthy.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  local svc services pid state health ports rc=0
  printf '%-11s %-9s %-8s %-27s %s\n' SERVICE STATE PID PORTS HEALTH
  services=$(parse_services "$@")
  for svc in $services; do
    ports=$(service_ports "$svc" | tr ' ' ',')
    if pid=$(service_pid "$svc"); then
      state=running
      if "health_$svc"; then health=ok; else health=failing; rc=1; fi
    else
      pid=-
      health=-
      rc=1
      if [[ -s "$(pid_file "$svc")" ]]; then state=dead; else state=stopped; fi
      local p owner
      for p in $(service_ports "$svc"); do
        if port_open "$p"; then
          owner=$(port_owner "$p")
          health="port $p taken by another process${owner:+ ($owner)}"
          break
        fi
      done
    fi
    printf '%-11s %-9s %-8s %-27s %s\n' "$svc" "$state" "$pid" "$ports" "$health"
  done
  printf 'home: %s\nlogs: %s\n' "$INFRA_HOME" "$LOGS_DIR"
  return $rc
}

main "$@"
