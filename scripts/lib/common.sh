# Shared by scripts/run and scripts/test. Source it; it defines functions only.

RDK_PACKAGES=(cmake ninja-build g++ pkg-config qt6-base-dev qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev
  qt6-qpa-plugins qt6-image-formats-plugins libqt6svg6 qt6-l10n-tools libpqxx-dev libspdlog-dev libssl-dev
  libqt6opengl6-dev libqrencode-dev curl postgresql-15 postgresql-client-15 xvfb xauth fonts-dejavu-core
  clang-14 libclang-rt-14-dev python3)
RDK_PACKAGES+=(poppler-utils)  # pdftotext: the POS receipt tests read the PDFs they render
RDK_PACKAGES+=(caddy)  # the storefront's front door (resources/caddy/Caddyfile), in scripts/run and the edge tests
RDK_PACKAGES+=(libzint-dev zbar-tools)  # box barcodes on labels and receipts (libzint); the label tests decode them with zbarimg
RDK_PACKAGES+=(python3-aiosmtpd openssl)  # mail: the tests' SMTP server and the demo's mail catcher (tests/mail/smtpserver.py); openssl makes the tests' TLS certificate
# Only scripts/package and scripts/test need these, so scripts/run leaves a shop's or a newcomer's
# machine without them (Debian's prometheus package also enables a Prometheus server on :9090).
RDK_PACKAGING_PACKAGES=(dpkg-dev)  # CPack runs dpkg-shlibdeps
RDK_TEST_PACKAGES=(dpkg-dev lintian systemd  # tests/install and the package tests (lintian, systemd-analyze)
  prometheus  # promtool checks and unit-tests docs/alerts.yml (tests/ops/check-alerts); 19 MB download
  nodejs       # runs the storefront's drop.js against the C++ proof-of-work verifier (tests/drops/tst_drop_js)
  nginx-light) # the keeping edge of docs/adr/0034, not shipped yet (tests/edge/tst_keeping_edge)
RDK_PG_BIN=/usr/lib/postgresql/15/bin

rdk_say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
rdk_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the Debian packages that are missing (nothing when all are present).
rdk_ensure_packages() {
  local missing=()
  for p in "${RDK_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  rdk_say "installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# rdk_build BUILD_DIR BUILD_TYPE [cmake args...]
rdk_build() {
  local dir=$1 type=$2; shift 2
  rdk_say "building ($type) in ${dir#$RDK_ROOT/}"
  cmake -S "$RDK_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)"
}

# Runs a PostgreSQL server binary as the owner of the data directory (postgres refuses root).
rdk_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# rdk_pg_init DATA_DIR SUPERUSER_PASSWORD_FILE
rdk_pg_init() {
  local data=$1 pwfile=$2
  mkdir -p "$data"
  chmod 700 "$data"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$data" "$pwfile"; fi
  rdk_pg_as_owner "$RDK_PG_BIN/initdb" -D "$data" -U postgres --pwfile="$pwfile" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
}

# rdk_pg_start DATA_DIR PORT LOGFILE [extra -c settings...]
rdk_pg_start() {
  local data=$1 port=$2 log=$3; shift 3
  local opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$data"
  for o in "$@"; do opts="$opts -c $o"; done
  touch "$log"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$log"
  rdk_pg_as_owner "$RDK_PG_BIN/pg_ctl" -D "$data" -l "$log" -o "$opts" -w -t 60 start >/dev/null \
    || { tail -20 "$log" >&2; rdk_die "PostgreSQL did not start (log: $log)"; }
}

rdk_pg_stop() {
  local data=$1
  [ -f "$data/postmaster.pid" ] || return 0
  rdk_pg_as_owner "$RDK_PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

rdk_pg_running() {
  rdk_pg_as_owner "$RDK_PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

# A free TCP port on loopback, from a range unlikely to hold other services.
rdk_free_port() {
  local port
  for _ in $(seq 1 50); do
    # Below Linux's ephemeral range (32768-60999): a port there may be the local end of some
    # outgoing connection, which the probe below can't see, and the bind would fail.
    port=$(( 20000 + RANDOM % 12000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"; return 0
    fi
  done
  rdk_die "no free port found"
}

rdk_random_secret() {
  head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "${1:-24}"
}

# A folder the postgres OS user can reach: the repo may sit under a home the user can't enter.
rdk_pg_reachable() {
  [ "$(id -u)" -ne 0 ] && return 0
  runuser -u postgres -- test -x "$1"
}
