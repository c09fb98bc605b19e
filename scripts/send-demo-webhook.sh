#!/usr/bin/env bash
# Sandbox mode: sends a signed Genesys Open Messaging webhook to the running bridge for the demo conversation, with
# the secret the sandbox generated at its last start (it writes them to .cache/sandbox/secrets.env, mode 600).
# Usage: ./scripts/send-demo-webhook.sh ["message text"]         (an agent message to the demo customer)
#        ./scripts/send-demo-webhook.sh --inbound ["message text"] (the demo customer writes; the echo agent answers)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secrets=${BRIDGE_SANDBOX_DIR:-.cache/sandbox}/secrets.env
[ -f "$secrets" ] || { echo "no sandbox secrets in $secrets: start the sandbox first (./scripts/start.sh)" >&2; exit 1; }
set -a
# shellcheck disable=SC1090
source "$secrets"
set +a
exec npx tsx scripts/send-demo-webhook.ts "$@"
