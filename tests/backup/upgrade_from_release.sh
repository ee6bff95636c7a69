#!/usr/bin/env bash
# A release check, run by hand (not in ctest: it needs the previous release built): the previous
# release's own rdk-admin makes and seeds the demo shop, the previous release's rdk-sync serves
# it, and this release's `rdk-admin migrate up` runs while a client keeps asking for the catalog
# (one request after another, several shopper addresses). Then this release's rdk-sync replaces
# the old one. Prints the migration's time, the longest answer and every error answer.
#
#   git archive <previous-release-commit> | tar -x -C /tmp/prev/src
#   cmake -S /tmp/prev/src -B /tmp/prev/build -G Ninja -DCMAKE_BUILD_TYPE=Release
#   cmake --build /tmp/prev/build --target rdk-admin rdk-sync
#   tests/backup/upgrade_from_release.sh /tmp/prev/build build
#
# Starts its own throwaway cluster; exit 0 when no shopper saw an error answer.
set -euo pipefail
RDK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$RDK_ROOT/scripts/lib/common.sh"
[ $# -eq 2 ] || rdk_die "usage: $0 PREVIOUS_BUILD_DIR BUILD_DIR"
prev=$1 cur=$2
for bin in "$prev/app/admin/rdk-admin" "$prev/app/sync/rdk-sync" "$cur/app/admin/rdk-admin" "$cur/app/sync/rdk-sync"; do
  [ -x "$bin" ] || rdk_die "$bin is missing"
done

work=$(mktemp -d /tmp/rdk-upgrade.XXXXXX)
chmod 755 "$work"
sync_pid=
cleanup() {
  [ -n "$sync_pid" ] && kill "$sync_pid" 2>/dev/null || true
  rdk_pg_stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
export RDK_ENV_FILE=/dev/null RDK_LOG_LEVEL=warn PGCONNECT_TIMEOUT=10

rdk_random_secret 32 > "$work/su.pass"
rdk_pg_init "$work/pg" "$work/su.pass"
port=$(rdk_free_port)
rdk_pg_start "$work/pg" "$port" "$work/pg.log"
su="postgresql://postgres:$(cat "$work/su.pass")@127.0.0.1:$port/postgres"
psql -q -v ON_ERROR_STOP=1 "$su" -c "CREATE ROLE rdk_owner LOGIN CREATEROLE CREATEDB PASSWORD 'upgrade-owner-pass'" \
  -c "GRANT pg_read_all_stats TO rdk_owner" -c "CREATE DATABASE rdk OWNER rdk_owner" >/dev/null
export DATABASE_URL=postgresql://rdk_owner:upgrade-owner-pass@127.0.0.1:$port/rdk

echo "== the previous release: $("$prev/app/admin/rdk-admin" --version)"
"$prev/app/admin/rdk-admin" migrate up | tail -1
"$prev/app/admin/rdk-admin" tenant create demo --name "Demo" >/dev/null
"$prev/app/admin/rdk-admin" seed-demo --tenant demo | tail -1
echo "upgrade-sync-pass-0123" | "$prev/app/admin/rdk-admin" service create sync_demo --tenant demo >/dev/null
echo "  level: $(psql -At "${su%/postgres}/rdk" -c 'SELECT max(version) FROM schema_migrations')"

start_sync() {  # BINARY -> sets sync_pid and sync_port
  sync_port=$(rdk_free_port)
  DATABASE_URL=postgresql://sync_demo:upgrade-sync-pass-0123@127.0.0.1:$port/rdk RDK_TENANT=demo \
    RDK_SYNC_LISTEN=127.0.0.1:$sync_port RDK_PUBLIC_URL=http://127.0.0.1:9 STRIPE_SECRET_KEY=sk_test_upgrade \
    STRIPE_WEBHOOK_SECRET=whsec_upgrade STRIPE_API_BASE=http://127.0.0.1:9 RDK_SYNC_TRUSTED_PROXIES=127.0.0.1 \
    "$1" > "$work/sync.log" 2>&1 &
  sync_pid=$!
  for _ in $(seq 1 150); do
    curl -fsS -m 2 "http://127.0.0.1:$sync_port/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  rdk_die "rdk-sync did not start: $(tail -5 "$work/sync.log")"
}
start_sync "$prev/app/sync/rdk-sync"

# The shoppers: until the flag file appears, and one more second.
python3 - "$sync_port" "$work/done" > "$work/client.out" <<'PY' &
import http.client, json, os, sys, time
port, flag = int(sys.argv[1]), sys.argv[2]
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
def get(path, n):
    conn.request("GET", path, headers={"X-Forwarded-For": "10.30.%d.%d" % (n // 200 % 250, n % 200 + 1)})
    r = conn.getresponse(); body = r.read(); return r.status, body
status, body = get("/api/catalog", 0)
skus = [p["sku"] for p in json.loads(body)["products"]][:20]
samples, n, end = [], 0, None
while True:
    if end is None and os.path.exists(flag): end = time.monotonic() + 1.0
    if end is not None and time.monotonic() > end: break
    path = ["/api/catalog", "/api/products/" + skus[n % len(skus)], "/products/" + skus[n % len(skus)]][n % 3]
    t = time.monotonic()
    try:
        status, _ = get(path, n)
    except Exception as e:
        status = str(e); conn.close()
    samples.append((t, (time.monotonic() - t) * 1000, status, path)); n += 1
errors = [s for s in samples if s[2] != 200]
times = sorted(s[1] for s in samples)
print("%d requests, longest %.1f ms, median %.1f ms, p99 %.1f ms, %d error answers" %
      (len(samples), times[-1], times[len(times) // 2], times[int(len(times) * 0.99)], len(errors)))
for e in errors[:10]: print("  error:", e)
PY
client=$!
sleep 1
echo "== this release's migrate up while the previous rdk-sync serves"
start=$(date +%s.%N)
"$cur/app/admin/rdk-admin" migrate up | tail -1
end=$(date +%s.%N)
touch "$work/done"
wait "$client"
awk -v a="$start" -v b="$end" 'BEGIN { printf "  migrate up: %.2f s\n", b - a }'
echo "  shoppers: $(cat "$work/client.out")"
kill "$sync_pid"; wait "$sync_pid" 2>/dev/null || true
restart=$(date +%s.%N)
start_sync "$cur/app/sync/rdk-sync"
awk -v a="$restart" -v b="$(date +%s.%N)" 'BEGIN { printf "  rdk-sync replaced by this release in %.2f s (stop to healthy)\n", b - a }'
curl -fsS -m 5 "http://127.0.0.1:$sync_port/readyz"; echo
grep -q " 0 error answers" "$work/client.out" || { echo "FAIL: shoppers saw errors"; exit 1; }
echo "upgrade from the previous release passed"
