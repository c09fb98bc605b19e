#!/usr/bin/env bash
# The whole test suite against real PostgreSQL, Redis, RabbitMQ, Kafka and S3Proxy on loopback.
# Usage: ./scripts/test.sh [jest arguments…]   e.g. ./scripts/test.sh --selectProjects unit
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"

say "type-checking"
npx tsc --noEmit -p tsconfig.json

say "testing the Prometheus alert rules"
# Before jest, so that jest's summary stays the last thing printed; promtool's own output only on failure.
promtool="$("$(dirname "${BASH_SOURCE[0]}")/promtool.sh")"
if ! rules_output="$("$promtool" test rules ops/prometheus/*.test.yml 2>&1)"; then
  printf '%s\n' "$rules_output" >&2
  exit 1
fi

say "running jest"
# The infrastructure is up already; the jest global set-up only prepares the template database.
BRIDGE_TEST_SKIP_INFRA=1 npx jest --ci "$@"
