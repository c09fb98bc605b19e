#!/usr/bin/env bash
# Makes sure PostgreSQL, Redis and RabbitMQ answer. For each one:
#   reachable                -> say so, touch nothing
#   local, installed, down   -> start it (never stops anything, ever)
#   not installed / remote   -> one line saying what to do
#
# Targets come from DATABASE_URL / REDIS_URL / AMQP_URL when set (only host and port are
# used), else loopback with the default ports. Only loopback targets are ever started.
# Exit status: 0 when all three answer, 1 otherwise.
set -euo pipefail
LOG_TAG=services
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/lib.sh"

# url_host_port URL DEFAULT_PORT -> "host port" (userinfo, path and query dropped; [v6] ok)
url_host_port() {
  local url="$1" default_port="$2" rest host port
  rest="${url#*://}"
  rest="${rest%%/*}"
  rest="${rest%%\?*}"
  rest="${rest##*@}"
  if [[ "$rest" == \[* ]]; then
    host="${rest%%]*}"
    host="${host#[}"
    port="${rest#*]}"
    port="${port#:}"
  elif [[ "$rest" == *:* ]]; then
    host="${rest%%:*}"
    port="${rest##*:}"
  else
    host="$rest"
    port=""
  fi
  echo "${host:-127.0.0.1} ${port:-$default_port}"
}

is_loopback() {
  [[ "$1" == 127.* || "$1" == localhost || "$1" == ::1 ]]
}

# wait_until SECONDS CMD...: poll CMD every 0.5 s until it succeeds or time runs out.
wait_until() {
  local limit="$1" i
  shift
  for ((i = 0; i < limit * 2; i++)); do
    "$@" && return 0
    sleep 0.5
  done
  "$@"
}

FAILED=()
fail() {
  FAILED+=("$1")
}

# --- PostgreSQL ----------------------------------------------------------------------------
read -r PG_HOST PG_PORT <<<"$(url_host_port "${DATABASE_URL:-}" 5432)"
pg_up() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
  else
    port_open "$PG_HOST" "$PG_PORT"
  fi
}
postgres() {
  LOG_TAG=postgres
  if pg_up; then
    log "reachable on $PG_HOST:$PG_PORT"
    return 0
  fi
  if ! is_loopback "$PG_HOST"; then
    warn "not reachable on $PG_HOST:$PG_PORT (remote host: not started from here)"
    return 1
  fi
  local version
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)"
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ -z "$version" ]]; then
    warn "not reachable on $PG_HOST:$PG_PORT and not installed: apt-get install postgresql-15 (trust auth for 127.0.0.1), or use 'docker compose up -d postgres'"
    return 1
  fi
  log "not reachable on $PG_HOST:$PG_PORT; starting cluster $version/main"
  log "log: /var/log/postgresql/postgresql-$version-main.log"
  if ! pg_ctlcluster --skip-systemctl-redirect "$version" main start; then
    warn "pg_ctlcluster $version main start failed; see /var/log/postgresql/postgresql-$version-main.log"
    return 1
  fi
  if wait_until 30 pg_up; then
    log "started; reachable on $PG_HOST:$PG_PORT"
  else
    warn "started cluster $version/main but nothing answers on $PG_HOST:$PG_PORT (different port in postgresql.conf?)"
    return 1
  fi
}

# --- Redis ---------------------------------------------------------------------------------
read -r REDIS_HOST REDIS_PORT <<<"$(url_host_port "${REDIS_URL:-}" 6379)"
redis_up() {
  local out
  if command -v redis-cli >/dev/null 2>&1; then
    if [[ -n "${REDIS_URL:-}" ]]; then
      out="$(timeout 3 redis-cli -u "$REDIS_URL" ping 2>/dev/null || true)"
    else
      out="$(timeout 3 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null || true)"
    fi
    # NOAUTH still proves a Redis answers; the bridge will authenticate with its URL.
    [[ "$out" == *PONG* || "$out" == *NOAUTH* ]]
  else
    port_open "$REDIS_HOST" "$REDIS_PORT"
  fi
}
redis() {
  LOG_TAG=redis
  if redis_up; then
    log "reachable on $REDIS_HOST:$REDIS_PORT"
    return 0
  fi
  if ! is_loopback "$REDIS_HOST"; then
    warn "not reachable on $REDIS_HOST:$REDIS_PORT (remote host: not started from here)"
    return 1
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    warn "not reachable on $REDIS_HOST:$REDIS_PORT and not installed: apt-get install redis-server, or use 'docker compose up -d redis'"
    return 1
  fi
  local logfile=/var/log/redis/ci.log
  mkdir -p /var/log/redis /var/lib/redis 2>/dev/null || true
  log "not reachable on $REDIS_HOST:$REDIS_PORT; starting redis-server (no persistence)"
  log "log: $logfile"
  if ! redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile "$logfile"; then
    warn "redis-server failed to start; see $logfile"
    return 1
  fi
  if wait_until 15 redis_up; then
    log "started; reachable on $REDIS_HOST:$REDIS_PORT"
  else
    warn "redis-server started but does not answer on $REDIS_HOST:$REDIS_PORT; see $logfile"
    return 1
  fi
}

# --- RabbitMQ ------------------------------------------------------------------------------
read -r AMQP_HOST AMQP_PORT <<<"$(url_host_port "${AMQP_URL:-}" 5672)"
amqp_up() {
  port_open "$AMQP_HOST" "$AMQP_PORT"
}
rabbitmq() {
  LOG_TAG=rabbitmq
  if amqp_up; then
    log "reachable on $AMQP_HOST:$AMQP_PORT"
    return 0
  fi
  if ! is_loopback "$AMQP_HOST"; then
    warn "not reachable on $AMQP_HOST:$AMQP_PORT (remote host: not started from here)"
    return 1
  fi
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    warn "not reachable on $AMQP_HOST:$AMQP_PORT and not installed: apt-get install rabbitmq-server, or use 'docker compose up -d rabbitmq'"
    return 1
  fi
  log "not reachable on $AMQP_HOST:$AMQP_PORT; starting rabbitmq-server -detached (up to 60 s)"
  log "log: /var/log/rabbitmq/ (rabbit@<hostname>.log)"
  if ! rabbitmq-server -detached; then
    warn "rabbitmq-server -detached failed; see /var/log/rabbitmq/"
    return 1
  fi
  if wait_until 60 amqp_up; then
    log "started; reachable on $AMQP_HOST:$AMQP_PORT"
  else
    warn "rabbitmq-server started but $AMQP_HOST:$AMQP_PORT does not answer after 60 s; see /var/log/rabbitmq/"
    return 1
  fi
}

postgres || fail postgresql
redis || fail redis
rabbitmq || fail rabbitmq

LOG_TAG=services
if ((${#FAILED[@]})); then
  warn "not available: ${FAILED[*]}"
  exit 1
fi
log "postgresql, redis and rabbitmq are all reachable"
