#!/usr/bin/env bash
# Runs the bridge in the foreground on a fresh clone: dependencies, local infrastructure, migrations, service.
# Without META_GRAPH_URL (environment or .env) it asks for sandbox mode, `serve --sandbox`: built-in Meta and
# Genesys simulators, a demo tenant, secrets made afresh at each start. The bridge itself never guesses it.
# Stop it with Ctrl-C; stop Kafka and S3Proxy afterwards with scripts/infra/down.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Decided before anything else runs, so that the mode is the first line printed. The environment wins over .env,
# as in prepare.sh.
meta_graph_url=${META_GRAPH_URL:-}
if [ -z "${META_GRAPH_URL+x}" ] && [ -f .env ]; then
  meta_graph_url=$(grep -E '^META_GRAPH_URL=' .env | head -n 1 | cut -d= -f2- || true)
fi
serve_args=()
if [ -z "$meta_graph_url" ]; then
  serve_args=(--sandbox)
  printf '[bridge] %s\n' "sandbox mode: META_GRAPH_URL is not set, so Meta and Genesys are simulated on loopback" \
    "(serve --sandbox: a demo tenant, nothing reaches WhatsApp; set META_GRAPH_URL to run for real)"
else
  printf '[bridge] %s\n' "Meta Graph API at $meta_graph_url (META_GRAPH_URL)"
fi

source scripts/prepare.sh

if [ ${#serve_args[@]} -gt 0 ]; then
  # CREDENTIALS_KEY seals the stored credentials, so it is made once per checkout and kept: a new one would orphan
  # them. Every other sandbox secret is made by the bridge at each start and never kept here (files written by
  # older versions held some: they are dropped by the rewrite).
  sandbox_env=.cache/sandbox.env
  key=$(grep -E '^CREDENTIALS_KEY=' "$sandbox_env" 2>/dev/null | head -n 1 | cut -d= -f2- || true)
  [ -n "$key" ] || key=$(openssl rand -base64 32)
  mkdir -p .cache
  rm -f "$sandbox_env.tmp"
  (umask 077 && printf 'CREDENTIALS_KEY=%s\n' "$key" >"$sandbox_env.tmp")
  mv "$sandbox_env.tmp" "$sandbox_env"
  [ -n "${CREDENTIALS_KEY:-}" ] || export CREDENTIALS_KEY="$key"
fi

say "building"
npm run --silent build
say "starting the bridge on http://${HOST:-127.0.0.1}:${PORT:-3000} (Ctrl-C stops it)"
if [ -t 1 ]; then
  # A person is watching: readable lines. Pipes and files get the JSON lines as they are.
  node dist/cli/main.js serve ${serve_args[@]+"${serve_args[@]}"} "$@" | node_modules/.bin/pino-pretty --translateTime SYS:HH:MM:ss.l --ignore pid,hostname,service
else
  exec node dist/cli/main.js serve ${serve_args[@]+"${serve_args[@]}"} "$@"
fi
