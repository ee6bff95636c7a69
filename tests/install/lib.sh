# Shared by the package and install tests (tests/install/*): source it; it defines functions
# only. Everything a test starts listens on 127.0.0.1 and ends with the test (rdk_t_cleanup).
# shellcheck shell=bash

rdk_t_fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
rdk_t_pass() { printf 'ok: %s\n' "$*"; }
rdk_t_step() { printf -- '--- %s\n' "$*"; }

RDK_T_PIDS=()
RDK_T_DATABASES=()
RDK_T_ROLES=()

# Ends what the test started: its processes (by the ids it recorded), databases and logins.
rdk_t_cleanup() {
  local pid
  for pid in "${RDK_T_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${RDK_T_PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  local db role
  for db in "${RDK_T_DATABASES[@]}"; do
    psql -q "$RDK_TEST_PG_URL" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  for role in "${RDK_T_ROLES[@]}"; do
    psql -q "$RDK_TEST_PG_URL" -c "DROP ROLE IF EXISTS \"$role\"" >/dev/null 2>&1 || true
  done
}

rdk_t_token() { head -c 32 /dev/urandom | base64 | tr -dc 'a-z0-9' | head -c "${1:-10}"; }

# A free TCP port on loopback (below Linux's ephemeral range, like scripts/lib/common.sh).
rdk_t_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 12000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  rdk_t_fail "no free port"
}

# rdk_t_build_debs BUILD_DIR OUT_DIR: the packages, as scripts/package makes them, from the
# binaries that BUILD_DIR already holds (no rebuild).
rdk_t_build_debs() {
  local build=$1 out=$2
  [ -f "$build/CPackConfig.cmake" ] || rdk_t_fail "$build has no CPackConfig.cmake"
  mkdir -p "$out"
  local start=$SECONDS
  cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out" >"$out/cpack.log" 2>&1 \
    || { cat "$out/cpack.log" >&2; rdk_t_fail "cpack failed"; }
  rm -rf "$out/_CPack_Packages"
  printf 'built the packages in %ss:\n' $(( SECONDS - start ))
  (cd "$out" && ls -l -- *.deb | awk '{printf "  %-34s %8d bytes\n", $9, $5}')
}

# rdk_t_extract OUT_DIR ROOT: every package's files under ROOT, a folder that is not this
# machine's root (maintainer scripts do not run).
rdk_t_extract() {
  local out=$1 root=$2 deb
  mkdir -p "$root"
  for deb in "$out"/*.deb; do dpkg-deb -x "$deb" "$root"; done
}

# rdk_t_database: a new database on the test cluster, recorded for rdk_t_cleanup; sets
# RDK_T_DB_URL to its owner URL. Call it directly, not in $(...).
rdk_t_database() {
  [ -n "${RDK_TEST_PG_URL:-}" ] || rdk_t_fail "RDK_TEST_PG_URL is not set (scripts/test starts the test PostgreSQL)"
  local name
  name=rdk_pkg_$(rdk_t_token 10)
  psql -q -v ON_ERROR_STOP=1 "$RDK_TEST_PG_URL" -c "CREATE DATABASE \"$name\"" >/dev/null \
    || rdk_t_fail "can't create a database on the test cluster"
  RDK_T_DATABASES+=("$name")
  # The maintenance URL with the new database's name in place of the last path part.
  RDK_T_DB_URL="${RDK_TEST_PG_URL%/*}/$name"
}

# rdk_t_url_with_login URL LOGIN PASSWORD: URL with its credentials replaced.
rdk_t_url_with_login() {
  local url=$1 login=$2 password=$3
  echo "postgresql://$login:$password@${url#*@}"
}

# rdk_t_start_sync BINARY LOG ENV...: starts rdk-sync with exactly ENV (env -i), waits for its
# "listening on" line and sets RDK_T_SYNC_PORT. Call it directly, not in $(...): the process is
# recorded for rdk_t_cleanup, and also gets SIGTERM if this script dies first (parent-death signal).
rdk_t_start_sync() {
  local binary=$1 log=$2; shift 2
  : >"$log"  # exists before the first look at it below
  env -i PATH=/usr/bin:/bin RDK_ENV_FILE=/dev/null PGGSSENCMODE=disable "$@" \
    setpriv --pdeathsig TERM -- "$binary" >"$log" 2>&1 &
  local pid=$!
  RDK_T_PIDS+=("$pid")
  RDK_T_SYNC_PORT=
  for _ in $(seq 1 200); do
    if grep -q '^listening on ' "$log"; then
      RDK_T_SYNC_PORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$log" | head -1)
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; rdk_t_fail "rdk-sync exited at start"; }
    sleep 0.1
  done
  cat "$log" >&2
  rdk_t_fail "rdk-sync did not start listening within 20 s"
}

# rdk_t_webhook_signature SECRET TIMESTAMP BODY: Stripe's v1 signature (HMAC-SHA256 keyed with
# the whole secret over "t.body", lowercase hex), as the official libraries compute it.
rdk_t_webhook_signature() {
  printf '%s.%s' "$2" "$3" | openssl dgst -sha256 -hmac "$1" -r | cut -d' ' -f1
}

# rdk_t_stop PID: SIGTERM, then waits up to 10 s for the process to end (SIGKILL after that),
# and takes it off RDK_T_PIDS. For a process that must end before the test does (a restart).
rdk_t_stop() {
  local pid=$1 p kept=()
  for p in "${RDK_T_PIDS[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  RDK_T_PIDS=("${kept[@]}")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# rdk_t_env_lines FILE: the KEY=value lines of an env file as systemd's EnvironmentFile= reads
# them (comments and blank lines skipped, one pair of surrounding double quotes removed).
rdk_t_env_lines() {
  grep -E '^[A-Z_][A-Z0-9_]*=' "$1" | sed -E 's/^([A-Z0-9_]+)="(.*)"$/\1=\2/'
}

# rdk_t_start_sandbox BINARY LOG: the Stripe sandbox (development only, in no package) on a free
# loopback port, for at most 170 s (timeout) and ended with the test (recorded, parent-death
# signal); waits for its "listening on" line and sets RDK_T_SANDBOX_URL. Call it directly.
rdk_t_start_sandbox() {
  local binary=$1 log=$2
  : >"$log"
  env -i PATH=/usr/bin:/bin RDK_ENV_FILE=/dev/null RDK_LOG_LEVEL=warn SANDBOX_LISTEN=127.0.0.1:0 \
    SANDBOX_RETRY_BASE_MS=100 STRIPE_WEBHOOK_SECRET=whsec_sandbox_default_unused \
    setpriv --pdeathsig TERM -- timeout 170 "$binary" >"$log" 2>&1 </dev/null &
  local pid=$!
  RDK_T_PIDS+=("$pid")
  RDK_T_SANDBOX_URL=
  for _ in $(seq 1 100); do
    if grep -q '^listening on ' "$log"; then
      RDK_T_SANDBOX_URL=http://127.0.0.1:$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$log" | head -1)
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; rdk_t_fail "rdk-stripe-sandbox exited at start"; }
    sleep 0.1
  done
  cat "$log" >&2
  rdk_t_fail "rdk-stripe-sandbox did not start listening within 10 s"
}
