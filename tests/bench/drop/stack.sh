# shellcheck shell=bash disable=SC2154,SC2034  # sourced: the scripts set out, started_at, ... and read what it sets
# The storefront as a drop meets it, for tests/bench/run-drop-bench and run-checkout-bench:
# a throwaway PostgreSQL (fsync off), the Stripe sandbox answering its API after
# $sandbox_latency_ms (Stripe's time, played), rdk-sync on loopback, and Caddy with the product's
# own resources/caddy/Caddyfile in front (the edge every shopper and every webhook passes).
# Source it after scripts/lib/common.sh, with RDK_ROOT, $out and $build_dir set; it defines
# functions and sets traps. Not a test: nothing here passes or fails.

bench_src=$RDK_ROOT/tests/bench
drop_src=$bench_src/drop
artillery_version=2.0.21   # the last release that runs on Debian 12's Node.js 18 (2.0.22+ want 22)
tools_dir=${RDK_BENCH_TOOLS:-$build_dir/drop-tools}

work=$(mktemp -d /tmp/rdk-dropbench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_pid "${pids[$i]}"; done
  rdk_pg_stop "$work/pg"
  rm -rf "$work"
  exit $status
}
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
trap cleanup EXIT INT TERM
trap 'rdk_say "failed at line $LINENO: $BASH_COMMAND"' ERR

mkdir -p "$out"
log=$out/details.log
: >"$log"
note() { printf '%s\n' "$*" >>"$log"; }
rows=$out/table.tsv
: >"$rows"
row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$rows"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# ---------------------------------------------------------------------------------------------
# Tools and binaries
# ---------------------------------------------------------------------------------------------
# Artillery (npm, pinned) into build-bench/drop-tools: test tooling only, never part of the
# product's build or run. Offline-safe: nothing is fetched when the pinned version is there.
ensure_artillery() {
  # Debian's nodejs and npm, unless a Node.js that brings its own npm is there already.
  if command -v node >/dev/null && command -v npm >/dev/null; then rdk_ensure_packages caddy python3
  else rdk_ensure_packages nodejs npm caddy python3; fi
  local have=""
  [ -f "$tools_dir/node_modules/artillery/package.json" ] \
    && have=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$tools_dir/node_modules/artillery/package.json")
  if [ "$have" != "$artillery_version" ]; then
    rdk_say "installing Artillery $artillery_version from npm into ${tools_dir#$RDK_ROOT/} (test tooling only)"
    mkdir -p "$tools_dir"
    printf '{ "name": "rdk-drop-tools", "private": true, "description": "load tool of tests/bench/run-drop-bench (not part of the product)" }\n' \
      >"$tools_dir/package.json"
    # --ignore-scripts: no install script runs (and none downloads anything).
    (cd "$tools_dir" && npm install --no-audit --no-fund --ignore-scripts --save-exact "artillery@$artillery_version") \
      >"$out/npm-install.log" 2>&1 || { tail -20 "$out/npm-install.log" >&2; rdk_die "npm install artillery failed"; }
  fi
  artillery=$tools_dir/node_modules/.bin/artillery
  [ -x "$artillery" ] || rdk_die "Artillery is missing from $tools_dir"
}

