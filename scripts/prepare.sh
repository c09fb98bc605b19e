#!/usr/bin/env bash
# Shared first half of start.sh and test.sh: dependencies installed, .env loaded, local infrastructure up.
# Sourced, not run: the caller keeps the exported environment.

ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT_DIR"

say() { printf '[bridge] %s\n' "$*"; }

# npm ci when node_modules is missing or older than the lock file (a pull that changed dependencies).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Every variable can come from the environment or a .env file; the environment wins.
if [ -f .env ]; then
  say "loading .env"
  # Split at the first '=' only: base64 values end in '='.
  while IFS= read -r line; do
    name=${line%%=*}
    [ -z "${!name+x}" ] && export "$line"
  done < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' .env)
fi

# PostgreSQL, Redis, RabbitMQ when installed (else docker compose when a Docker engine runs), Kafka and S3Proxy.
if ! bash scripts/infra/up.sh; then
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    say "starting PostgreSQL, Redis and RabbitMQ with docker compose"
    docker compose up -d --wait postgres redis rabbitmq
    bash scripts/infra/up.sh
  else
    say "local infrastructure is not complete: see the lines above"
    exit 1
  fi
fi
