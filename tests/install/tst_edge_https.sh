#!/usr/bin/env bash
# The shop over HTTPS, end to end on loopback, from the installed packages: Caddy with the
# Caddyfile the rdk-sync package ships (/usr/share/rdk-sync/caddy/Caddyfile) and its own local CA
# (RDK_EDGE_CERTS=local_certs, the test's stand-in for ACME), for a test name (shop.test)
# resolved to 127.0.0.1 by curl --resolve, in front of the installed rdk-sync and the test
# PostgreSQL. Checked: the certificate chain to Caddy's root (and not to this machine's trust
# store), the storefront page with HSTS over HTTP/2, /readyz private at the edge, a signed Stripe
# webhook applied once (a forged one refused), the money path's body limit, http -> https, and the
# JSON access log. Usage: tst_edge_https.sh BUILD_DIR PROJECT_VERSION [DEBS_DIR]   (RDK_TEST_PG_URL
# set; without DEBS_DIR it builds the packages from BUILD_DIR first)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"
build=${1:?BUILD_DIR}
: "${2:?PROJECT_VERSION}"
debs=${3:-}

command -v caddy >/dev/null || rdk_t_fail "caddy is not installed (Debian package caddy; scripts/lib/common.sh installs it)"
work=$(mktemp -d /tmp/rdk-httpstest.XXXXXX)
trap 'rdk_t_cleanup; rm -rf "$work"' EXIT
root=$work/root

if [ -z "$debs" ]; then
  rdk_t_build_debs "$build" "$work/debs" >/dev/null
  debs=$work/debs
fi
rdk_t_extract "$debs" "$root"

rdk_t_database
owner_url=$RDK_T_DB_URL
admin() { env -i PATH=/usr/bin:/bin RDK_ENV_FILE=/dev/null PGGSSENCMODE=disable DATABASE_URL="$owner_url" "$root/usr/bin/rdk-admin" "$@"; }
admin migrate up >/dev/null || rdk_t_fail "migrate up failed"
tenant=tls$(rdk_t_token 6)
admin tenant create "$tenant" --name "Edge Test Kickz" >/dev/null
login=sync_tls_$(rdk_t_token 8)
password=$(rdk_t_token 24)
RDK_T_ROLES+=("$login")
printf '%s\n' "$password" | admin service create "$login" --tenant "$tenant" >/dev/null

name=shop.test
https_port=$(rdk_t_port)
http_port=$(rdk_t_port)
secret=whsec_edge_$(rdk_t_token 20)
rdk_t_start_sync "$root/usr/bin/rdk-sync" "$work/sync.log" \
  RDK_SYNC_DATABASE_URL="$(rdk_t_url_with_login "$owner_url" "$login" "$password")" RDK_TENANT="$tenant" \
  RDK_SYNC_LISTEN=127.0.0.1:0 RDK_SYNC_TRUSTED_PROXIES=127.0.0.1 RDK_PUBLIC_URL="https://$name:$https_port" \
  STRIPE_SECRET_KEY=sk_test_edge$(rdk_t_token 20) STRIPE_WEBHOOK_SECRET="$secret" STRIPE_API_BASE=http://127.0.0.1:9 QT_ENABLE_REGEXP_JIT=0
sync_port=$RDK_T_SYNC_PORT

# Caddy as production runs it, but offline: no admin endpoint, its state in the test folder,
# certificates from its local CA; it ends with this script (parent-death signal).
env -i PATH=/usr/bin:/bin HOME="$work" XDG_DATA_HOME="$work/xdg" XDG_CONFIG_HOME="$work/xdg" \
  RDK_EDGE_SITE="$name:$https_port" RDK_EDGE_BIND=127.0.0.1 RDK_EDGE_UPSTREAM="127.0.0.1:$sync_port" \
  RDK_EDGE_ADMIN=off RDK_EDGE_STORAGE="$work/caddy" RDK_EDGE_ACCESS_LOG="$work/access.log" \
  RDK_EDGE_CERTS=local_certs RDK_EDGE_HTTP_PORT="$http_port" RDK_EDGE_HTTPS_PORT="$https_port" \
  setpriv --pdeathsig TERM -- caddy run --config "$root/usr/share/rdk-sync/caddy/Caddyfile" --adapter caddyfile \
  >"$work/caddy.log" 2>&1 &
RDK_T_PIDS+=("$!")

ca=$work/caddy/pki/authorities/local/root.crt
tls() { curl -sS --max-time 10 --resolve "$name:$https_port:127.0.0.1" --cacert "$ca" "$@"; }
base=https://$name:$https_port
for _ in $(seq 1 150); do
  [ -f "$ca" ] && [ "$(tls "$base/healthz" 2>/dev/null)" = ok ] && break
  kill -0 "${RDK_T_PIDS[-1]}" 2>/dev/null || { cat "$work/caddy.log" >&2; rdk_t_fail "caddy exited"; }
  sleep 0.1
done
[ "$(tls "$base/healthz" 2>/dev/null)" = ok ] || { tail -20 "$work/caddy.log" >&2; rdk_t_fail "no answer over https within 15 s"; }
rdk_t_pass "Caddy serves https://$name:$https_port with a certificate from its local CA"

