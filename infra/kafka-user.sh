#!/usr/bin/env bash
# Prints the environment that makes autoshift's services log in to an
# authenticated broker (up.sh --kafka-auth) as USER: KAFKA_BROKERS and the
# KAFKA_SASL_* variables, the password as a file (never the password itself).
#
#   eval "$(bash infra/kafka-user.sh intake)"; autoshift intake s.yaml --run-id r1
#
# Users: admin (super user: creates a run's topics and ACLs, `autoshift
# kafka-acls`), producer, intake, worker, allocator, collector, live.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  [[ $# -eq 1 && $1 != -* ]] || { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
  [[ "$(kafka_auth_of_data)" == scram ]] || die "the broker of $INFRA_HOME is not formatted with SASL (infra/up.sh --kafka-auth kafka)"
  local f="$KAFKA_SECRETS/$1.password"
  [[ -s "$f" ]] || die "unknown user '$1' (expected one of: ${KAFKA_SASL_USERS[*]})"
  printf 'export KAFKA_BROKERS=%q KAFKA_SASL_MECHANISM=scram-sha-512 KAFKA_SASL_USERNAME=%q KAFKA_SASL_PASSWORD_FILE=%q\n' \
    "$BIND_HOST:$KAFKA_PORT" "$1" "$f"
}

main "$@"
