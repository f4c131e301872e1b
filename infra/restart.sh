#!/usr/bin/env bash
# Stop then start services on the same data dir (fault tests).
#
#   infra/restart.sh [--kill] [kafka|temporal|prometheus|all]...
#
# --kill: SIGKILL instead of a clean shutdown, i.e. a crash and a recovery.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  local mode=() args=()
  for a in "$@"; do
    case $a in
      --kill|-9) mode=(--kill) ;;
      *) args+=("$a") ;;
    esac
  done
  local services
  services=$(parse_services "${args[@]}")
  # shellcheck disable=SC2086
  "$INFRA_DIR/down.sh" "${mode[@]}" $services
  # shellcheck disable=SC2086
  "$INFRA_DIR/up.sh" $services
}

main "$@"
