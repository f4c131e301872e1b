#!/usr/bin/env bash
# End-to-end smoke check of running services (start them with up.sh first).
#
#   infra/smoke.sh [kafka|temporal|prometheus|all]...
#
# kafka       creates a fresh topic, produces one message with the console
#             producer and reads it back with the console consumer
# temporal    `temporal workflow list` and `operator namespace describe default`
# prometheus  /-/ready and an instant query through the HTTP API
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

smoke_kafka() {
  local topic msg got admin=() producer=() consumer=()
  topic="autoshift-smoke-$(date +%s)-$$"
  msg="hello $(date -Is)"
  mapfile -t admin < <(kafka_bootstrap_args)
  if [[ "$(kafka_auth_of_data)" == scram ]]; then
    # as the super user admin (no ACLs needed for a scratch topic)
    producer=(--producer.config "$KAFKA_CONF/admin-client.properties")
    consumer=(--consumer.config "$KAFKA_CONF/admin-client.properties")
  fi
  kafka_tool org.apache.kafka.tools.TopicCommand "${admin[@]}" \
    --create --topic "$topic" --partitions 1 --replication-factor 1 >/dev/null
  printf '%s\n' "$msg" | kafka_tool kafka.tools.ConsoleProducer "${producer[@]}" \
    --bootstrap-server "$BIND_HOST:$KAFKA_PORT" --topic "$topic" --producer-property acks=all
  got=$(kafka_tool org.apache.kafka.tools.consumer.ConsoleConsumer "${consumer[@]}" \
    --bootstrap-server "$BIND_HOST:$KAFKA_PORT" --topic "$topic" --from-beginning \
    --max-messages 1 --timeout-ms 30000 2>/dev/null)
  kafka_tool org.apache.kafka.tools.TopicCommand "${admin[@]}" \
    --delete --topic "$topic" >/dev/null
  [[ "$got" == "$msg" ]] || die "kafka: produced '$msg' but consumed '$got'"
  log "kafka: ok (topic $topic: produced and consumed one message)"
}

smoke_temporal() {
  "$TEMPORAL_BIN" workflow list --address "$BIND_HOST:$TEMPORAL_PORT" --limit 5 >/dev/null
  "$TEMPORAL_BIN" operator namespace describe --address "$BIND_HOST:$TEMPORAL_PORT" -n default >/dev/null
  log "temporal: ok (workflow list, namespace default)"
}

smoke_prometheus() {
  health_prometheus || die "prometheus: not ready"
  local out
  out=$(curl -fsS --max-time 5 "http://$BIND_HOST:$PROMETHEUS_PORT/api/v1/query?query=up")
  [[ "$out" == *'"status":"success"'* ]] || die "prometheus: query failed: $out"
  log "prometheus: ok (query up: $(grep -o '"job":"[a-z]*"' <<<"$out" | sort -u | tr '\n' ' '))"
}

main() {
  local svc services
  services=$(parse_services "$@")
  for svc in $services; do
    service_pid "$svc" >/dev/null || die "$svc is not running (infra/up.sh $svc)"
    "smoke_$svc"
  done
}

main "$@"
