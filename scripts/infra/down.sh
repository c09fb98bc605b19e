#!/usr/bin/env bash
# Stops the Kafka broker and S3Proxy started by up.sh (in parallel). It never stops the
# machine's PostgreSQL, Redis or RabbitMQ. Data under the cache folder is kept.
set -euo pipefail
LOG_TAG=down
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/lib.sh"

failed=()
"$INFRA_DIR/kafka.sh" stop &
kafka_pid=$!
"$INFRA_DIR/s3proxy.sh" stop &
s3proxy_pid=$!
wait "$kafka_pid" || failed+=(kafka)
wait "$s3proxy_pid" || failed+=(s3proxy)

if ((${#failed[@]})); then
  printf '[%s] FAILED to stop: %s\n' "$LOG_TAG" "${failed[*]}" >&2
  exit 1
fi
log "kafka and s3proxy stopped (postgresql, redis and rabbitmq left running)"