# The chain: trusted with Caddy's root, refused without it (nothing was added to the system's
# trust store), and the certificate names the shop.
if curl -sS --max-time 10 --resolve "$name:$https_port:127.0.0.1" "$base/healthz" >/dev/null 2>"$work/untrusted.err"; then
  rdk_t_fail "the local CA's certificate was trusted without its root: was it installed system-wide?"
fi
grep -qi 'certificate' "$work/untrusted.err" || rdk_t_fail "refused for another reason: $(cat "$work/untrusted.err")"
subject=$(echo | openssl s_client -connect "127.0.0.1:$https_port" -servername "$name" 2>/dev/null | openssl x509 -noout -ext subjectAltName 2>/dev/null)
grep -q "DNS:$name" <<<"$subject" || rdk_t_fail "the certificate does not name $name: $subject"
rdk_t_pass "the certificate names $name and verifies against Caddy's root only"

# The storefront page, over HTTP/2, with HSTS (rdk-sync's public URL is https).
tls --http2 -o "$work/home.html" -D "$work/home.headers" -w '%{http_code} %{http_version}\n' "$base/" >"$work/home.status"
read -r code version <"$work/home.status"
[ "$code" = 200 ] || rdk_t_fail "storefront page: HTTP $code"
[ "$version" = 2 ] || rdk_t_fail "storefront page came over HTTP/$version, not HTTP/2"
grep -q 'Edge Test Kickz' "$work/home.html" || rdk_t_fail "the storefront page does not show the shop's name"
grep -qi '^strict-transport-security: max-age=' "$work/home.headers" || rdk_t_fail "no HSTS header on the storefront page"
rdk_t_pass "storefront page: 200 over HTTP/2 with HSTS and the shop's name"

# /readyz stays private: 404 at the edge, 200 on rdk-sync's own loopback address.
code=$(tls -o /dev/null -w '%{http_code}' "$base/readyz")
[ "$code" = 404 ] || rdk_t_fail "/readyz through the edge: $code, expected 404"
code=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$sync_port/readyz")
[ "$code" = 200 ] || rdk_t_fail "/readyz on rdk-sync's own address: $code"
rdk_t_pass "/readyz: 404 through the edge, 200 on the service's loopback address"

# A Stripe webhook signed as Stripe signs it, through the edge: applied once, the second
# delivery a duplicate, a forged signature refused.
event_id=evt_edge_$(rdk_t_token 12)
body="{\"id\":\"$event_id\",\"object\":\"event\",\"type\":\"customer.created\",\"created\":$(date +%s),\"livemode\":false,\"data\":{\"object\":{\"id\":\"cus_edge\",\"object\":\"customer\"}}}"
t=$(date +%s)
sig=$(rdk_t_webhook_signature "$secret" "$t" "$body")
webhook() { tls -o "$work/webhook.out" -w '%{http_code}' -H 'Content-Type: application/json' -H "Stripe-Signature: $1" --data-binary "$body" "$base/api/stripe/webhook"; }
code=$(webhook "t=$t,v1=$sig")
[ "$code" = 200 ] || rdk_t_fail "signed webhook: HTTP $code $(cat "$work/webhook.out")"
first=$(cat "$work/webhook.out")
code=$(webhook "t=$t,v1=$sig")
[ "$code" = 200 ] && grep -q duplicate "$work/webhook.out" || rdk_t_fail "second delivery: HTTP $code $(cat "$work/webhook.out")"
forged=$(rdk_t_webhook_signature "whsec_not_the_shops" "$t" "$body")
code=$(webhook "t=$t,v1=$forged")
[ "$code" = 400 ] || rdk_t_fail "forged webhook: HTTP $code, expected 400"
rdk_t_pass "signed webhook through the edge: 200 ($first), again: duplicate, forged: 400"

# The money path's limits hold over TLS: a checkout body over 16 KiB is refused by Caddy.
# Caddy answers from the declared length and closes before reading the body, so curl may also
# report the upload cut short (exit 18); the status it received is what counts.
code=$(head -c 20000 /dev/zero | tr '\0' 'a' | tls -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @- "$base/api/checkout" 2>/dev/null || true)
[ "$code" = 413 ] || rdk_t_fail "20 kB checkout body: HTTP $code, expected 413"
rdk_t_pass "checkout body over 16 KiB: 413 at the edge"

# Plain http on the shop's name is redirected to https.
location=$(curl -sS --max-time 10 --resolve "$name:$http_port:127.0.0.1" -o /dev/null -w '%{http_code} %{redirect_url}' "http://$name:$http_port/")
[[ $location == "308 https://$name"* ]] || rdk_t_fail "http is not redirected to https: $location"
rdk_t_pass "http -> https redirect ($location)"

# The access log: one JSON line per request, with the TLS name and the webhook's status.
grep -q '"uri":"/api/stripe/webhook"' "$work/access.log" || rdk_t_fail "the webhook is not in the access log"
python3 - "$work/access.log" "$name" <<'PY' || rdk_t_fail "access log lines are not what they should be"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
hooks = [l for l in lines if l["request"]["uri"] == "/api/stripe/webhook"]
assert [h["status"] for h in hooks] == [200, 200, 400], [h["status"] for h in hooks]
assert all(l["request"]["tls"]["server_name"] == sys.argv[2] for l in hooks)
print(f"  access log: {len(lines)} JSON lines, webhook statuses {[h['status'] for h in hooks]}")
PY
rdk_t_pass "JSON access log with each request, its TLS name and status"

echo "1 passed, 0 failed"
