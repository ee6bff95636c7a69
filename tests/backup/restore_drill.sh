#!/usr/bin/env bash
# The restore drill of docs/RUNBOOK.md, run for real (ADR 0021):
#   a demo shop with photos on the cluster scripts/test started (RDK_TEST_PG_URL) -> rdk-admin
#   backup -> a SECOND throwaway cluster started here -> refused bad inputs (wrong path, cut-short
#   file, changed byte, non-empty database), nothing left behind by them -> rdk-admin restore ->
#   row counts of every table, SHA-256 of every photo's bytes, the logins and their groups, and
#   rdk-sync on the restored database answering the catalog byte for byte as on the original.
# Usage: tests/backup/restore_drill.sh BUILD_DIR      (ctest: backup_restore_drill, label integration)
# Prints each step's time; exit 0 only if every check holds.
set -euo pipefail
RDK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$RDK_ROOT/scripts/lib/common.sh"

build_dir=${1:-$RDK_ROOT/build}
admin=$build_dir/app/admin/rdk-admin
sync=$build_dir/app/sync/rdk-sync
for bin in "$admin" "$sync"; do [ -x "$bin" ] || rdk_die "$bin is missing: build rdk-admin and rdk-sync first"; done
[ -n "${RDK_TEST_PG_URL:-}" ] || rdk_die "RDK_TEST_PG_URL is not set: run through scripts/test (or source /tmp/rdk-pg.sh)"
for tool in psql curl python3; do command -v $tool >/dev/null || rdk_die "$tool is missing (scripts/lib/common.sh installs it)"; done