build_binaries() {
  if [ ! -f "$build_dir/build.ninja" ]; then
    rdk_say "configuring a Release build in ${build_dir#$RDK_ROOT/}"
    cmake -S "$RDK_ROOT" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  local build_type; build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
  [ "$build_type" = Release ] || rdk_say "warning: ${build_dir#$RDK_ROOT/} is a '$build_type' build; figures are meant for Release"
  rdk_say "building rdk-sync, rdk-admin and rdk-stripe-sandbox (only what changed)"
  cmake --build "$build_dir" -j "$(nproc)" --target rdk-sync rdk-admin rdk-stripe-sandbox >"$build_dir/bench-build.log" 2>&1 \
    || { tail -30 "$build_dir/bench-build.log" >&2; rdk_die "build failed (log: $build_dir/bench-build.log)"; }
  admin=$build_dir/app/admin/rdk-admin
  sync_bin=$build_dir/app/sync/rdk-sync
  sandbox_bin=$build_dir/app/stripe-sandbox/rdk-stripe-sandbox
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL, schema, shop, service login
# ---------------------------------------------------------------------------------------------
start_database() {
  pg_port=$(rdk_free_port)
  rdk_random_secret 32 >"$work/superuser.pass"
  rdk_say "starting a throwaway PostgreSQL on 127.0.0.1:$pg_port"
  rdk_pg_init "$work/pg" "$work/superuser.pass"
  # shellcheck disable=SC2086
  rdk_pg_start "$work/pg" "$pg_port" "$work/pg.log" fsync=off full_page_writes=off max_connections=200 shared_buffers=256MB \
    ${RDK_BENCH_PG_SETTINGS:-}
  owner_pass=$(rdk_random_secret 24)
  su_psql -c "CREATE ROLE rdk_owner LOGIN CREATEROLE CREATEDB PASSWORD '$owner_pass'" \
          -c "CREATE DATABASE rdk_bench OWNER rdk_owner" >/dev/null
  owner_url="postgresql://rdk_owner:$owner_pass@127.0.0.1:$pg_port/rdk_bench"
  export RDK_ENV_FILE=/dev/null
  DATABASE_URL=$owner_url "$admin" migrate up >>"$log"
  DATABASE_URL=$owner_url "$admin" tenant create bench --name "Bench Kickz" --currency USD >>"$log"
  sync_pass=$(rdk_random_secret 24)
  echo "$sync_pass" | DATABASE_URL=$owner_url "$admin" service create sync_bench --tenant bench >>"$log"
}
su_psql() { PGPASSWORD=$(cat "$work/superuser.pass") psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres "$@"; }
owner_psql() { psql -X -q -v ON_ERROR_STOP=1 "$owner_url" "$@"; }
postmaster_pid() { sed -n 1p "$work/pg/postmaster.pid"; }

# An ops login of the shop, as the owner of a shop would use rdk-desk or psql (for rdk.set_release).
create_ops_login() {
  ops_pass=$(rdk_random_secret 24)
  echo "$ops_pass" | DATABASE_URL=$owner_url "$admin" staff create bench_ops --tenant bench --role ops >>"$log" 2>&1 \
    || rdk_die "rdk-admin staff create failed (see details.log)"
  ops_url="postgresql://bench_ops:$ops_pass@127.0.0.1:$pg_port/rdk_bench"
}
ops_psql() { psql -X -q -v ON_ERROR_STOP=1 "$ops_url" "$@"; }

# ---------------------------------------------------------------------------------------------
# Services: sandbox, rdk-sync, Caddy
# ---------------------------------------------------------------------------------------------
# start_service NAME LOGFILE program...: runs it in the background and waits for its
# "listening on host:port" line; sets $service_port and $service_pid.
start_service() {
  local name=$1 logfile=$2; shift 2
  "$@" >"$logfile" 2>&1 </dev/null &
  service_pid=$!
  pids+=("$service_pid")
  for _ in $(seq 1 150); do
    service_port=$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p;T;q' "$logfile")
    [ -n "$service_port" ] && return 0
    kill -0 "$service_pid" 2>/dev/null || break
    sleep 0.1
  done
  tail -20 "$logfile" >&2
  rdk_die "$name did not start (log above)"
}

start_stack() {
  local latency=$1
  webhook_secret="whsec_$(rdk_random_secret 32)"
  edge_port=$(rdk_free_port)
  edge=http://127.0.0.1:$edge_port
  rdk_say "starting the Stripe sandbox (API answers after $latency ms), rdk-sync and Caddy in front"
  # Stripe sends its webhooks to the shop's public address: through the edge, as in production.
  start_service rdk-stripe-sandbox "$out/stripe-sandbox.log" \
    env SANDBOX_LISTEN=127.0.0.1:0 STRIPE_WEBHOOK_SECRET="$webhook_secret" RDK_LOG_LEVEL=warn \
        SANDBOX_API_LATENCY_MS="$latency" SANDBOX_WEBHOOK_URL="$edge/api/stripe/webhook" "$sandbox_bin"
  sandbox_port=$service_port
  sandbox_pid=$service_pid
  start_service rdk-sync "$out/rdk-sync.log" \
    env DATABASE_URL="postgresql://sync_bench:$sync_pass@127.0.0.1:$pg_port/rdk_bench" RDK_TENANT=bench \
        RDK_SYNC_LISTEN=127.0.0.1:0 RDK_PUBLIC_URL="$edge" STRIPE_SECRET_KEY=sk_test_bench \
        STRIPE_WEBHOOK_SECRET="$webhook_secret" STRIPE_API_BASE="http://127.0.0.1:$sandbox_port" RDK_LOG_LEVEL=warn \
        RDK_SYNC_TRUSTED_PROXIES=127.0.0.1 ${RDK_BENCH_SYNC_ENV:-} "$sync_bin"
  sync_port=$service_port
  sync_pid=$service_pid
  curl -fsS "http://127.0.0.1:$sync_port/readyz" >>"$log" || rdk_die "rdk-sync is not ready"
  echo >>"$log"

  mkdir -p "$work/caddy"
  caddy_log=$out/caddy-access.log
  : >"$caddy_log"
  env HOME="$work/caddy" XDG_DATA_HOME="$work/caddy/data" XDG_CONFIG_HOME="$work/caddy/config" \
      RDK_EDGE_SITE="$edge" RDK_EDGE_BIND=127.0.0.1 RDK_EDGE_UPSTREAM="127.0.0.1:$sync_port" RDK_EDGE_ADMIN=off \
      RDK_EDGE_STORAGE="$work/caddy/storage" RDK_EDGE_ACCESS_LOG="$caddy_log" \
      caddy run --config "$RDK_ROOT/resources/caddy/Caddyfile" --adapter caddyfile >"$out/caddy.log" 2>&1 </dev/null &
  caddy_pid=$!
  pids+=("$caddy_pid")
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$edge/healthz" 2>/dev/null && break
    kill -0 "$caddy_pid" 2>/dev/null || { tail -20 "$out/caddy.log" >&2; rdk_die "caddy did not start"; }
    sleep 0.1
  done
  curl -fsS -o /dev/null "$edge/healthz" || rdk_die "caddy does not answer on $edge"
  : >"$caddy_log"
}

# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------
# CPU seconds (user + system) used so far by these processes, their threads and children.
cpu_seconds() {
  local total=0 pid
  for pid in "$@" $(for p in "$@"; do pgrep -P "$p" 2>/dev/null || true; done); do
    [ -r "/proc/$pid/stat" ] || continue
    total=$(( total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat") ))
  done
  calc %.2f "$total / $(getconf CLK_TCK)"
}
machine_busy_seconds() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat; }

# cpu_snapshot NAME: CPU seconds of each component so far, into cpu_NAME_<component>.
cpu_components=(rdk_sync caddy postgresql sandbox)
cpu_snapshot() {
  local tag=$1
  printf -v "cpu_${tag}_rdk_sync" '%s' "$(cpu_seconds "$sync_pid")"
  printf -v "cpu_${tag}_caddy" '%s' "$(cpu_seconds "$caddy_pid")"
  printf -v "cpu_${tag}_postgresql" '%s' "$(cpu_seconds "$(postmaster_pid)")"
  printf -v "cpu_${tag}_sandbox" '%s' "$(cpu_seconds "$sandbox_pid")"
  printf -v "cpu_${tag}_machine" '%s' "$(machine_busy_seconds)"
  printf -v "cpu_${tag}_at" '%s' "$(date +%s.%N)"
}
# cpu_report BEFORE AFTER LOADTOOL_SECONDS: "rdk-sync 1.2 s (0.40 cores), ..." over the window.
cpu_report() {
  local a=$1 b=$2 tool=$3 c s e wall
  s=cpu_${a}_at; e=cpu_${b}_at
  wall=$(calc %.3f "${!e} - ${!s}")
  local parts=()
  for c in "${cpu_components[@]}"; do
    s=cpu_${a}_$c; e=cpu_${b}_$c
    parts+=("${c//_/-} $(calc %.1f "${!e} - ${!s}") s ($(calc %.2f "(${!e} - ${!s}) / $wall") cores)")
  done
  parts+=("Artillery $(calc %.1f "$tool") s ($(calc %.2f "$tool / $wall") cores)")
  s=cpu_${a}_machine; e=cpu_${b}_machine
  parts+=("whole machine $(calc %.2f "(${!e} - ${!s}) / $wall") of $(nproc) cores over $(calc %.0f "$wall") s")
  (IFS=';'; echo "${parts[*]}" | sed 's/;/, /g')
}

# run_artillery NAME SCRIPT [args...]: runs Artillery (JSON report in $out/NAME.json, its
# console in $out/NAME.log), and sets artillery_cpu to the CPU seconds it used.
run_artillery() {
  local name=$1 script=$2; shift 2
  # `times` in the subshell reports the CPU its children (node and its worker threads) used.
  # Scenario, processor and payload side by side in the work folder (Artillery reads a payload
  # path relative to the scenario).
  cp "$drop_src"/*.yml "$drop_src"/*.js "$work/"
  # 22,000 virtual users with their cookie jars need more than Node's default heap.
  ( cd "$work" && NODE_OPTIONS="--max-old-space-size=${RDK_BENCH_NODE_HEAP_MB:-8192}" NODE_PATH="$tools_dir/node_modules" timeout "${RDK_BENCH_ARTILLERY_TIMEOUT:-1800}" \
      "$artillery" run --quiet --output "$out/$name.json" "$script" "$@" >"$out/$name.log" 2>&1; \
    echo "exit $?" >>"$out/$name.log"; times >"$work/times.txt" )
  artillery_cpu=$(awk 'NR == 2 { split($1, u, "m"); split($2, s, "m"); printf "%.2f\n", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$work/times.txt")
}

# Latency at the edge, from Caddy's JSON access log (what a shopper's request cost from the
# moment Caddy read it to its last byte): tests/bench/drop/edgestats.py groups by route.
edge_stats() { python3 "$drop_src/edgestats.py" "$caddy_log" "$@"; }

write_table() {
  local title=$1
  {
    echo "$title, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$RDK_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$RDK_ROOT" diff --quiet 2>/dev/null || echo ' (+ local changes)')"
    echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p;T;q' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM; load average at start $load_at_start, at end $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| figure | value | aim | command |"
    echo "| --- | --- | --- | --- |"
    while IFS=$'\t' read -r a b c d; do echo "| $a | $b | $c | \`$d\` |"; done <"$rows"
    echo
    echo "Raw output (Artillery reports, Caddy's access log, SQL checks): ${out#$RDK_ROOT/}. Total time: $(( $(date +%s) - started_at )) s."
  } | tee "$out/table.md"
}
