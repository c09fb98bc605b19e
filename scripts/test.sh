#!/usr/bin/env bash
# The whole test suite against real PostgreSQL, Redis, RabbitMQ, Kafka and S3Proxy on loopback.
# Usage: ./scripts/test.sh [jest arguments…]   e.g. ./scripts/test.sh --selectProjects unit
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"

say "type-checking"
npx tsc --noEmit -p tsconfig.json

say "running jest"
# The infrastructure is up already; the jest global set-up only prepares the template database.
BRIDGE_TEST_SKIP_INFRA=1 npx jest --ci "$@"
