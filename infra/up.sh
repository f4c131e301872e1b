#!/usr/bin/env bash
# Start the servers in the background (installing them first if needed) and
# wait until each one answers. A service already running is left alone.
#
#   infra/up.sh [--prometheus-lifecycle] [--kafka-auth] [kafka|temporal|prometheus|all]...
#
# --kafka-auth (or AUTOSHIFT_KAFKA_AUTH=scram) formats a new broker with
# SASL/SCRAM-SHA-512 users and ACL authorization (docs/infra.md, "Authenticated
# Kafka"): one password file per user under secrets/kafka/, printed never.
# Authentication is fixed when the storage is formatted: a broker formatted
# without it keeps running without it (use another AUTOSHIFT_INFRA_HOME).
#
# --prometheus-lifecycle (or AUTOSHIFT_PROMETHEUS_LIFECYCLE=1) turns on
# Prometheus' lifecycle API (POST /-/reload, /-/quit): unauthenticated, so off
# by default. Prometheus loads backfilled blocks and its rule files without it
# (rules: restart it with infra/restart.sh prometheus).
#
# Ports (all on 127.0.0.1): KAFKA_PORT (9092; controller KAFKA_CONTROLLER_PORT
# 9093), TEMPORAL_PORT (7233; UI 8233), PROMETHEUS_PORT (9090).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# check_ports_free SERVICE : dies when a port of SERVICE is taken by someone else.
check_ports_free() {
  local p owner
  for p in $(service_ports "$1"); do
    if port_open "$p"; then
      owner=$(port_owner "$p")
      die "$1: port $BIND_HOST:$p is already in use${owner:+ by pid/name $owner}, not by this infra home ($INFRA_HOME). Stop it or pick another port (see docs/infra.md)."
    fi
  done
}

on_start_failure() {
  local svc=$1 logf
  logf=$(service_log "$svc")
  warn "$svc did not become healthy; last lines of $logf:"
  tail -n 30 "$logf" >&2 || true
  [[ $svc == kafka ]] && { tail -n 30 "$LOGS_DIR/kafka/server.log" >&2 || true; }
  stop_service "$svc" || true
  die "$svc failed to start"
}

start_kafka() {
  local java cluster_id pid
  java=$(kafka_java)
  if [[ ! -f "$KAFKA_DATA/meta.properties" ]]; then
    local scram=() u
    if [[ $KAFKA_AUTH == scram ]]; then
      kafka_new_passwords
      # SCRAM users go into the bootstrap metadata: they exist before the broker first answers
      for u in "${KAFKA_SASL_USERS[@]}"; do scram+=(--add-scram "SCRAM-SHA-512=[name=$u,password=$(kafka_password "$u")]"); done
    fi
    kafka_write_conf
    cluster_id=$(KAFKA_TOOL_TIMEOUT=60 kafka_tool kafka.tools.StorageTool random-uuid | tail -n1)
    log "kafka: formatting $KAFKA_DATA (cluster id $cluster_id, authentication $KAFKA_AUTH)"
    KAFKA_TOOL_TIMEOUT=60 kafka_tool kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$KAFKA_CONF/server.properties" --ignore-formatted "${scram[@]}" >&2
    echo "$KAFKA_AUTH" >"$KAFKA_DATA/autoshift-auth"
    [[ $KAFKA_AUTH == none ]] || log "kafka: SCRAM-SHA-512 users ${KAFKA_SASL_USERS[*]}; passwords in $KAFKA_SECRETS/<user>.password"
  else
    if [[ -n "${AUTOSHIFT_KAFKA_AUTH:-}" && "$KAFKA_AUTH" != "$(kafka_auth_of_data)" ]]; then
      die "kafka: $KAFKA_DATA was formatted with authentication $(kafka_auth_of_data), not $KAFKA_AUTH; use another AUTOSHIFT_INFRA_HOME (docs/infra.md)"
    fi
    kafka_write_conf
  fi
  pid=$(start_detached kafka "$java" \
    -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath="$LOGS_DIR/kafka" \
    -Djava.awt.headless=true \
    -Dkafka.logs.dir="$LOGS_DIR/kafka" \
    -Dlog4j.configuration="file:$KAFKA_CONF/log4j.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONF/server.properties")
  log "kafka: started pid $pid, waiting for $BIND_HOST:$KAFKA_PORT"
  WAIT_PID=$pid wait_for_port "$KAFKA_PORT" "$START_TIMEOUT" || on_start_failure kafka
  WAIT_PID=$pid wait_until "$START_TIMEOUT" "kafka metadata (TopicCommand --list)" health_kafka \
    || on_start_failure kafka
}

