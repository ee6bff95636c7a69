#!/usr/bin/env bash
# The Debian packages as a shop gets them: built by CPack from this build's binaries, checked
# for what they hold and depend on, unpacked into a fresh root that is not this machine's, and
# run from there: --version of each binary, `rdk-admin migrate` against the test PostgreSQL,
# rdk-sync answering /healthz and /readyz (and the unit's own readiness probe), the unit
# through `systemd-analyze verify`, the maintainer scripts in a private copy of /etc, and
# lintian (errors fail; warnings are printed).
# Usage: tst_packages.sh BUILD_DIR PROJECT_VERSION [DEBS_DIR]   (RDK_TEST_PG_URL set)
# With DEBS_DIR (ctest: the packages_build fixture's folder) it checks those packages; without,
# it builds them from BUILD_DIR first.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"
build=${1:?BUILD_DIR}
version=${2:?PROJECT_VERSION}
debs=${3:-}

work=$(mktemp -d /tmp/rdk-pkgtest.XXXXXX)
trap 'rdk_t_cleanup; rm -rf "$work"' EXIT
out=$work/debs
root=$work/root

rdk_t_step "packages"
if [ -n "$debs" ]; then
  mkdir -p "$out" && cp "$debs"/*.deb "$out"/
else
  rdk_t_build_debs "$build" "$out"
fi
for pkg in rdk-sync rdk-admin rdk-desk; do
  [ -f "$out/${pkg}_${version}_amd64.deb" ] || rdk_t_fail "no ${pkg}_${version}_amd64.deb"
  [ "$(dpkg-deb -f "$out/${pkg}_${version}_amd64.deb" Version)" = "$version" ] || rdk_t_fail "$pkg: version is not $version"
done
[ "$(ls "$out"/*.deb | wc -l)" -eq 3 ] || rdk_t_fail "expected exactly three packages: $(ls "$out")"
if dpkg-deb -c "$out"/*.deb 2>/dev/null | grep -q stripe-sandbox; then rdk_t_fail "the Stripe sandbox is in a package"; fi
for deb in "$out"/*.deb; do
  if dpkg-deb -c "$deb" | grep -q stripe-sandbox; then rdk_t_fail "$(basename "$deb") ships the Stripe sandbox"; fi
done
rdk_t_pass "three packages at version $version, none with the Stripe sandbox"

# What each package holds (the files a shop relies on being there).
expect_files() {
  local deb=$out/$1_${version}_amd64.deb; shift
  local list f
  list=$(dpkg-deb -c "$deb" | awk '{print $1, $6}')
  for f in "$@"; do
    grep -q -- "${f}\$" <<<"$list" || rdk_t_fail "$(basename "$deb") lacks $f"
  done
}
expect_files rdk-sync ./usr/bin/rdk-sync ./lib/systemd/system/rdk-sync.service ./etc/rdk/rdk-sync.env \
  ./usr/share/rdk-sync/caddy/Caddyfile ./usr/share/rdk-sync/caddy/caddy-rdk.conf \
  ./usr/share/doc/rdk-sync/copyright ./usr/share/doc/rdk-sync/changelog.gz
expect_files rdk-admin ./usr/bin/rdk-admin ./usr/share/doc/rdk-admin/copyright
expect_files rdk-desk ./usr/bin/rdk-desk ./usr/share/applications/rdk-desk.desktop \
  ./usr/share/icons/hicolor/scalable/apps/rdk-desk.svg ./usr/share/doc/rdk-desk/copyright ./etc/rdk/rdk-desk.env
dpkg-deb --ctrl-tarfile "$out/rdk-sync_${version}_amd64.deb" | tar -xO ./conffiles | grep -qx /etc/rdk/rdk-sync.env \
  || rdk_t_fail "/etc/rdk/rdk-sync.env is not a conffile"
dpkg-deb --ctrl-tarfile "$out/rdk-desk_${version}_amd64.deb" | tar -xO ./conffiles | grep -qx /etc/rdk/rdk-desk.env \
  || rdk_t_fail "/etc/rdk/rdk-desk.env is not a conffile"
for script in postinst prerm postrm; do
  dpkg-deb --ctrl-tarfile "$out/rdk-sync_${version}_amd64.deb" | tar -xO "./$script" > "$work/$script"
  sh -n "$work/$script" || rdk_t_fail "rdk-sync $script does not parse"
done
grep -q 'adduser --system' "$work/postinst" || rdk_t_fail "postinst makes no system user"
if grep -Ei '^(STRIPE_[A-Z_]*|RDK_SYNC_DATABASE_URL)=.+' <(dpkg-deb --fsys-tarfile "$out/rdk-sync_${version}_amd64.deb" | tar -xO ./etc/rdk/rdk-sync.env); then
  rdk_t_fail "the shipped settings file holds a value for a secret"
fi
rdk_t_pass "files, conffile, maintainer scripts, a settings template without secrets"

# Depends: every library a binary links directly (NEEDED) comes from a package its Depends
# names, so the packages install and run on a Debian 12 with nothing else added.
for pkg in rdk-sync rdk-admin rdk-desk; do
  deb=$out/${pkg}_${version}_amd64.deb
  depends=$(dpkg-deb -f "$deb" Depends)
  printf '  %s Depends: %s\n' "$pkg" "$depends"
  depend_names=" $(sed 's/([^)]*)//g; s/|/,/g; s/,/ /g' <<<"$depends" | tr -s ' ') "
  dpkg-deb -x "$deb" "$work/one-$pkg"
  binary=$work/one-$pkg/usr/bin/$pkg
  ldd "$binary" >"$work/ldd-$pkg"
  paths=()
  libs=()
  while read -r lib; do
    path=$(awk -v l="$lib" '!done && $1 == l {print $3; done = 1} !done && $1 ~ "/" l "$" {print $1; done = 1}' "$work/ldd-$pkg")
    [ -n "$path" ] || rdk_t_fail "$pkg: $lib does not resolve on this machine"
    real=$(readlink -f "$path")
    # usrmerge: dpkg knows a file by the path its package ships, /usr/lib/... or /lib/...
    paths+=("$real" "${real#/usr}")
    libs+=("$(basename "$real")")
  done < <(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  # One dpkg -S for all of them; each library must have an owner.
  dpkg -S "${paths[@]}" >"$work/owners-$pkg" 2>/dev/null || true
  for lib in "${libs[@]}"; do
    grep -q "/$lib\$" "$work/owners-$pkg" || rdk_t_fail "$pkg: $lib belongs to no Debian package"
  done
  while read -r owner; do
    # The package itself, or a name it provides (libspdlog1.10 provides libspdlog1.10-fmt9, the
    # name its shlibs file gives: the library's ABI follows the fmt it was built with).
    provides=$(dpkg-query -W -f='${Provides}' "$owner" | sed 's/([^)]*)//g; s/,/ /g')
    found=0
    for name in $owner $provides; do
      if [[ $depend_names == *" $name "* ]]; then found=1; fi
    done
    [ "$found" = 1 ] || rdk_t_fail "$pkg links a library of $owner, which its Depends does not name"
  done < <(cut -d: -f1 "$work/owners-$pkg" | sort -u)
done
# dpkg itself agrees that this machine (Debian 12 with the project's packages) satisfies them.
dpkg --dry-run -i "$out"/*.deb >"$work/dry-run.log" 2>&1 || { cat "$work/dry-run.log" >&2; rdk_t_fail "dpkg --dry-run -i refuses the packages"; }
rdk_t_pass "every linked library comes from a package in Depends; dpkg --dry-run -i accepts them"

rdk_t_step "installed into a fresh root"
rdk_t_extract "$out" "$root"
for bin in rdk-sync rdk-admin rdk-desk; do
  line=$(env -i PATH=/usr/bin:/bin QT_QPA_PLATFORM=offscreen "$root/usr/bin/$bin" --version)
  [[ $line =~ ^$bin\ [0-9v] ]] || rdk_t_fail "$bin --version printed '$line'"
  printf '  %s\n' "$line"
done
rdk_t_pass "each installed binary prints its release"

# The shipped settings file, as systemd would pass it, keeps rdk-sync from starting: exit 2
# with the missing keys named (nothing runs half-configured).
mapfile -t shipped < <(grep -E '^[A-Z_]+=' "$root/etc/rdk/rdk-sync.env")
set +e
env -i PATH=/usr/bin:/bin RDK_ENV_FILE=/dev/null "${shipped[@]}" "$root/usr/bin/rdk-sync" >"$work/unconfigured.log" 2>&1
rc=$?
set -e
[ "$rc" -eq 2 ] || { cat "$work/unconfigured.log" >&2; rdk_t_fail "rdk-sync with the shipped settings exited $rc, not 2"; }
grep -q 'STRIPE_SECRET_KEY' "$work/unconfigured.log" || rdk_t_fail "the refusal does not name STRIPE_SECRET_KEY"
rdk_t_pass "the shipped settings template refuses to start (exit 2) until filled in"

# rdk-desk's settings file, with every example line an operator would uncomment: the desk reads
# it (the menu entry passes it as RDK_ENV_FILE) and finds fault with nothing but the one bad
# value added on purpose, so the examples are values the desk accepts.
grep -q '^Exec=env RDK_ENV_FILE=/etc/rdk/rdk-desk.env rdk-desk$' "$root/usr/share/applications/rdk-desk.desktop" \
  || rdk_t_fail "the menu entry does not start rdk-desk with /etc/rdk/rdk-desk.env"
{ sed -n 's/^#\(RDK_[A-Z_]*=\)/\1/p' "$root/etc/rdk/rdk-desk.env"; echo RDK_LOCK_MINUTES=soon; } > "$work/desk.env"
[ "$(grep -c '^RDK_' "$work/desk.env")" -ge 6 ] || rdk_t_fail "the desk's settings file has fewer examples than expected"
set +e
env -i PATH=/usr/bin:/bin QT_QPA_PLATFORM=offscreen RDK_ENV_FILE="$work/desk.env" "$root/usr/bin/rdk-desk" >"$work/desk.log" 2>&1
rc=$?
set -e
[ "$rc" -eq 2 ] || { cat "$work/desk.log" >&2; rdk_t_fail "rdk-desk with a bad RDK_LOCK_MINUTES exited $rc, not 2"; }
complaints=$(grep -oE 'RDK_[A-Z_]+:' "$work/desk.log" | sort -u | tr '\n' ' ')
[ "$complaints" = "RDK_LOCK_MINUTES: " ] || { cat "$work/desk.log" >&2; rdk_t_fail "rdk-desk refused example values: $complaints"; }
rdk_t_pass "rdk-desk reads its packaged settings file; every example value is accepted"

rdk_t_step "systemd-analyze verify"
unit=$root/lib/systemd/system/rdk-sync.service
# The unit's commands must exist in the root it is checked in: curl comes from Depends, the
# standard targets from systemd itself; both are copied in from this machine.
cp /usr/bin/curl "$root/usr/bin/curl"
cp -a /lib/systemd/system/*.target "$root/lib/systemd/system/"
verify() { systemd-analyze --root="$root" verify "$1" 2>&1 | grep -F "$(basename "$1")" || true; }
problems=$(verify "$unit")
[ -z "$problems" ] || { printf '%s\n' "$problems" >&2; rdk_t_fail "systemd-analyze verify warns about rdk-sync.service"; }
# The check sees mistakes: a copy with a misspelt key and a bad value is reported.
sed -e 's/^NoNewPrivileges=yes/NoNewPrivilege=yes/' -e 's/^ProtectSystem=strict/ProtectSystem=sometimes/' "$unit" \
  > "$root/lib/systemd/system/rdk-sync-broken.service"
broken=$(verify "$root/lib/systemd/system/rdk-sync-broken.service")
rm "$root/lib/systemd/system/rdk-sync-broken.service"
grep -q NoNewPrivilege <<<"$broken" && grep -q 'protect system' <<<"$broken" \
  || rdk_t_fail "systemd-analyze verify did not report a broken copy: $broken"
exposure=$(systemd-analyze --root="$root" security --offline=yes "$unit" 2>/dev/null | sed -n 's/.*Overall exposure level for rdk-sync.service: \([0-9.]*\).*/\1/p')
rdk_t_pass "systemd-analyze verify: no warning about rdk-sync.service (exposure ${exposure:-?})"

