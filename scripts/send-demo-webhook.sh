#!/usr/bin/env bash
# Sandbox mode: sends a signed Genesys Open Messaging webhook to the running bridge for the demo conversation.
# Usage: ./scripts/send-demo-webhook.sh ["message text"]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -f .cache/sandbox.env ] || { echo "no sandbox yet: run ./scripts/start.sh first" >&2; exit 1; }
set -a
# shellcheck disable=SC1091
source .cache/sandbox.env
set +a
exec npx tsx scripts/send-demo-webhook.ts "$@"
