#!/usr/bin/env bash
# Point-in-time recovery with WAL archiving, done once for real (docs/RUNBOOK.md "Point-in-time
# recovery", ADR 0021): a throwaway cluster archives its WAL (archive_command), a base backup is
# taken (pg_basebackup), change A is committed (a shop is created), the time is recorded,
# change B is committed (another shop), and a copy of the base backup is recovered to the
# recorded time from the archive. A must be there and B must not.
# Usage: tests/backup/pitr_drill.sh BUILD_DIR      (ctest: backup_pitr_drill, label integration)
# Prints each step's time and size; exit 0 only if every check holds. Needs no RDK_TEST_PG_URL.
set -euo pipefail
RDK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$RDK_ROOT/scripts/lib/common.sh"

build_dir=${1:-$RDK_ROOT/build}
admin=$build_dir/app/admin/rdk-admin
[ -x "$admin" ] || rdk_die "$admin is missing: build rdk-admin first"
command -v psql >/dev/null || rdk_die "psql is missing (postgresql-client-15)"

work=$(mktemp -d /tmp/rdk-pitr.XXXXXX)
chmod 755 "$work"
cleanup() {
  rdk_pg_stop "$work/recovered"
  rdk_pg_stop "$work/primary"
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
export PGCONNECT_TIMEOUT=10 RDK_ENV_FILE=/dev/null RDK_LOG_LEVEL=warn

t0=$(date +%s.%N)
step_start=$t0
step() {
  local now; now=$(date +%s.%N)
  awk -v a="$step_start" -v b="$now" -v what="$1" 'BEGIN { printf "  %-62s %6.2f s\n", what, b - a }'
  step_start=$now
}
fail() { echo "FAIL: $*" >&2; exit 1; }
owned() {  # a folder the postgres OS user owns (PostgreSQL refuses to run as root)
  mkdir -p "$1"; chmod 700 "$1"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$1"
  return 0
}

echo "== a cluster that archives its WAL"
owned "$work/archive"
rdk_random_secret 32 > "$work/su.pass"
rdk_pg_init "$work/primary" "$work/su.pass"
cat >> "$work/primary/postgresql.conf" <<EOF
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $work/archive/%f && cp %p $work/archive/%f'
EOF
port=$(rdk_free_port)
rdk_pg_start "$work/primary" "$port" "$work/primary.log"
su="postgresql://postgres:$(cat "$work/su.pass")@127.0.0.1:$port/postgres"
psql -q -v ON_ERROR_STOP=1 "$su" -c "CREATE ROLE rdk_owner LOGIN CREATEROLE CREATEDB PASSWORD 'pitr-owner-pass'" \
  -c "GRANT pg_read_all_stats TO rdk_owner" -c "CREATE DATABASE rdk OWNER rdk_owner" >/dev/null
export DATABASE_URL=postgresql://rdk_owner:pitr-owner-pass@127.0.0.1:$port/rdk
"$admin" migrate up >/dev/null
"$admin" tenant create base-shop --name "In the base backup" >/dev/null
step "initdb, archive_command, migrate"

echo "== base backup"
owned "$work/base"
PGPASSWORD=$(cat "$work/su.pass") rdk_pg_as_owner "$RDK_PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres \
  -D "$work/base" -X stream --checkpoint=fast --no-password 2>&1 | { grep -v 'skipping special file' || true; }
step "pg_basebackup ($(du -sh "$work/base" | cut -f1))"

echo "== change A, the moment, change B"
"$admin" tenant create change-a --name "Change A" >/dev/null
sleep 1   # keeps the recorded moment clear of both commits' timestamps (commit times are what recovery compares)
target=$(psql -At "$su" -c "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
sleep 1   # idem
"$admin" tenant create change-b --name "Change B" >/dev/null
echo "  recovery target: $target"
# Close the WAL segment that holds B and wait until it is in the archive.
segment=$(psql -At "$su" -c "SELECT pg_walfile_name(pg_current_wal_lsn())")
psql -q "$su" -c "SELECT pg_switch_wal()" >/dev/null
for _ in $(seq 1 100); do
  [ -f "$work/archive/$segment" ] && break
  sleep 0.1
done
[ -f "$work/archive/$segment" ] || fail "WAL segment $segment was not archived (log: $(tail -3 "$work/primary.log"))"
step "A, target time, B, WAL switched and archived"
echo "  archive: $(ls "$work/archive" | wc -l) files, $(du -sh "$work/archive" | cut -f1)"
rdk_pg_stop "$work/primary"   # as if the server were lost; the base backup and the archive remain

echo "== recover a copy to the recorded time"
cp -a "$work/base" "$work/recovered"
cat >> "$work/recovered/postgresql.conf" <<EOF
restore_command = 'cp $work/archive/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'promote'
archive_mode = off
EOF
touch "$work/recovered/recovery.signal"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$work/recovered/recovery.signal"
port2=$(rdk_free_port)
rdk_pg_start "$work/recovered" "$port2" "$work/recovered.log"
su2="postgresql://postgres:$(cat "$work/su.pass")@127.0.0.1:$port2/postgres"
for _ in $(seq 1 300); do
  [ "$(psql -At "$su2" -c "SELECT pg_is_in_recovery()" 2>/dev/null)" = f ] && break
  sleep 0.1
done
[ "$(psql -At "$su2" -c "SELECT pg_is_in_recovery()")" = f ] || fail "the copy did not finish recovery: $(tail -5 "$work/recovered.log")"
step "recovery to the target time and promotion"
grep -E "recovery stopping|starting point-in-time recovery" "$work/recovered.log" | sed 's/^/  log: /'

shops=$(psql -At "${su2%/postgres}/rdk" -c "SELECT string_agg(slug, ',' ORDER BY slug) FROM tenants")
echo "  shops in the recovered copy: $shops"
[ "$shops" = "base-shop,change-a" ] || fail "expected base-shop and change-a (A present, B absent), got '$shops'"
DATABASE_URL=postgresql://rdk_owner:pitr-owner-pass@127.0.0.1:$port2/rdk "$admin" migrate verify >/dev/null \
  || fail "the recovered database does not verify against the migrations"
awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "  %-62s %6.2f s\n", "whole drill", b - a }'
echo "point-in-time recovery drill passed: A present, B absent"