work=$(mktemp -d /tmp/rdk-restore.XXXXXX)
chmod 755 "$work"
suffix=$(rdk_random_secret 6 | tr 'A-Z' 'a-z')
db1=rdk_bk_$suffix
base1=${RDK_TEST_PG_URL%/*}
url1=$base1/$db1
sync_login=sync_bk_$suffix staff_login=staff_bk_$suffix gone_login=gone_bk_$suffix
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rdk_pg_stop "$work/pg2"
  psql -q "$RDK_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $db1 WITH (FORCE)" \
    -c "DROP ROLE IF EXISTS $sync_login" -c "DROP ROLE IF EXISTS $staff_login" -c "DROP ROLE IF EXISTS $gone_login" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
export PGCONNECT_TIMEOUT=10 RDK_ENV_FILE=/dev/null RDK_LOG_LEVEL=warn

t0=$(date +%s.%N)
step_start=$t0
step() {  # prints the time of the step that just ended
  local now; now=$(date +%s.%N)
  awk -v a="$step_start" -v b="$now" -v what="$1" 'BEGIN { printf "  %-58s %6.2f s\n", what, b - a }'
  step_start=$now
}
fail() { echo "FAIL: $*" >&2; exit 1; }
admin1() { DATABASE_URL=$url1 "$admin" "$@"; }

echo "== the original shop (database $db1)"
psql -q "$RDK_TEST_PG_URL" -c "CREATE DATABASE $db1" >/dev/null
admin1 migrate up >/dev/null
admin1 tenant create demo --name "Demo Kicks" >/dev/null
admin1 seed-demo --tenant demo >/dev/null
sync_pass=$(rdk_random_secret 20)
echo "$sync_pass" | admin1 service create "$sync_login" --tenant demo >/dev/null
echo "$(rdk_random_secret 20)" | admin1 staff create "$staff_login" --tenant demo --role ops >/dev/null
echo "$(rdk_random_secret 20)" | admin1 staff create "$gone_login" --tenant demo --role staff >/dev/null
admin1 staff disable "$gone_login" >/dev/null
step "migrate, seed the demo shop with photos, three logins"

echo "== backup"
owner1_pass=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).password)' "$RDK_TEST_PG_URL")
# rdk-sync's settings as a shop would have them: secrets among them that must stay out.
cat > "$work/rdk-sync.env" <<SETTINGS
RDK_TENANT=demo
RDK_SYNC_DATABASE_URL=postgresql://$sync_login:$sync_pass@127.0.0.1:5432/rdk
RDK_PUBLIC_URL=https://kicks.example
STRIPE_SECRET_KEY=sk_test_drillsecretkey0123456789
STRIPE_WEBHOOK_SECRET=whsec_drillwebhooksecret0123456789
RDK_SMTP_HOST=smtp.example.com
RDK_SMTP_PASSWORD=drill-smtp-password-0123456789
RDK_MAIL_SHOP_ADDRESS="1 Drill Street, Springfield"
SOMETHING_ELSE=drill-unknown-key-value
SETTINGS
admin1 backup "$work/shop.rdkbak" --settings "$work/rdk-sync.env" > "$work/backup.out"
cat "$work/backup.out"
step "rdk-admin backup ($(du -h "$work/shop.rdkbak" | cut -f1))"
admin1 backup "$work/shop.rdkbak" > /dev/null 2> "$work/again.err" && fail "a second backup overwrote the file"
grep -q "never overwrites" "$work/again.err" || fail "no clear sentence for an existing file: $(cat "$work/again.err")"

echo "== a second, empty cluster"
port2=$(rdk_free_port)
rdk_random_secret 32 > "$work/su2.pass"
rdk_pg_init "$work/pg2" "$work/su2.pass"
rdk_pg_start "$work/pg2" "$port2" "$work/pg2.log" fsync=off
su2="postgresql://postgres:$(cat "$work/su2.pass")@127.0.0.1:$port2/postgres"
owner2_pass=$(rdk_random_secret 24)
psql -q -v ON_ERROR_STOP=1 "$su2" -c "CREATE ROLE rdk_owner LOGIN CREATEROLE CREATEDB PASSWORD '$owner2_pass'" \
  -c "REVOKE CONNECT, TEMPORARY ON DATABASE postgres, template1 FROM PUBLIC" -c "GRANT CONNECT ON DATABASE postgres TO rdk_owner" >/dev/null
url2=postgresql://rdk_owner:$owner2_pass@127.0.0.1:$port2/rdk
admin2() { DATABASE_URL=$url2 "$admin" "$@"; }
step "initdb + start a second cluster on port $port2"

echo "== bad input is refused with a sentence, and leaves nothing behind"
cluster_state() {
  psql -At "$su2" -c "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database" \
    -c "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'rdk\_%' OR rolname LIKE '%\_bk\_%'"
}
before=$(cluster_state)
head -c 3000000 "$work/shop.rdkbak" > "$work/cut.rdkbak"
cp "$work/shop.rdkbak" "$work/changed.rdkbak"
# One byte inverted (writing a fixed byte would change nothing when the byte already was it).
python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(4000000); b = f.read(1)[0]; f.seek(4000000); f.write(bytes([b ^ 0xFF]))' \
  "$work/changed.rdkbak"
cmp -s "$work/shop.rdkbak" "$work/changed.rdkbak" && fail "the damaged copy is the same as the backup"
head -c 2048 /dev/urandom > "$work/noise.rdkbak"
expect_refusal() {  # FILE EXPECTED-TEXT
  if admin2 restore "$1" > "$work/refusal.out" 2> "$work/refusal.err"; then fail "restore of $1 succeeded"; fi
  grep -q "$2" "$work/refusal.err" || fail "restore of $1: expected '$2', got: $(cat "$work/refusal.err")"
  grep -q "nothing was restored" "$work/refusal.err" || fail "restore of $1 does not say that nothing was restored"
  echo "  refused: $(cat "$work/refusal.err")"
}
expect_refusal "$work/missing.rdkbak" "there is no backup file"
expect_refusal "$work/cut.rdkbak" "is incomplete"
expect_refusal "$work/changed.rdkbak" "does not match the checksum"
expect_refusal "$work/noise.rdkbak" "is not a backup"
[ "$(cluster_state)" = "$before" ] || fail "a refused restore left something behind: $(cluster_state) vs $before"
psql -q -v ON_ERROR_STOP=1 "$su2" -c "CREATE ROLE other_owner LOGIN CREATEROLE CREATEDB PASSWORD 'other-owner-pass'" \
  -c "GRANT CONNECT ON DATABASE postgres TO other_owner" >/dev/null
before=$(cluster_state)
if DATABASE_URL=postgresql://other_owner:other-owner-pass@127.0.0.1:$port2/rdk "$admin" restore "$work/shop.rdkbak" \
    > /dev/null 2> "$work/refusal.err"; then fail "a restore as another owner role succeeded"; fi
grep -q "belong to the role rdk_owner" "$work/refusal.err" || fail "no sentence for the wrong owner: $(cat "$work/refusal.err")"
echo "  refused: $(cat "$work/refusal.err")"
[ "$(cluster_state)" = "$before" ] || fail "a refused restore left something behind: $(cluster_state) vs $before"
# A server set up as docs/INSTALL.md says, before the owner got CONNECT on 'postgres': the
# sentence names the grant, not a network fault.
psql -q -v ON_ERROR_STOP=1 "$su2" -c "REVOKE CONNECT ON DATABASE postgres FROM rdk_owner" >/dev/null
expect_refusal "$work/shop.rdkbak" "GRANT CONNECT ON DATABASE postgres TO rdk_owner"
psql -q -v ON_ERROR_STOP=1 "$su2" -c "GRANT CONNECT ON DATABASE postgres TO rdk_owner" >/dev/null
[ "$(cluster_state)" = "$before" ] || fail "a refused restore left something behind: $(cluster_state) vs $before"
# A privileged role that happens to carry a shop login's name: refused once the group roles
# were made, which must be undone.
psql -q "$su2" -c "CREATE ROLE $staff_login LOGIN CREATEDB" >/dev/null
before=$(cluster_state)
expect_refusal "$work/shop.rdkbak" "exists on this server as a privileged role"
[ "$(cluster_state)" = "$before" ] || fail "a refused restore left roles behind: $(cluster_state) vs $before"
psql -q "$su2" -c "DROP ROLE $staff_login" >/dev/null
step "seven bad inputs refused, cluster unchanged"

echo "== restore into the second cluster"
admin2 restore "$work/shop.rdkbak" --settings-out "$work/restored.env" | tee "$work/restore.out"
step "rdk-admin restore"
grep -q "$sync_login" "$work/restore.out" || fail "restore does not name the service login that needs a password"
grep -q "pg_read_all_stats" "$work/restore.out" || fail "restore does not say that the owner needs pg_read_all_stats"
for line in 'RDK_TENANT="demo"' 'RDK_PUBLIC_URL="https://kicks.example"' 'RDK_SMTP_HOST="smtp.example.com"' \
    'RDK_MAIL_SHOP_ADDRESS="1 Drill Street, Springfield"' "RDK_SYNC_DATABASE_URL=\"postgresql://$sync_login@127.0.0.1:5432/rdk\""; do
  grep -qxF "$line" "$work/restored.env" || fail "the restored settings lack $line: $(cat "$work/restored.env")"
done
for secret in "$owner1_pass" "$sync_pass" sk_test_drillsecretkey drillwebhooksecret drill-smtp-password drill-unknown-key; do
  if grep -qF "$secret" "$work/restored.env" "$work/shop.rdkbak"; then fail "a secret ($secret) is in the backup or its settings"; fi
done
echo "  settings restored without secrets: $(grep -c '^[A-Z]' "$work/restored.env") keys"

# The operator's next steps, as restore printed them.
psql -q "$su2" -c "GRANT pg_read_all_stats TO rdk_owner" >/dev/null
psql -q "${url2}" -c "ALTER ROLE $sync_login PASSWORD '$sync_pass'" >/dev/null

admin2 restore "$work/shop.rdkbak" > /dev/null 2> "$work/nonempty.err" && fail "restore into a non-empty database succeeded"
grep -q "is not empty" "$work/nonempty.err" || fail "no sentence for a non-empty database: $(cat "$work/nonempty.err")"
echo "  refused: $(cat "$work/nonempty.err")"
admin2 restore "$work/shop.rdkbak" --replace > "$work/replace.out" || fail "restore --replace failed"
grep -q "not empty: replaced once the restore is complete" "$work/replace.out" || fail "--replace did not say what it does"
grep -q "already on this server (kept)" "$work/replace.out" || fail "--replace did not keep the logins it found"
[ "$(psql -At "$su2" -c "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database")" = "postgres,rdk,template0,template1" ] \
  || fail "restore --replace left a working database behind"
echo "  restore --replace: $(grep "^restored" "$work/replace.out")"
admin2 migrate verify >/dev/null || fail "the restored database does not verify against the migrations"

echo "== the restored database holds the same shop"
counts() {  # every table's row count, as the owner (no table is FORCE RLS)
  psql -At "$1" -c "SELECT n.nspname || '.' || c.relname || ' ' ||
      (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r','p') AND n.nspname IN ('public','rdk') ORDER BY 1"
}
photos() { psql -At "$1" -c "SELECT file_name || ' ' || encode(sha256(data), 'hex') FROM product_image_variants ORDER BY file_name"; }
logins() {
  psql -At "$1" -c "SELECT r.rolname || ' ' || r.rolcanlogin || ' ' || string_agg(g.rolname, ',' ORDER BY g.rolname)
    FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid JOIN pg_roles g ON g.oid = m.roleid
    WHERE r.rolname IN ('$sync_login', '$staff_login', '$gone_login') GROUP BY r.rolname, r.rolcanlogin ORDER BY 1"
}
counts "$url1" > "$work/counts1"; counts "$url2" > "$work/counts2"
diff "$work/counts1" "$work/counts2" || fail "row counts differ"
echo "  $(wc -l < "$work/counts1") tables, $(awk '{s+=$2} END {print s}' "$work/counts1") rows: same counts"
photos "$url1" > "$work/photos1"; photos "$url2" > "$work/photos2"
[ "$(wc -l < "$work/photos1")" -gt 50 ] || fail "the demo shop has too few photos to prove anything"
diff "$work/photos1" "$work/photos2" || fail "photo bytes differ"
echo "  $(wc -l < "$work/photos1") photo files, same SHA-256 each"
logins "$url1" > "$work/logins1"; logins "$url2" > "$work/logins2"
diff "$work/logins1" "$work/logins2" || fail "logins or their groups differ"
echo "  logins and groups: $(tr '\n' ';' < "$work/logins2")"
step "counts, photo checksums and logins compared"

echo "== rdk-sync on each database answers the catalog the same"
# Not in $(...): a subshell's pids+=() would never reach cleanup, and the services would outlive
# the test. The port comes back in $synced_port.
start_sync() {  # DATABASE_URL
  local port; port=$(rdk_free_port)
  DATABASE_URL=$1 RDK_TENANT=demo RDK_SYNC_LISTEN=127.0.0.1:$port RDK_PUBLIC_URL=http://127.0.0.1:9 \
    STRIPE_SECRET_KEY=sk_test_restore_drill STRIPE_WEBHOOK_SECRET=whsec_restore_drill STRIPE_API_BASE=http://127.0.0.1:9 \
    RDK_SYNC_TRUSTED_PROXIES=127.0.0.1 setpriv --pdeathsig TERM -- "$sync" > "$work/sync-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do
    curl -fsS -m 2 "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && { synced_port=$port; return 0; }
    sleep 0.1
  done
  cat "$work/sync-$port.log" >&2
  fail "rdk-sync did not become ready on $1"
}
sync_url1=${url1/rdk_owner:*@/$sync_login:$sync_pass@}
sync_url2=${url2/rdk_owner:*@/$sync_login:$sync_pass@}
start_sync "$sync_url1"; p1=$synced_port
start_sync "$sync_url2"; p2=$synced_port
step "two rdk-sync ready"
curl -fsS -m 10 "http://127.0.0.1:$p1/api/catalog" > "$work/catalog.json"
paths=$(python3 - "$work/catalog.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
items = doc.get("products", doc if isinstance(doc, list) else [])
skus = [p["sku"] for p in items]
print("/api/catalog")
print("/")
for sku in skus[:8]:
    print("/api/products/" + sku)
    print("/products/" + sku)
media = set()
def walk(v):
    if isinstance(v, dict):
        for x in v.values(): walk(x)
    elif isinstance(v, list):
        for x in v: walk(x)
    elif isinstance(v, str) and "/media/" in v:
        media.add("/media/" + v.split("/media/", 1)[1])
walk(items)
for m in sorted(media)[:40]:
    print(m)
EOF
)
n=0
for path in $paths; do
  a=$(curl -sS -m 10 -o "$work/a" -w '%{http_code}' "http://127.0.0.1:$p1$path")
  b=$(curl -sS -m 10 -o "$work/b" -w '%{http_code}' "http://127.0.0.1:$p2$path")
  [ "$a" = 200 ] || fail "original answered $a for $path"
  [ "$b" = 200 ] || fail "restored answered $b for $path"
  # A drop's countdown shows the moment each rdk-sync made the page; all else must match.
  case $path in
    /products/*) sed -i -E 's/data-now="[^"]*"/data-now=""/; s/(data-countdown aria-live="off">)[^<]*/\1/' "$work/a" "$work/b" ;;
  esac
  cmp -s "$work/a" "$work/b" || fail "answers for $path differ ($(wc -c < "$work/a") vs $(wc -c < "$work/b") bytes)"
  n=$((n + 1))
done
[ "$n" -ge 20 ] || fail "only $n paths compared"
grep -c '^/media/' <<< "$paths" | xargs -I{} echo "  $n answers identical byte for byte ({} of them photos)"
step "catalog, product pages and photos compared"
awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "  %-58s %6.2f s\n", "whole drill", b - a }'
echo "restore drill passed"
