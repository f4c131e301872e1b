#!/usr/bin/env bash
# Install headless Chromium for the report tests, from Debian's packages.
#
#   infra/install-chromium.sh      # prints the path of the chromium binary
#
# Skipped when a chromium binary is already there ($AUTOSHIFT_CHROMIUM,
# /usr/bin/chromium or chromium on the PATH): a second run downloads nothing.
# Otherwise `apt-get install chromium` (root or sudo), under the infra install
# lock so that parallel test files install it once.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

chromium_bin() {
  if [[ -n "${AUTOSHIFT_CHROMIUM:-}" && -x "$AUTOSHIFT_CHROMIUM" ]]; then echo "$AUTOSHIFT_CHROMIUM"
  elif [[ -x /usr/bin/chromium ]]; then echo /usr/bin/chromium
  else command -v chromium || true
  fi
}

main() {
  local bin
  bin=$(chromium_bin)
  if [[ -z "$bin" ]]; then
    take_lock install
    bin=$(chromium_bin)
    if [[ -z "$bin" ]]; then
      apt_install chromium
      bin=$(chromium_bin)
      [[ -n "$bin" ]] || die "chromium: apt-get install finished but no chromium binary"
      log "chromium: installed $("$bin" --version 2>/dev/null | head -n1)"
    fi
  fi
  echo "$bin"
}

main "$@"