rdk_t_step "lintian"
if command -v lintian >/dev/null; then
  lintian --tag-display-limit 0 "$out"/*.deb >"$work/lintian.log" 2>/dev/null || true
  printf '  lintian %s: %s errors, %s warnings, %s info\n' "$(lintian --version | cut -d' ' -f2)" \
    "$(grep -c '^E: ' "$work/lintian.log" || true)" "$(grep -c '^W: ' "$work/lintian.log" || true)" \
    "$(grep -c '^I: ' "$work/lintian.log" || true)"
  sed 's/^/  /' "$work/lintian.log"
  if grep -q '^E: ' "$work/lintian.log"; then rdk_t_fail "lintian reports errors"; fi
  rdk_t_pass "lintian: no errors"
elif [ "${RDK_REQUIRE_LINTIAN:-0}" = 1 ]; then
  rdk_t_fail "lintian is not installed (scripts/lib/common.sh installs it)"
else
  echo "  lintian is not installed: skipped (scripts/test installs it and requires it)"
fi

rdk_t_step "maintainer scripts, in a private copy of /etc"
# The rdk-sync package's postinst, prerm and postrm run for real, as dpkg runs them, inside a
# mount namespace where /etc (and systemd's helper state) are copies: the machine's own users
# and files are never touched. Needs root (unshare); CI runs as root.
if [ "$(id -u)" -ne 0 ]; then
  echo "  not root: skipped (scripts/test runs as root)"
else
  cp -a /etc "$work/etc"
  mkdir -p "$work/systemd-state"
  cat >"$work/maintainer.sh" <<'SH'
set -eu
D=$1
mount --bind "$1/etc" /etc
[ -d /var/lib/systemd ] && mount --bind "$1/systemd-state" /var/lib/systemd
export DPKG_MAINTSCRIPT_PACKAGE=rdk-sync DPKG_MAINTSCRIPT_ARCH=amd64   # as dpkg sets them
run() { DPKG_MAINTSCRIPT_NAME=$1 sh "$D/$@"; }
show() { printf '%s|%s|%s\n' "$1" "$(getent passwd rdk-sync | cut -d: -f3,6,7)" "$(stat -c '%U:%G %a' /etc/rdk/rdk-sync.env 2>/dev/null)"; }
mkdir -p /etc/rdk
install -m 0644 "$1/root/etc/rdk/rdk-sync.env" /etc/rdk/rdk-sync.env   # as dpkg unpacks it
show unpacked
run postinst configure ""
show installed
run postinst configure 0.0.1                                        # an upgrade: same user
show upgraded
run prerm remove
run postrm remove
show removed
rm /etc/rdk/rdk-sync.env                                                # dpkg drops conffiles on purge
run postrm purge
printf 'purged|%s|%s|%s\n' "$(getent passwd rdk-sync || true)" "$(getent group rdk-sync || true)" "$(ls -d /etc/rdk 2>/dev/null || true)"
SH
  unshare --mount --propagation private bash "$work/maintainer.sh" "$work" >"$work/maintainer.log" 2>&1 \
    || { cat "$work/maintainer.log" >&2; rdk_t_fail "the maintainer scripts failed"; }
  sed 's/^/  /' "$work/maintainer.log"
  getent passwd rdk-sync >/dev/null && rdk_t_fail "the rdk-sync user appeared on this machine"
  line() { grep "^$1|" "$work/maintainer.log" | cut -d'|' -f2-; }
  [ "$(line unpacked)" = "|root:root 644" ] || rdk_t_fail "before postinst: $(line unpacked)"
  IFS='|' read -r user perms <<<"$(line installed)"
  IFS=: read -r uid home shell <<<"$user"
  [ "$uid" -lt 1000 ] && [ "$home" = /nonexistent ] && [ "$shell" = /usr/sbin/nologin ] \
    || rdk_t_fail "postinst made '$user', not a system user without home or shell"
  [ "$perms" = "root:rdk-sync 640" ] || rdk_t_fail "postinst left the settings file $perms"
  [ "$(line upgraded)" = "$(line installed)" ] || rdk_t_fail "an upgrade changed the user or the file: $(line upgraded)"
  [ "$(line removed)" = "$(line installed)" ] || rdk_t_fail "remove (not purge) changed the user or the file"
  [ "$(line purged)" = "||" ] || rdk_t_fail "purge left: $(line purged)"
  rdk_t_pass "postinst: system user rdk-sync (uid $uid), settings root:rdk-sync 0640; upgrade keeps both; purge removes user, group and /etc/rdk"
fi

rdk_t_step "smoke test against the test PostgreSQL"
rdk_t_database
owner_url=$RDK_T_DB_URL
admin() { env -i PATH=/usr/bin:/bin RDK_ENV_FILE=/dev/null PGGSSENCMODE=disable DATABASE_URL="$owner_url" "$root/usr/bin/rdk-admin" "$@"; }
admin migrate status >"$work/status-before.log" 2>&1 || true  # a new database: nothing applied yet
admin migrate up >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; rdk_t_fail "rdk-admin migrate up failed"; }
admin migrate status >"$work/status.log" 2>&1 || { cat "$work/status.log" >&2; rdk_t_fail "rdk-admin migrate status failed after up"; }
sed 's/^/  /' "$work/status.log" | tail -3
grep -q 'schema is current' "$work/status.log" || rdk_t_fail "rdk-admin migrate status does not say the schema is current"
grep -q 'schema is current' "$work/status-before.log" && rdk_t_fail "migrate status said current before migrate up"
admin migrate verify >/dev/null 2>&1 || rdk_t_fail "rdk-admin migrate verify failed"
tenant=pkg$(rdk_t_token 6)
admin tenant create "$tenant" --name "Package Test Shop" >/dev/null || rdk_t_fail "tenant create failed"
login=sync_pkg_$(rdk_t_token 8)
password=$(rdk_t_token 24)
RDK_T_ROLES+=("$login")
printf '%s\n' "$password" | admin service create "$login" --tenant "$tenant" >/dev/null || rdk_t_fail "service create failed"
rdk_t_pass "installed rdk-admin: migrate up, status, verify, a shop and its service login"

secret=whsec_pkgtest_$(rdk_t_token 16)
rdk_t_start_sync "$root/usr/bin/rdk-sync" "$work/sync.log" \
  RDK_SYNC_DATABASE_URL="$(rdk_t_url_with_login "$owner_url" "$login" "$password")" RDK_TENANT="$tenant" \
  RDK_SYNC_LISTEN=127.0.0.1:0 RDK_PUBLIC_URL=http://127.0.0.1:9 STRIPE_SECRET_KEY=sk_test_pkgtest \
  STRIPE_WEBHOOK_SECRET="$secret" STRIPE_API_BASE=http://127.0.0.1:9 QT_ENABLE_REGEXP_JIT=0
port=$RDK_T_SYNC_PORT
[ "$(curl -fsS "http://127.0.0.1:$port/healthz")" = ok ] || rdk_t_fail "/healthz did not answer ok"
curl -fsS "http://127.0.0.1:$port/readyz" >"$work/readyz.json" || rdk_t_fail "/readyz is not 200"
grep -q '"migrations":"current"' "$work/readyz.json" || rdk_t_fail "/readyz: $(cat "$work/readyz.json")"
rdk_t_pass "installed rdk-sync answers /healthz and /readyz ($(cat "$work/readyz.json"))"

# The unit's readiness probe (its ExecStartPost, run as systemd would expand it) passes against
# the ready service, and gives up with an error where nothing answers.
probe=$(sed -n 's/^ExecStartPost=//p' "$unit")
[ -n "$probe" ] || rdk_t_fail "the unit has no ExecStartPost readiness probe"
RDK_SYNC_LISTEN=127.0.0.1:$port
eval "set -- ${probe//\$\{RDK_SYNC_LISTEN\}/$RDK_SYNC_LISTEN}"
"$@" || rdk_t_fail "the unit's readiness probe failed against a ready rdk-sync"
closed=$(rdk_t_port)
eval "set -- ${probe//\$\{RDK_SYNC_LISTEN\}/127.0.0.1:$closed}"
args=("$@")
args=("${args[@]/--retry-max-time/--retry-max-time}")
for i in "${!args[@]}"; do
  [ "${args[$i]}" = --retry-max-time ] && args[$((i + 1))]=2
done
if "${args[@]}" 2>/dev/null; then rdk_t_fail "the readiness probe passed where nothing listens"; fi
rdk_t_pass "the unit's ExecStartPost probe: passes when ready, fails when nothing answers"

echo "1 passed, 0 failed"
