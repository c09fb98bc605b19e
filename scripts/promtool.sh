#!/usr/bin/env bash
# Prints the path of a promtool: the one on PATH, or one unpacked from Debian's `prometheus` package into
# .cache/promtool (only the binary is used: nothing is installed, no Prometheus daemon is started).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cached="$root/.cache/promtool/usr/bin/promtool"

if command -v promtool >/dev/null 2>&1; then
  command -v promtool
  exit 0
fi
if [ -x "$cached" ]; then
  echo "$cached"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# apt-get download needs the package lists; refresh them once if the package is unknown.
(cd "$work" && apt-get download prometheus >/dev/null 2>&1) ||
  (apt-get update -qq >/dev/null 2>&1 && cd "$work" && apt-get download prometheus >/dev/null 2>&1) || {
  echo "promtool is missing and Debian's prometheus package could not be downloaded" >&2
  exit 1
}
mkdir -p "$root/.cache/promtool"
dpkg-deb -x "$work"/prometheus_*.deb "$work/unpacked"
install -D -m 0755 "$work/unpacked/usr/bin/promtool" "$cached"
echo "$cached"