start_temporal() {
  local pid extra=()
  mkdir -p "$TEMPORAL_DATA"
  # The newsfeed fetch would only fail here (no internet); older CLIs lack the flag.
  if "$TEMPORAL_BIN" server start-dev --help 2>/dev/null | grep -q -- '--ui-disable-news-fetch'; then
    extra+=(--ui-disable-news-fetch)
  fi
  # Extra flags, split on whitespace, e.g.
  # AUTOSHIFT_TEMPORAL_EXTRA_ARGS='--dynamic-config-value history.timerProcessorMaxTimeShift="10ms"'
  # Timers fire up to 1 s late by default (timerProcessorMaxTimeShift); simulated work is a timer, so keep it at 10 ms.
  extra+=(--dynamic-config-value 'history.timerProcessorMaxTimeShift="10ms"')
  # A bot step is an activity on the case's own task queue: let the server hand it straight back to the
  # worker that scheduled it (eager dispatch) instead of through matching, one round trip less per bot task.
  extra+=(--dynamic-config-value 'system.enableActivityEagerExecution=true')
  local user_args=()
  read -r -a user_args <<<"${AUTOSHIFT_TEMPORAL_EXTRA_ARGS:-}"
  extra+=("${user_args[@]}")
  pid=$(start_detached temporal "$TEMPORAL_BIN" server start-dev \
    --ip "$BIND_HOST" --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
    --http-port "$TEMPORAL_HTTP_PORT" --metrics-port "$TEMPORAL_METRICS_PORT" \
    --db-filename "$TEMPORAL_DATA/temporal.db" --sqlite-pragma journal_mode=wal \
    --log-level warn "${extra[@]}")
  log "temporal: started pid $pid, waiting for $BIND_HOST:$TEMPORAL_PORT"
  WAIT_PID=$pid wait_for_port "$TEMPORAL_PORT" "$START_TIMEOUT" || on_start_failure temporal
  WAIT_PID=$pid wait_until "$START_TIMEOUT" "temporal cluster health" health_temporal \
    || on_start_failure temporal
  # The default namespace is registered at start-up; wait until it answers.
  WAIT_PID=$pid wait_until "$START_TIMEOUT" "temporal default namespace" \
    "$TEMPORAL_BIN" workflow list --address "$BIND_HOST:$TEMPORAL_PORT" --namespace default --limit 1 \
    || on_start_failure temporal
}

start_prometheus() {
  local bin pid promtool
  bin=$(prometheus_bin)
  [[ -f "$PROMETHEUS_CONFIG" ]] || die "prometheus: config $PROMETHEUS_CONFIG not found"
  promtool="$(dirname "$bin")/promtool"
  if [[ -x "$promtool" ]]; then
    "$promtool" check config "$PROMETHEUS_CONFIG" >/dev/null || die "prometheus: invalid $PROMETHEUS_CONFIG"
  fi
  mkdir -p "$PROMETHEUS_DATA"
  local extra=()
  [[ ${AUTOSHIFT_PROMETHEUS_LIFECYCLE:-0} == 1 ]] && extra+=(--web.enable-lifecycle)
  pid=$(start_detached prometheus "$bin" \
    --config.file="$PROMETHEUS_CONFIG" \
    --storage.tsdb.path="$PROMETHEUS_DATA" \
    --storage.tsdb.retention.time=15d \
    --web.listen-address="$BIND_HOST:$PROMETHEUS_PORT" \
    "${extra[@]}" \
    --log.level=warn)
  log "prometheus: started pid $pid, waiting for http://$BIND_HOST:$PROMETHEUS_PORT/-/ready"
  WAIT_PID=$pid wait_until "$START_TIMEOUT" "prometheus /-/ready" health_prometheus \
    || on_start_failure prometheus
}

installed() { "${1}_installed"; }

main() {
  local svc pid t0 start=$SECONDS args=()
  for svc in "$@"; do
    case $svc in
      --prometheus-lifecycle) AUTOSHIFT_PROMETHEUS_LIFECYCLE=1 ;;
      --kafka-auth) AUTOSHIFT_KAFKA_AUTH=scram; KAFKA_AUTH=scram ;;
      -*) die "unknown option '$svc' (expected --prometheus-lifecycle or --kafka-auth)" ;;
      *) args+=("$svc") ;;
    esac
  done
  set -- "${args[@]}"
  take_lock state
  local services
  services=$(parse_services "$@")
  local missing=()
  for svc in $services; do installed "$svc" || missing+=("$svc"); done
  if ((${#missing[@]})); then
    "$INFRA_DIR/install.sh" "${missing[@]}"
  fi
  for svc in $services; do
    if pid=$(service_pid "$svc"); then
      log "$svc: already running (pid $pid)"
      continue
    fi
    check_ports_free "$svc"
    t0=$SECONDS
    "start_$svc"
    log "$svc: up in $((SECONDS - t0))s (pid $(service_pid "$svc"), log $(service_log "$svc"))"
  done
  log "up: ${services//$'\n'/ } ready in $((SECONDS - start))s"
}

main "$@"
