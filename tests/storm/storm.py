#!/usr/bin/env python3
"""Fault-injection storm against rdk-sync, PostgreSQL and the Stripe sandbox (run via run-storm).

Orders come from two channels: online shoppers through POST /api/checkout, and a counter
(point of sale) that places sales through the real data layer as a staff login (the
storm-counter tool), waits for rdk-sync to make the sale's Stripe Payment Link, and then has
the buyer pay it at the sandbox, cancels the sale, or walks away until its hold runs out.

Several rdk-sync processes (--processes N, N > 1; the short CI form runs two): they sit behind
Caddy with the project's own Caddyfile (resources/caddy/Caddyfile, upstreams taking turns), the
address every client, the relay and the injector use; each kill SIGKILLs one of them (in turn)
while the others keep serving, and restarts it. Shoppers then connect from their own loopback
addresses (127.x.y.z), so Caddy, not the shopper, writes the X-Forwarded-For rdk-sync believes.
The reconciliation also checks that no Stripe request of the counter was claimed twice except
those whose claimer was killed while it held them (the lease of migration 0024, ADR 0029).

Python standard library only: it drives processes (SIGKILL, pg_ctl restart), HTTP on many
threads and HMAC signing, which a shell script can't do well and a Qt test would make much
longer to read.

Who delivers what:
- Genuine events come from the sandbox, which signs them and retries failed deliveries with
  Stripe's backoff. Its webhook endpoint is a relay in this script (a stand-in for the network
  between Stripe and the shop): the relay keeps a copy of each raw body and forwards the request
  unchanged to rdk-sync, answering the sandbox with rdk-sync's status (502 when rdk-sync is
  down), so the sandbox's own retry carries events over kills and the database restart.
- Duplicates (20% of deliveries) and forged/stale/tampered events (5%) are sent by this script
  on 8 connections in shuffled order, with its own retry loop (as Stripe would) for genuine
  duplicates that meet a dead server. A final sweep redelivers any genuine event that never got
  a 2xx (the sandbox gives up after 8 tries, as Stripe gives up after 3 days).
"""
import argparse
import atexit
import hashlib
import hmac
import http.client
import http.server
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

ENV = os.environ
WORK = ENV["STORM_WORK"]
BIN = ENV["STORM_BIN"]
SYNC_PORT = int(ENV["STORM_SYNC_PORT"])
SANDBOX_PORT = int(ENV["STORM_SANDBOX_PORT"])
RELAY_PORT = int(ENV["STORM_RELAY_PORT"])
SECRET = "whsec_storm_" + hashlib.sha256(os.urandom(16)).hexdigest()[:24]
TENANT = "storm"
CONNECTIONS = 8
PRODUCTS = [("STORM-%d" % i, 9000 + 1000 * i) for i in range(1, 7)]   # sku, price in cents
SIZES = ["9", "10"]


def log(msg):
    print("storm: " + msg, file=sys.stderr, flush=True)


