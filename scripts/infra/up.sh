#!/usr/bin/env bash
# Brings up everything the bridge's integration tests need on this machine, without Docker:
#   1. services.sh: PostgreSQL, Redis, RabbitMQ (checked; started only if installed and down)
#   2. kafka.sh start and s3proxy.sh start, in parallel
# Safe to run again: whatever already answers is left alone. Exit status 1 if anything failed.
set -euo pipefail
LOG_TAG=up
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/lib.sh"

t0=$SECONDS
failed=()

"$INFRA_DIR/services.sh" || failed+=("postgresql/redis/rabbitmq (see above)")

"$INFRA_DIR/kafka.sh" start &
kafka_pid=$!
"$INFRA_DIR/s3proxy.sh" start &
s3proxy_pid=$!
wait "$kafka_pid" || failed+=("kafka (log: $CACHE_DIR/kafka/kafka.log)")
wait "$s3proxy_pid" || failed+=("s3proxy (log: $CACHE_DIR/s3proxy/s3proxy.log)")

if ((${#failed[@]})); then
  for f in "${failed[@]}"; do
    printf '[%s] FAILED: %s\n' "$LOG_TAG" "$f" >&2
  done
  exit 1
fi

log "all up in $((SECONDS - t0))s"
log "  KAFKA_BROKERS=127.0.0.1:${KAFKA_PORT:-9092}   log: $CACHE_DIR/kafka/kafka.log"
log "  S3_ENDPOINT=http://127.0.0.1:${S3_PORT:-9000}   log: $CACHE_DIR/s3proxy/s3proxy.log"
log "  S3_ACCESS_KEY=${S3_ACCESS_KEY:-bridge-local}  S3_REGION=us-east-1 (path-style; create buckets before use)"
log "stop Kafka and S3Proxy with scripts/infra/down.sh"
