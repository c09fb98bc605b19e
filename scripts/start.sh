#!/usr/bin/env bash
# Runs the bridge in the foreground on a fresh clone: dependencies, local infrastructure, migrations, service.
# Without META_GRAPH_URL it runs in sandbox mode (built-in Meta and Genesys simulators, a demo tenant).
# Stop it with Ctrl-C; stop Kafka and S3Proxy afterwards with scripts/infra/down.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"

if [ -z "${META_GRAPH_URL:-}" ]; then
  # Sandbox secrets are made once and kept in the git-ignored cache, so a restart keeps the same demo tenant.
  sandbox_env=.cache/sandbox.env
  if [ ! -f "$sandbox_env" ]; then
    mkdir -p .cache
    {
      echo "CREDENTIALS_KEY=$(openssl rand -base64 32)"
      echo "ADMIN_TOKEN=$(openssl rand -hex 24)"
      echo "META_APP_SECRET=$(openssl rand -hex 16)"
      echo "META_VERIFY_TOKEN=$(openssl rand -hex 8)"
      echo "SANDBOX_WEBHOOK_SECRET=$(openssl rand -hex 16)"
      echo "SANDBOX_WHATSAPP_TOKEN=$(openssl rand -hex 16)"
      echo "SANDBOX_GENESYS_CLIENT_SECRET=$(openssl rand -hex 16)"
    } >"$sandbox_env"
    chmod 600 "$sandbox_env"
  fi
  # Split at the first '=' only: base64 values end in '='.
  while IFS= read -r line; do
    name=${line%%=*}
    [ -z "${!name+x}" ] && export "$line"
  done <"$sandbox_env"
  say "sandbox mode: META_GRAPH_URL is not set, so Meta and Genesys are simulated on loopback"
fi

say "building"
npm run --silent build
say "starting the bridge on http://${HOST:-127.0.0.1}:${PORT:-3000} (Ctrl-C stops it)"
if [ -t 1 ]; then
  # A person is watching: readable lines. Pipes and files get the JSON lines as they are.
  node dist/cli/main.js serve "$@" | node_modules/.bin/pino-pretty --translateTime SYS:HH:MM:ss.l --ignore pid,hostname,service
else
  exec node dist/cli/main.js serve "$@"
fi