def psql(url, sql):
    # On stdin: the reconciliation lists thousands of event ids, too long for a command line.
    out = subprocess.run(["psql", "-qtAX", "-v", "ON_ERROR_STOP=1", url, "-f", "-"], input=sql,
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def http_call(port, method, path, body=b"", headers=None, timeout=15, source=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def sign(body, t, secret=SECRET):
    mac = hmac.new(secret.encode(), str(t).encode() + b"." + body, hashlib.sha256).hexdigest()
    return "t=%d,v1=%s" % (t, mac)


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.c = {}

    def add(self, key, n=1):
        with self.lock:
            self.c[key] = self.c.get(key, 0) + n

    def get(self, key):
        with self.lock:
            return self.c.get(key, 0)


COUNT = Counters()


# --------------------------------------------------------------------------------------------
# Processes
def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sync:
    """rdk-sync on a fixed port, so clients, the relay and the sandbox keep one address (the
    edge's, when there are several processes)."""

    def __init__(self, db_url, port=SYNC_PORT, name="rdk-sync", processes=1):
        self.proc = None
        self.port = port
        self.name = name
        self.pids = []      # every pid this slot has had, for the claims it may have left
        self.env = dict(ENV, RDK_ENV_FILE="/dev/null", DATABASE_URL=db_url, RDK_TENANT=TENANT,
                        RDK_SYNC_LISTEN="127.0.0.1:%d" % port, RDK_PUBLIC_URL="http://127.0.0.1:%d" % SYNC_PORT,
                        RDK_SYNC_PROCESSES=str(processes),
                        STRIPE_SECRET_KEY="sk_test_storm", STRIPE_WEBHOOK_SECRET=SECRET,
                        STRIPE_API_BASE="http://127.0.0.1:%d" % SANDBOX_PORT, RDK_LOG_LEVEL="warn",
                        # The storm plays the proxy: each simulated shopper names itself in X-Forwarded-For.
                        RDK_SYNC_TRUSTED_PROXIES="127.0.0.1")
        self.log = open(os.path.join(WORK, name + ".log"), "ab")

    def start(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            self.proc = subprocess.Popen([os.path.join(BIN, "app/sync/rdk-sync")], env=self.env,
                                         stdout=self.log, stderr=self.log)
            self.pids.append(self.proc.pid)
            while time.time() < deadline and self.proc.poll() is None:
                try:
                    if http_call(self.port, "GET", "/healthz", timeout=2)[0] == 200:
                        return
                except OSError:
                    pass
                time.sleep(0.05)
            if self.proc.poll() is not None:
                time.sleep(0.5)   # e.g. the database is restarting: try again, as systemd would
        raise RuntimeError("%s did not come up; see %s.log" % (self.name, self.name))

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def start_edge(upstreams):
    """Caddy with the project's Caddyfile on SYNC_PORT, in front of every rdk-sync process."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    home = os.path.join(WORK, "caddy")
    os.makedirs(home, exist_ok=True)
    env = dict(PATH=ENV.get("PATH", "/usr/bin:/bin"), HOME=home, XDG_DATA_HOME=home + "/data",
               XDG_CONFIG_HOME=home + "/config", RDK_EDGE_SITE="http://127.0.0.1:%d" % SYNC_PORT,
               RDK_EDGE_BIND="127.0.0.1", RDK_EDGE_UPSTREAM=" ".join("127.0.0.1:%d" % p for p in upstreams),
               RDK_EDGE_ADMIN="off", RDK_EDGE_STORAGE=home + "/storage", RDK_EDGE_ACCESS_LOG=home + "/access.log")
    out = open(os.path.join(WORK, "caddy.log"), "ab")
    proc = subprocess.Popen(["caddy", "run", "--config", os.path.join(root, "resources/caddy/Caddyfile"),
                             "--adapter", "caddyfile"], env=env, stdout=out, stderr=out)
    for _ in range(300):
        try:
            if http_call(SYNC_PORT, "GET", "/healthz", timeout=2)[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError("caddy did not come up; see caddy.log")


def start_sandbox():
    env = dict(ENV, RDK_ENV_FILE="/dev/null", SANDBOX_LISTEN="127.0.0.1:%d" % SANDBOX_PORT,
               STRIPE_WEBHOOK_SECRET=SECRET, SANDBOX_RETRY_BASE_MS="250",
               SANDBOX_WEBHOOK_URL="http://127.0.0.1:%d/relay" % RELAY_PORT)
    out = open(os.path.join(WORK, "sandbox.log"), "ab")
    proc = subprocess.Popen([os.path.join(BIN, "app/stripe-sandbox/rdk-stripe-sandbox")], env=env, stdout=out, stderr=out)
    for _ in range(200):
        try:
            if http_call(SANDBOX_PORT, "GET", "/_sandbox/health", timeout=2)[0] == 200:
                return proc
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("sandbox did not come up")


def pg_restart():
    cmd = [os.path.join(ENV["STORM_PG_BIN"], "pg_ctl"), "-D", ENV["STORM_PG_DATA"], "-l", ENV["STORM_PG_LOG"],
           "-m", "fast", "-w", "-t", "60", "restart"]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    subprocess.run(cmd, check=True, capture_output=True)


# --------------------------------------------------------------------------------------------
# The relay between the sandbox ("Stripe") and rdk-sync
class Events:
    def __init__(self):
        self.lock = threading.Lock()
        self.bodies = {}        # event id -> raw body
        self.types = {}
        self.delivered = set()  # ids that got a 2xx from rdk-sync at least once
        self.listeners = []
        self.in_flight = 0      # sandbox deliveries the relay is forwarding right now

    def seen(self, event_id, event_type, body):
        with self.lock:
            first = event_id not in self.bodies
            if first:
                self.bodies[event_id] = body
                self.types[event_id] = event_type
        if first:
            for f in self.listeners:
                f(event_id, body)

    def ok(self, event_id):
        with self.lock:
            self.delivered.add(event_id)


EVENTS = Events()


class RelayHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        with EVENTS.lock:
            EVENTS.in_flight += 1
        try:
            self.relay()
        finally:
            with EVENTS.lock:
                EVENTS.in_flight -= 1

    def relay(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            event = json.loads(body)
            EVENTS.seen(event["id"], event["type"], body)
        except (ValueError, KeyError):
            pass
        headers = {"Content-Type": self.headers.get("Content-Type", "application/json"),
                   "Stripe-Signature": self.headers.get("Stripe-Signature", "")}
        try:
            # Under the sandbox's own 10 s timeout, so it hears a 502 rather than a reset.
            status, answer = http_call(SYNC_PORT, "POST", "/api/stripe/webhook", body, headers, timeout=9)
        except OSError:
            status, answer = 502, b'{"relay":"rdk-sync unreachable"}'
        COUNT.add("sandbox deliveries")
        if 200 <= status < 300 and b'"id"' in body:
            try:
                EVENTS.ok(json.loads(body)["id"])
            except (ValueError, KeyError):
                pass
        else:
            COUNT.add("sandbox deliveries refused or failed (retried by the sandbox)")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except OSError:
            COUNT.add("sandbox hung up before the relay answered (it retries)")


# --------------------------------------------------------------------------------------------
# Direct deliveries: duplicates and forgeries, shuffled, on CONNECTIONS workers
class Injector:
    def __init__(self, rng):
        self.rng = rng
        self.lock = threading.Lock()
        self.items = []          # (not_before, kind, event_id, body, header_fn)
        self.pending = 0
        self.cond = threading.Condition(self.lock)
        self.stop = False
        self.forged_ids = set()
        self.forged_targets = set()

    def put(self, kind, event_id, body, header_fn, delay):
        with self.cond:
            self.items.append((time.time() + delay, kind, event_id, body, header_fn))
            self.pending += 1
            self.cond.notify()

    def take(self):
        with self.cond:
            while True:
                if self.stop:
                    return None
                now = time.time()
                ready = [i for i, it in enumerate(self.items) if it[0] <= now]
                if ready:
                    # Any ready item, not the oldest: deliveries arrive shuffled.
                    return self.items.pop(self.rng.choice(ready))
                self.cond.wait(0.05)

    def done(self):
        with self.cond:
            self.pending -= 1
            self.cond.notify_all()

    def wait_idle(self, timeout):
        deadline = time.time() + timeout
        with self.cond:
            while self.pending > 0 and time.time() < deadline:
                self.cond.wait(0.2)
            return self.pending == 0

    def worker(self):
        while True:
            item = self.take()
            if item is None:
                return
            _, kind, event_id, body, header_fn = item
            backoff = 0.2
            while True:
                try:
                    status, _ = http_call(SYNC_PORT, "POST", "/api/stripe/webhook", body,
                                          {"Content-Type": "application/json; charset=utf-8",
                                           "Stripe-Signature": header_fn()})
                except OSError:
                    status = 0
                if kind == "forged":
                    if status == 400:
                        COUNT.add("forged or stale deliveries refused (400)")
                        break
                    if 200 <= status < 300:
                        COUNT.add("FORGED DELIVERIES ACCEPTED")
                        break
                elif 200 <= status < 300:
                    COUNT.add("duplicate deliveries (2xx)")
                    EVENTS.ok(event_id)
                    break
                elif status == 400:
                    COUNT.add("GENUINE DELIVERIES REFUSED (400)")
                    break
                # Down (0), 5xx: retry as Stripe would, a little later.
                COUNT.add("direct deliveries retried (rdk-sync down or 5xx)")
                time.sleep(backoff)
                backoff = min(backoff * 2, 3.0)
            self.done()


# --------------------------------------------------------------------------------------------
# The shoppers
class Shop:
    def __init__(self, rng, orders):
        self.rng = rng
        self.lock = threading.Lock()
        self.orders = {}         # order id -> dict(session, fate, total, lines)
        self.started = 0
        self.finished = 0
        self.target = orders
        self.ip = 0

    def next_ip(self):
        with self.lock:
            self.ip += 1
            n = self.ip
        if EDGE:
            # A loopback address of its own (never 127.0.0.1, Caddy's): the edge writes it.
            return "127.%d.%d.%d" % (1 + ((n >> 16) & 127), (n >> 8) & 255, n & 255)
        return "10.%d.%d.%d" % ((n >> 16) & 255, (n >> 8) & 255, n & 255)

    def place(self):
        prices = dict(PRODUCTS)
        picks = self.rng.sample([(s, z) for s, _ in PRODUCTS for z in SIZES], self.rng.choice([1, 1, 2]))
        items = [{"sku": s, "size": z, "quantity": self.rng.choice([1, 1, 2])} for s, z in picks]
        body = json.dumps({"items": items, "email": "shopper@example.com"}).encode()
        ip = self.next_ip()
        headers = {"Content-Type": "application/json"}
        if not EDGE:
            headers["X-Forwarded-For"] = ip
        for attempt in range(8):
            try:
                status, answer = http_call(SYNC_PORT, "POST", "/api/checkout", body, headers, source=ip if EDGE else None)
            except OSError:
                status, answer = 0, b""
            if status == 201:
                placed = json.loads(answer)
                session = urllib.parse.urlparse(placed["url"]).path.rsplit("/", 1)[-1]
                total = sum(prices[i["sku"]] * i["quantity"] for i in items)
                return placed["order_id"], session, total, items
            if status == 409:
                COUNT.add("checkouts refused: out of stock (409)")
                return None
            # A shopper whose checkout failed tries again; an order the dead server had already
            # placed stays pending and its hold must run out (checked at the end).
            COUNT.add("checkout attempts failed and retried (down, 5xx)")
            time.sleep(0.2 * (attempt + 1))
        COUNT.add("checkouts given up")
        return None

    def place_at_counter(self):
        picks = self.rng.sample([(s, z) for s, _ in PRODUCTS for z in SIZES], self.rng.choice([1, 1, 2]))
        items = ["%s:%s:%d" % (s, z, self.rng.choice([1, 1, 2])) for s, z in picks]
        code, answer = counter("sale", *items)
        if code == 3:
            COUNT.add("counter sales refused: out of stock")
            return None
        if code != 0:
            COUNT.add("COUNTER SALES FAILED")
            log("counter sale failed: %s" % answer)
            return None
        return answer["order_id"], answer["total"]

    def counter_sale(self):
        placed = self.place_at_counter()
        if not placed:
            return
        order_id, total = placed
        roll = self.rng.random()
        fate = "pay" if roll < 0.6 else ("cancel" if roll < 0.75 else "abandon")
        # The buyer scans the QR code once the link exists; after a kill of rdk-sync its claim
        # may wait for the stuck-request pick-up, hence the long wait.
        code, link = counter("link", order_id, "200")
        if code != 0:
            COUNT.add("COUNTER LINKS NEVER READY")
            log("no link for %s: %s" % (order_id, link))
            fate = "abandon"
            link = {}
        with self.lock:
            self.orders[order_id] = dict(session=None, link=link.get("payment_link_id"), fate=fate, total=total,
                                         channel="pos")
        if fate == "pay":
            self.pay_link(link["payment_link_id"])
        elif fate == "cancel":
            code, answer = counter("cancel", order_id)
            if code != 0:
                COUNT.add("COUNTER CANCELS FAILED")
                log("cancel of %s failed: %s" % (order_id, answer))
        COUNT.add("counter sales placed")

    def pay_link(self, link_id):
        for attempt in range(20):
            try:
                status, answer = http_call(SANDBOX_PORT, "POST", "/_sandbox/payment_links/%s/pay" % link_id)
            except OSError:
                status, answer = 0, b""
            if status == 200:
                return
            time.sleep(0.1 * (attempt + 1))
        raise RuntimeError("sandbox refused to pay link %s: %s" % (link_id, answer[:200]))

    def settle(self, session, action):
        for attempt in range(20):
            try:
                status, answer = http_call(SANDBOX_PORT, "POST", "/_sandbox/checkout/sessions/%s/%s" % (session, action))
            except OSError:
                status, answer = 0, b""
            if status == 200:
                return True
            time.sleep(0.1 * (attempt + 1))
        raise RuntimeError("sandbox refused %s of %s: %s" % (action, session, answer[:200]))

    def shopper(self):
        while True:
            with self.lock:
                if self.started >= self.target:
                    return
                self.started += 1
            if self.rng.random() < POS_SHARE:
                self.counter_sale()
                with self.lock:
                    self.finished += 1
                continue
            placed = self.place()
            if placed:
                order_id, session, total, items = placed
                roll = self.rng.random()
                fate = "pay" if roll < 0.6 else ("expire" if roll < 0.75 else "abandon")
                with self.lock:
                    self.orders[order_id] = dict(session=session, fate=fate, total=total, items=items, channel="online")
                if fate == "pay":
                    self.settle(session, "complete")
                elif fate == "expire":
                    self.settle(session, "expire")
                COUNT.add("online orders placed")
            with self.lock:
                self.finished += 1

    def progress(self):
        with self.lock:
            return self.finished / self.target

    def unpaid_targets(self):
        with self.lock:
            return [(oid, o) for oid, o in self.orders.items() if o["fate"] != "pay"]


COUNTER_URL = None     # the staff login the counter signs in with (set up in main)
EDGE = False           # several rdk-sync processes behind Caddy (--processes > 1)
POS_SHARE = 0.25


def counter(*args):
    """Runs one storm-counter command; (exit code, parsed JSON answer or the error text)."""
    done = subprocess.run([os.path.join(BIN, "tests/storm/storm-counter"), args[0], COUNTER_URL] + list(args[1:]),
                          capture_output=True, text=True, timeout=300)
    if done.returncode == 0:
        return 0, json.loads(done.stdout.strip().splitlines()[-1])
    return done.returncode, done.stderr.strip()[-300:]


def forged_event(rng, injector, shop, n):
    """A checkout.session.completed that would mark an unpaid order paid, if it were believed."""
    targets = shop.unpaid_targets()
    if targets:
        order_id, o = rng.choice(targets)
        session, total = o["session"] or "cs_test_forged%d" % n, o["total"]
    else:
        order_id, session, total = "00000000-0000-4000-8000-%012d" % n, "cs_test_forged%d" % n, 9000
    injector.forged_targets.add(order_id)
    event_id = "evt_forged_%d" % n
    injector.forged_ids.add(event_id)
    body = json.dumps({"id": event_id, "object": "event", "type": "checkout.session.completed",
                       "created": int(time.time()), "livemode": False,
                       "data": {"object": {"object": "checkout.session", "id": session, "status": "complete",
                                           "payment_status": "paid", "amount_total": total, "currency": "usd",
                                           "payment_intent": "pi_forged_%d" % n,
                                           "metadata": {"order_id": order_id}}}}).encode()
    kind = n % 4
    if kind == 0:     # signed with a secret that isn't ours
        return event_id, body, lambda: sign(body, int(time.time()), "whsec_attacker_guess")
    if kind == 1:     # our secret, but older than the 300 s tolerance: a replayed capture
        return event_id, body, lambda: sign(body, int(time.time()) - 301 - rng.randint(0, 3600))
    if kind == 2:     # our secret, dated in the future beyond the tolerance
        return event_id, body, lambda: sign(body, int(time.time()) + 301 + rng.randint(0, 3600))
    # A correct signature over a different body (the amount was changed after signing).
    original = body.replace(b'"amount_total": %d' % total, b'"amount_total": %d' % (total + 1))
    return event_id, body, lambda: sign(original, int(time.time()))


# --------------------------------------------------------------------------------------------
def setup_database():
    admin = os.path.join(BIN, "app/admin/rdk-admin")
    env = dict(ENV, DATABASE_URL=ENV["STORM_OWNER_URL"], RDK_ENV_FILE="/dev/null", RDK_LOG_LEVEL="warn")
    subprocess.run([admin, "migrate", "up"], env=env, check=True, capture_output=True)
    subprocess.run([admin, "tenant", "create", TENANT, "--name", "Storm Shop", "--currency", "USD"], env=env,
                   check=True, capture_output=True)
    password = hashlib.sha256(os.urandom(16)).hexdigest()[:24]
    subprocess.run([admin, "service", "create", "sync_storm", "--tenant", TENANT], env=env, input=password + "\n", text=True,
                   check=True, capture_output=True)
    counter_password = hashlib.sha256(os.urandom(16)).hexdigest()[:24]
    subprocess.run([admin, "staff", "create", "storm_counter", "--tenant", TENANT, "--role", "staff", "--name", "Counter"],
                   env=env, input=counter_password + "\n", text=True, check=True, capture_output=True)
    return ("postgresql://sync_storm:%s@%s/rdk" % (password, ENV["STORM_DB_HOSTPORT"]),
            "postgresql://storm_counter:%s@%s/rdk" % (counter_password, ENV["STORM_DB_HOSTPORT"]))


def seed_stock(orders):
    # Fewer units than shoppers want (about 1.8 pairs an order, 1.2 on the shelf): most checkouts
    # get their pairs, the late ones race for the last and some are refused.
    per_row = max(2, orders * 12 // (10 * len(PRODUCTS) * len(SIZES)))
    rows = []
    for sku, price in PRODUCTS:
        rows.append("""WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency,
                inventory_strategy, size_system, size_run, published)
              VALUES ((SELECT id FROM tenants WHERE slug = '%s'), '%s', 'Storm %s', 'Nike', 'new', %d, 'USD',
                'per_size', 'mens', '{9,10}', true) RETURNING id, tenant_id)
            INSERT INTO inventory (tenant_id, product_id, size, quantity)
            SELECT tenant_id, id, s, %d FROM p, unnest(ARRAY['9','10']) s;""" % (TENANT, sku, sku, price, per_row))
    psql(ENV["STORM_SUPER_URL"], "\n".join(rows))
    return per_row * len(PRODUCTS) * len(SIZES)


def chaos_plan(kills, pg_restarts):
    """Fractions of the shoppers' progress at which to strike, spread over the run."""
    plan = []
    slots = kills + pg_restarts
    marks = [0.2 + 0.6 * i / max(1, slots - 1) for i in range(slots)] if slots > 1 else [0.4]
    kinds = []
    for i in range(slots):
        # Interleave: kill, pg restart, kill, ...
        if i % 2 == 1 and pg_restarts > 0:
            kinds.append("pg")
            pg_restarts -= 1
        elif kills > 0:
            kinds.append("kill")
            kills -= 1
        else:
            kinds.append("pg")
            pg_restarts -= 1
    for mark, kind in zip(marks, kinds):
        plan.append((mark, kind))
    return plan


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=300)
    ap.add_argument("--kills", type=int, default=1)
    ap.add_argument("--pg-restarts", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pos-share", type=float, default=0.25, help="fraction of orders placed at the counter")
    ap.add_argument("--processes", type=int, default=1, help="rdk-sync processes; more than one run behind Caddy")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    started = time.time()
    log("seed %d, %d orders (%.0f%% at the counter), %d rdk-sync process(es)%s, %d kill(s) of rdk-sync, "
        "%d PostgreSQL restart(s)" % (args.seed, args.orders, 100 * args.pos_share, args.processes,
                                      " behind Caddy" if args.processes > 1 else "", args.kills, args.pg_restarts))

    global COUNTER_URL, POS_SHARE, EDGE
    POS_SHARE = args.pos_share
    EDGE = args.processes > 1
    sync_url, COUNTER_URL = setup_database()
    initial_units = seed_stock(args.orders)
    baseline_audit = int(psql(ENV["STORM_SUPER_URL"], "SELECT count(*) FROM audit_log"))
    baseline_audit_id = int(psql(ENV["STORM_SUPER_URL"], "SELECT coalesce(max(id), 0) FROM audit_log"))

    relay = http.server.ThreadingHTTPServer(("127.0.0.1", RELAY_PORT), RelayHandler)
    relay.daemon_threads = True
    threading.Thread(target=relay.serve_forever, daemon=True).start()
    sandbox = start_sandbox()
    if EDGE:
        syncs = [Sync(sync_url, free_port(), "rdk-sync-%d" % (i + 1), args.processes) for i in range(args.processes)]
    else:
        syncs = [Sync(sync_url)]
    edge = []
    # Whatever ends the run (a failed step, run-storm's cleanup), no service outlives it.
    atexit.register(lambda: ([s.stop() for s in syncs], sandbox.kill(), [e.kill() for e in edge]))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    for s in syncs:
        s.start()
    if EDGE:
        edge.append(start_edge([s.port for s in syncs]))
    orphaned = {}   # Stripe request id -> times its claimer was killed while holding it
    kills_done = 0

    injector = Injector(random.Random(args.seed + 1))
    shop = Shop(random.Random(args.seed + 2), args.orders)
    forged_n = [0]
    forge_lock = threading.Lock()

    def on_genuine(event_id, body):
        # 20% of all deliveries are duplicates (0.25 per original), 5% forged (1/19 per genuine one).
        if injector.rng.random() < 0.25:
            injector.put("duplicate", event_id, body, lambda: sign(body, int(time.time())), injector.rng.uniform(0, 2))
            COUNT.add("duplicates scheduled")
        if injector.rng.random() < 1 / 19 * 1.25:
            with forge_lock:
                forged_n[0] += 1
                n = forged_n[0]
            fid, fbody, fheader = forged_event(injector.rng, injector, shop, n)
            injector.put("forged", fid, fbody, fheader, injector.rng.uniform(0, 2))
            COUNT.add("forged or stale deliveries scheduled")

    EVENTS.listeners.append(on_genuine)
    workers = [threading.Thread(target=injector.worker, daemon=True) for _ in range(CONNECTIONS)]
    for w in workers:
        w.start()
    shoppers = [threading.Thread(target=shop.shopper) for _ in range(CONNECTIONS)]
    for s in shoppers:
        s.start()

    for mark, kind in chaos_plan(args.kills, args.pg_restarts):
        while shop.progress() < mark and any(s.is_alive() for s in shoppers):
            time.sleep(0.05)
        if kind == "kill":
            victim = syncs[kills_done % len(syncs)]
            kills_done += 1
            pid = victim.proc.pid
            log("SIGKILL %s (pid %d) at %.0f%% of the shoppers" % (victim.name, pid, 100 * shop.progress()))
            victim.kill()
            # What the dead process held: claims it committed and can never finish. (A claim it
            # had not committed dies with its connection.) Taken over once their lease runs out.
            time.sleep(0.5)
            held = psql(ENV["STORM_SUPER_URL"], "SELECT coalesce(string_agg(id::text, ','), '') FROM stripe_requests "
                                                "WHERE state = 'working' AND claimed_by LIKE '%%:%d'" % pid)
            for rid in (x for x in held.split(",") if x):
                orphaned[int(rid)] = orphaned.get(int(rid), 0) + 1
            COUNT.add("Stripe requests held by a killed rdk-sync", len([x for x in held.split(",") if x]))
            time.sleep(rng.uniform(0.3, 1.5))
            victim.start()
            COUNT.add("rdk-sync SIGKILLs")
        else:
            log("pg_ctl restart -m fast at %.0f%% of the shoppers" % (100 * shop.progress()))
            pg_restart()
            COUNT.add("PostgreSQL restarts")
    for s in shoppers:
        s.join()
    log("shoppers done after %.1f s; waiting for deliveries" % (time.time() - started))

    # Every genuine event must reach rdk-sync: the sandbox retries; then our sweep.
    drain(injector, 0)

    # Let the holds of abandoned (and orphaned) orders run out: move their expiry into the past
    # instead of waiting 35 minutes, then run the release the service's sweep runs every minute.
    psql(ENV["STORM_SUPER_URL"], "UPDATE stock_reservations SET expires_at = now() - interval '1 second' "
                                 "WHERE state = 'held'; UPDATE orders SET reserved_until = now() - interval '1 second' "
                                 "WHERE status IN ('pending', 'awaiting_payment')")
    released = int(psql(ENV["STORM_OWNER_URL"], "SELECT rdk.release_expired_reservations()"))
    COUNT.add("reservations released at expiry", released)
    # Stripe then expires the abandoned sessions too; those late events must change nothing.
    abandoned = [o["session"] for o in shop.orders.values() if o["fate"] == "abandon" and o["session"]]
    with EVENTS.lock:
        before = len(EVENTS.bodies)
    for session in abandoned:
        shop.settle(session, "expire")
    drain(injector, before + len(abandoned))
    # Counter sales paid, canceled or run out queue the deactivation of their links; rdk-sync
    # works them off (a request a killed rdk-sync held is picked up again).
    wait_for_stripe_requests(180)
    injector.stop = True
    elapsed = time.time() - started

    with open(os.path.join(WORK, "sandbox.log"), "rb") as f:
        COUNT.add("events the sandbox gave up on after 8 tries", f.read().count(b"giving up on"))
    if EDGE:
        # Both served: what each answered since its last start (a restart zeroes its counters).
        for s in syncs:
            try:
                text = http_call(s.port, "GET", "/metrics", timeout=10)[1].decode()
            except OSError:
                continue
            for route, label in (("/api/checkout", "checkouts"), ("/api/stripe/webhook", "webhook deliveries")):
                n = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                        if line.startswith("rdk_http_requests_total{") and 'route="%s"' % route in line)
                COUNT.add("%s answered by %s since its last start" % (label, s.name), int(n))
    ok = reconcile(shop, injector, initial_units, baseline_audit, baseline_audit_id, orphaned, syncs)
    for s in syncs:
        s.stop()
    for e in edge:
        e.terminate()
    sandbox.terminate()
    relay.shutdown()
    log("wall time %.1f s" % elapsed)
    print("STORM %s: %d orders requested, wall time %.1f s" % ("PASSED" if ok else "FAILED", args.orders, elapsed))
    sys.exit(0 if ok else 1)


