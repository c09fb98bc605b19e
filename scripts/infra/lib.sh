# shellcheck shell=bash
# Shared helpers for scripts/infra/*.sh. Source it; do not run it.
#
#   INFRA_DIR   this folder (absolute)
#   REPO_ROOT   the repository root (absolute)
#   CACHE_DIR   ${BRIDGE_CACHE_DIR:-<repo>/.cache}, absolute, created on demand (git-ignored)

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$INFRA_DIR/../.." && pwd -P)"
CACHE_DIR="${BRIDGE_CACHE_DIR:-$REPO_ROOT/.cache}"
mkdir -p "$CACHE_DIR"
CACHE_DIR="$(cd "$CACHE_DIR" && pwd -P)"
export INFRA_DIR REPO_ROOT CACHE_DIR

# Each script sets LOG_TAG (kafka, s3proxy, services...) before logging.
LOG_TAG="${LOG_TAG:-infra}"

log() { printf '[%s] %s\n' "$LOG_TAG" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$LOG_TAG" "$*" >&2; }
die() {
  printf '[%s] ERROR: %s\n' "$LOG_TAG" "$*" >&2
  exit 1
}

require_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || die "'$c' is not installed (needed by $(basename "$0"))"
  done
}

# port_open HOST PORT: true when something accepts a TCP connection there (1 s timeout).
port_open() {
  timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" >/dev/null 2>&1
}

# tail_log_and_die LOGFILE MESSAGE...: print the last 40 lines of LOGFILE, then exit 1.
tail_log_and_die() {
  local logfile="$1"
  shift
  printf '[%s] ERROR: %s\n' "$LOG_TAG" "$*" >&2
  if [[ -s "$logfile" ]]; then
    printf '[%s] ---- last 40 lines of %s ----\n' "$LOG_TAG" "$logfile" >&2
    tail -n 40 "$logfile" >&2
    printf '[%s] ---- end of %s ----\n' "$LOG_TAG" "$logfile" >&2
  else
    printf '[%s] (log %s is empty or missing)\n' "$LOG_TAG" "$logfile" >&2
  fi
  exit 1
}

# fetch_libs PROFILE DEST: copy the runtime classpath of pom.xml's PROFILE into DEST,
# only when DEST is not complete yet. Copies into a scratch folder first and renames it,
# so an interrupted download never looks like a finished one.
fetch_libs() {
  local profile="$1" dest="$2"
  if [[ -f "$dest/.complete" ]]; then
    return 0
  fi
  require_cmd mvn java
  local tmp="$dest.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$(dirname "$dest")"
  log "fetching $profile jars from Maven Central into $dest (first run only)..."
  # Maven 3.8 prints bare ANSI resets even in batch mode; strip them (and blank lines).
  if ! mvn -q -B -Dstyle.color=never -f "$INFRA_DIR/pom.xml" -P"$profile" \
    -Dinfra.build.dir="$CACHE_DIR/maven-target/$profile" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1 |
    sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d'; then
    rm -rf "$tmp"
    die "maven could not fetch the $profile jars (is Maven Central reachable? see the output above)"
  fi
  date -u +%FT%TZ >"$tmp/.complete"
  rm -rf "$dest"
  mv "$tmp" "$dest"
  log "fetched $(find "$dest" -name '*.jar' | wc -l) jars into $dest"
}

# lock_or_die LOCKFILE: serialise start/stop of one service across concurrent callers (e.g.
# parallel test workers all running up.sh). Holds fd 9 until the calling script exits;
# start_background closes fd 9 so the long-running child does not inherit the lock.
lock_or_die() {
  local lockfile="$1"
  mkdir -p "$(dirname "$lockfile")"
  exec 9>"$lockfile"
  if ! flock -w 180 9; then
    die "another start/stop has held $lockfile for 180 s; giving up"
  fi
}

# pid_running PIDFILE PATTERN: true when the pid in PIDFILE is alive and its command line
# contains PATTERN (guards against a stale pid file whose pid was reused).
pid_running() {
  local pidfile="$1" pattern="$2" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern"
}

# start_background LOGFILE PIDFILE CMD...: start CMD detached from this terminal
# (own session, stdin closed, output appended to LOGFILE) and record its pid.
start_background() {
  local logfile="$1" pidfile="$2"
  shift 2
  mkdir -p "$(dirname "$logfile")" "$(dirname "$pidfile")"
  printf '\n==== %s starting: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$logfile"
  # In a non-interactive shell a background job is not a process-group leader, so setsid
  # execs in place and $! is the pid of CMD itself.
  nohup setsid "$@" >>"$logfile" 2>&1 </dev/null 9>&- &
  echo "$!" >"$pidfile"
}

# stop_pidfile NAME PIDFILE PATTERN: SIGTERM, wait up to 30 s for the exit, then SIGKILL.
stop_pidfile() {
  local name="$1" pidfile="$2" pattern="$3" pid i
  if ! pid_running "$pidfile" "$pattern"; then
    rm -f "$pidfile"
    log "$name is not running (no live pid in $pidfile)"
    return 0
  fi
  pid="$(cat "$pidfile")"
  log "stopping $name (pid $pid, SIGTERM)..."
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name (pid $pid) still alive after 30 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$pidfile"
  log "$name stopped"
}