def wait_for_stripe_requests(seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if psql(ENV["STORM_SUPER_URL"], "SELECT count(*) FROM stripe_requests WHERE state IN ('queued', 'working')") == "0":
            return
        time.sleep(0.5)
    log("Stripe requests still open after %d s" % seconds)


def drain(injector, expected_events):
    """Waits until the sandbox has finished its retries and every genuine event got a 2xx,
    redelivering (the script's own retry) any that the sandbox gave up on."""
    deadline = time.time() + 240
    quiet = 0
    while time.time() < deadline:
        injector.wait_idle(5)
        listed = json.loads(http_call(SANDBOX_PORT, "GET", "/_sandbox/events", timeout=60)[1])["data"]
        busy = [e for e in listed if not e["delivered"] and e["retry_scheduled"]]
        with EVENTS.lock:
            seen = len(EVENTS.bodies)
            in_flight = EVENTS.in_flight
            missing = [(i, EVENTS.bodies[i]) for i in EVENTS.bodies if i not in EVENTS.delivered]
        # Two quiet looks in a row: no retry scheduled, nothing in flight, nothing still to come.
        quiet = quiet + 1 if not busy and not in_flight and seen >= expected_events else 0
        if quiet < 2:
            time.sleep(0.5)
            continue
        if not missing:
            return
        for event_id, body in missing:
            injector.put("duplicate", event_id, body, lambda body=body: sign(body, int(time.time())), 0)
            COUNT.add("genuine events redelivered by the final sweep")
        injector.wait_idle(60)
    log("deliveries did not settle in time")


def reconcile(shop, injector, initial_units, baseline_audit, baseline_audit_id, orphaned, syncs):
    q = lambda sql: psql(ENV["STORM_SUPER_URL"], sql)
    checks = []

    def check(name, passed, detail=""):
        checks.append((name, passed, detail))

    paid_by_us = sorted(oid for oid, o in shop.orders.items() if o["fate"] == "pay")
    paid_in_db = q("SELECT coalesce(string_agg(id::text, ',' ORDER BY id::text), '') FROM orders WHERE status = 'paid'")
    paid_in_db = sorted(x for x in paid_in_db.split(",") if x)
    check("every validly paid order is paid", set(paid_by_us) <= set(paid_in_db),
          "%d paid at the sandbox, %d paid in the database" % (len(paid_by_us), len(paid_in_db)))
    check("no order is paid that was not paid at the sandbox", set(paid_in_db) <= set(paid_by_us))
    twice = q("SELECT count(*) FROM (SELECT order_id FROM stripe_events WHERE outcome = 'applied' AND type IN "
              "('checkout.session.completed', 'checkout.session.async_payment_succeeded') "
              "GROUP BY order_id HAVING count(*) > 1) t")
    check("no order has two applied payment events", twice == "0", "%s orders" % twice)
    sold_mismatch = q("SELECT count(*) FROM orders o WHERE o.status = 'paid' AND "
                      "(SELECT coalesce(sum(quantity), 0) FROM order_items WHERE order_id = o.id) <> "
                      "(SELECT coalesce(sum(quantity), 0) FROM stock_reservations WHERE order_id = o.id AND state = 'sold')")
    check("each paid order sold exactly its units", sold_mismatch == "0", "%s orders differ" % sold_mismatch)

    forged_ids = sorted(injector.forged_ids)
    forged_recorded = q("SELECT count(*) FROM stripe_events WHERE id LIKE 'evt_forged_%'")
    check("no forged or stale event was recorded", forged_recorded == "0", "%s recorded" % forged_recorded)
    forged_paid = len(set(paid_in_db) & (injector.forged_targets - set(paid_by_us)))
    check("no forged event paid its target order", forged_paid == 0,
          "%d targets, %d paid" % (len(injector.forged_targets), forged_paid))
    check("every forged delivery was refused with 400",
          COUNT.get("FORGED DELIVERIES ACCEPTED") == 0
          and COUNT.get("forged or stale deliveries refused (400)") == len(forged_ids),
          "%d sent, %d refused" % (len(forged_ids), COUNT.get("forged or stale deliveries refused (400)")))

    negative = q("SELECT count(*) FROM inventory WHERE quantity < 0 OR reserved < 0")
    audit_negative = q("SELECT count(*) FROM audit_log WHERE entity = 'inventory' AND "
                       "((after->>'quantity')::int < 0 OR (after->>'reserved')::int < 0)")
    check("stock never went negative (now or in any audited change)", negative == "0" and audit_negative == "0")
    stock_now = int(q("SELECT sum(quantity) FROM inventory"))
    sold_units = int(q("SELECT coalesce(sum(oi.quantity), 0) FROM order_items oi JOIN orders o ON o.id = oi.order_id "
                       "WHERE o.status = 'paid'"))
    check("stock equals initial minus paid units", stock_now == initial_units - sold_units,
          "initial %d, paid units %d, now %d" % (initial_units, sold_units, stock_now))
    per_row = q("SELECT count(*) FROM inventory i WHERE i.reserved <> 0 OR i.quantity <> "
                "(SELECT (a.after->>'quantity')::int FROM audit_log a WHERE a.entity = 'inventory' "
                " AND a.action = 'insert' AND a.entity_id = i.id::text) - "
                "(SELECT coalesce(sum(r.quantity), 0) FROM stock_reservations r WHERE r.inventory_id = i.id AND r.state = 'sold')")
    check("each stock row equals its initial count minus its sold units, nothing held", per_row == "0",
          "%s rows differ" % per_row)

    outlived = q("SELECT count(*) FROM stock_reservations WHERE state = 'held' AND expires_at <= now()")
    held = q("SELECT count(*) FROM stock_reservations WHERE state = 'held'")
    stuck = q("SELECT count(*) FROM orders WHERE status IN ('pending', 'awaiting_payment')")
    check("no reservation outlived its expiry", outlived == "0" and held == "0" and stuck == "0",
          "%s expired holds, %s holds, %s orders still pending" % (outlived, held, stuck))

    with EVENTS.lock:
        genuine = set(EVENTS.bodies)
        delivered = set(EVENTS.delivered)
    recorded = int(q("SELECT count(*) FROM stripe_events"))
    recorded_distinct = int(q("SELECT count(DISTINCT id) FROM stripe_events"))
    check("every genuine event was delivered", genuine == delivered,
          "%d genuine, %d delivered" % (len(genuine), len(delivered)))
    check("every accepted event id is recorded once", recorded == recorded_distinct == len(genuine),
          "%d rows, %d distinct, %d genuine events" % (recorded, recorded_distinct, len(genuine)))
    ids = ",".join("'%s'" % i for i in sorted(genuine)) or "''"
    unknown = q("SELECT count(*) FROM stripe_events WHERE id NOT IN (%s)" % ids)
    check("nothing but genuine events is recorded", unknown == "0", "%s others" % unknown)

    # Audit: one row per order status change and per stock change since the storm began.
    order_audit = int(q("SELECT count(*) FROM audit_log WHERE entity = 'order' AND id > %d" % baseline_audit_id))
    status_changes = int(q("SELECT count(*) FROM orders WHERE status <> 'pending'"))
    bad_chain = q("SELECT count(*) FROM orders o WHERE o.status <> 'pending' AND NOT EXISTS (SELECT 1 FROM audit_log a "
                  "WHERE a.entity = 'order' AND a.entity_id = o.id::text AND a.before->>'status' = 'pending' "
                  "AND a.after->>'status' = o.status)")
    check("one audit entry per order status change", order_audit == status_changes and bad_chain == "0",
          "%d audit rows, %d status changes, %s without their entry" % (order_audit, status_changes, bad_chain))
    stock_audit = int(q("SELECT count(*) FROM audit_log WHERE entity = 'inventory' AND action = 'update' AND id > %d"
                        % baseline_audit_id))
    stock_changes = int(q("SELECT count(*) + count(*) FILTER (WHERE state IN ('sold', 'released')) FROM stock_reservations"))
    check("one audit entry per stock change (hold, sale, release)", stock_audit == stock_changes,
          "%d audit rows, %d changes" % (stock_audit, stock_changes))

    # The counter: one link per sale at most, and no link of a finished sale still payable.
    links = json.loads(http_call(SANDBOX_PORT, "GET", "/_sandbox/payment_links", timeout=60)[1])["data"]
    per_order = {}
    for link in links:
        order = (link.get("metadata") or {}).get("order_id", "")
        per_order[order] = per_order.get(order, 0) + 1
    check("each counter sale has at most one payment link", all(n == 1 for n in per_order.values()),
          "%d links for %d sales" % (len(links), len(per_order)))
    finished = set(x for x in q("SELECT coalesce(string_agg(id::text, ','), '') FROM orders WHERE channel = 'pos' "
                                "AND status <> 'pending'").split(",") if x)
    still_active = [l["id"] for l in links if l.get("active") and (l.get("metadata") or {}).get("order_id") in finished]
    check("every link of a paid, canceled or run-out sale is deactivated", not still_active,
          "%d of %d links still active" % (len(still_active), len(links)))
    open_requests = q("SELECT count(*) FROM stripe_requests WHERE state IN ('queued', 'working')")
    failed_requests = q("SELECT count(*) FROM stripe_requests WHERE state = 'failed' AND kind <> 'payment_link'")
    check("every Stripe request of the counter was worked off", open_requests == "0" and failed_requests == "0",
          "%s open, %s deactivations/refunds failed" % (open_requests, failed_requests))
    # Claimed once: a request is claimed again only when its claimer died holding it (each kill
    # counted) or gave it up itself (it could not record the outcome, e.g. while PostgreSQL
    # restarted, and says so in its log), never while a live process still works it.
    given_up = {}
    in_doubt = 0   # commits the server may have made after the connection broke (PostgreSQL restart)
    for s in syncs:
        with open(os.path.join(WORK, s.name + ".log"), "rb") as f:
            for line in f:
                if b"Connection lost while committing" in line and b'"request_id"' not in line \
                        and b'"stripe_event_id"' not in line and b'"stripe_request_id"' not in line:
                    # Outside any request: a claim, a sweep or a page-view batch. A claim that
                    # committed unbeknown to its claimer is never worked by it; it is taken over
                    # when its lease runs out.
                    in_doubt += 1
                if b"done but not recorded yet" in line:
                    try:
                        rid = int(json.loads(line).get("stripe_request_id", "0"))
                    except ValueError:
                        continue
                    given_up[rid] = given_up.get(rid, 0) + 1
    claims = q("SELECT coalesce(string_agg(id || ':' || attempts || ':' || coalesce(claimed_by, ''), ','), '') "
               "FROM stripe_requests WHERE attempts > 1")
    reclaimed = [c.split(":") for c in claims.split(",") if c]
    twice = [c for c in reclaimed if int(c[1]) > 1 + orphaned.get(int(c[0]), 0) + given_up.get(int(c[0]), 0)]
    check("every Stripe request was claimed once, or again only after its claimer was killed, gave it up or "
          "lost the claim's commit", len(twice) <= in_doubt,
          "%d claimed again, %d held by a killed process, %d given up, %d claims in doubt, %d claimed more often "
          "than that%s" % (len(reclaimed), len(orphaned), len(given_up), in_doubt, len(twice),
                           (": " + ", ".join(":".join(c) for c in twice[:5])) if twice else ""))
    live_pids = set()
    for s in syncs:
        live_pids.update(s.pids)
    strangers = q("SELECT count(*) FROM stripe_requests WHERE claimed_by IS NOT NULL AND "
                  "NOT (split_part(claimed_by, ':', 2) = ANY ('{%s}'::text[]))" % ",".join(str(p) for p in live_pids))
    check("every claim names one of the storm's rdk-sync processes", strangers == "0", "%s others" % strangers)
    if len(syncs) > 1:
        by = q("SELECT coalesce(string_agg(n::text, '/' ORDER BY n), '') FROM (SELECT count(*) n FROM stripe_requests "
               "WHERE claimed_by IS NOT NULL GROUP BY split_part(claimed_by, ':', 2)) t")
        log("Stripe requests claimed, per rdk-sync pid: %s" % (by or "none"))
    check("the counter never failed to place, link or cancel a sale",
          COUNT.get("COUNTER SALES FAILED") + COUNT.get("COUNTER LINKS NEVER READY") + COUNT.get("COUNTER CANCELS FAILED") == 0)

    fates = {}
    for o in shop.orders.values():
        fates[o["fate"]] = fates.get(o["fate"], 0) + 1
    outcomes = q("SELECT string_agg(outcome || '=' || n, ', ' ORDER BY outcome) FROM "
                 "(SELECT outcome, count(*) n FROM stripe_events GROUP BY 1) t")
    statuses = q("SELECT string_agg(status || '=' || n, ', ' ORDER BY status) FROM "
                 "(SELECT status, count(*) n FROM orders GROUP BY 1) t")
    orphans = len(set(q("SELECT coalesce(string_agg(id::text, ','), '') FROM orders").split(",")) - set(shop.orders) - {""})

    print("\n== storm counts ==")
    pos = [o for o in shop.orders.values() if o["channel"] == "pos"]
    rows = [("orders placed, online and at the counter", len(shop.orders)), ("  of them at the counter", len(pos)),
            ("  paid at the sandbox", fates.get("pay", 0)),
            ("  expired at the sandbox (online)", fates.get("expire", 0)),
            ("  canceled at the counter", fates.get("cancel", 0)),
            ("  abandoned (hold runs out)", fates.get("abandon", 0)), ("payment links made", len(links)),
            ("orders placed by a killed request (orphans)", orphans), ("initial units", initial_units),
            ("paid units", sold_units), ("units now", stock_now), ("genuine events", len(genuine)),
            ("forged/stale events", len(forged_ids))]
    for k in sorted(COUNT.c):
        rows.append((k, COUNT.c[k]))
    rows += [("stripe_events outcomes", outcomes), ("order statuses", statuses), ("audit rows added", 
             int(q("SELECT count(*) FROM audit_log")) - baseline_audit)]
    for k, v in rows:
        print("  %-62s %s" % (k, v))
    print("\n== reconciliation ==")
    for name, passed, detail in checks:
        print("  [%s] %s%s" % ("ok" if passed else "FAIL", name, (" (%s)" % detail) if detail else ""))
    return all(p for _, p, _ in checks)


if __name__ == "__main__":
    main()
