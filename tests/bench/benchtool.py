#!/usr/bin/env python3
"""Helpers for tests/bench/run-sync-bench (standard library only).

  fetch       GET a list of paths once (cache warm-up) and save chosen bodies to files
  webhooks    sign N distinct checkout.session.completed events and POST them concurrently
              (secret in RDK_BENCH_WEBHOOK_SECRET)
  freshness   change stock as the owner (psql to RDK_BENCH_OWNER_URL) and time until the
              product API shows it

Every request carries its own X-Forwarded-For: rdk-sync trusts that header from 127.0.0.1 (RDK_SYNC_TRUSTED_PROXIES)
(where Caddy sits in production) and rate-limits per client, so a benchmark from one address
would measure 429s. Each subcommand prints one JSON object on stdout.
"""
import argparse
import asyncio
import hashlib
import hmac
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time


def client_ip(n, first_octet=10):
    """A distinct, valid IPv4 address per n (no leading zeros, never .0.0.0)."""
    n = n % (254 * 256 * 256)
    return f"{first_octet}.{1 + n // 65536}.{(n // 256) % 256}.{n % 256}"


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[k]


# ---------------------------------------------------------------------------------------------
def cmd_fetch(args):
    """Lines of "path<TAB>file" (file optional). Fails on anything but 200."""
    with open(args.list) as f:
        jobs = [line.rstrip("\n").partition("\t") for line in f if line.strip()]
    started = time.monotonic()
    errors = []

    def work(offset):
        conn = http.client.HTTPConnection(args.host, args.port, timeout=60)
        for n in range(offset, len(jobs), args.connections):
            path, _, target = jobs[n]
            conn.request("GET", path, headers={"X-Forwarded-For": client_ip(n, 172), "Accept-Encoding": "identity"})
            r = conn.getresponse()
            body = r.read()
            if r.status != 200:
                errors.append(f"GET {path} -> {r.status}: {body[:200]!r}")
                return
            if target:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as out:
                    out.write(body)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(args.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"fetched": len(jobs), "seconds": round(time.monotonic() - started, 3), "errors": errors[:3]}))
    return 1 if errors else 0


# ---------------------------------------------------------------------------------------------
def sign(secret, body, t):
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def make_events(template_path, orders_csv, secret, run_id):
    """orders_csv lines: order_id,total_minor,checkout_session_id,email."""
    with open(template_path) as f:
        template = json.load(f)
    now = int(time.time())
    events = []
    with open(orders_csv) as f:
        for i, line in enumerate(f):
            order_id, total, session_id, email = line.strip().split(",")
            e = json.loads(json.dumps(template))
            e["id"] = f"evt_bench_{run_id}_{i:06d}"
            e["created"] = now
            o = e["data"]["object"]
            o["id"] = session_id
            o["amount_total"] = o["amount_subtotal"] = int(total)
            o["currency"] = "usd"
            o["payment_status"] = "paid"
            o["status"] = "complete"
            o["metadata"] = {"order_id": order_id}
            o["client_reference_id"] = order_id
            o["payment_intent"] = f"pi_bench_{run_id}_{i:06d}"
            o["customer_details"]["email"] = email
            body = json.dumps(e, indent=2).encode()  # Stripe sends pretty-printed JSON
            events.append((e["id"], body, sign(secret, body, now)))
    return events


async def post_all(host, port, requests, connections, timeout):
    """requests: list of raw HTTP/1.1 requests; keep-alive connections take the next one."""
    results = [None] * len(requests)
    next_index = 0

    async def worker():
        nonlocal next_index
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while next_index < len(requests):
                i = next_index
                next_index += 1
                t0 = time.perf_counter()
                writer.write(requests[i])
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
                status = int(head.split(b" ", 2)[1])
                length = 0
                for h in head.split(b"\r\n"):
                    if h.lower().startswith(b"content-length:"):
                        length = int(h.split(b":", 1)[1])
                body = await asyncio.wait_for(reader.readexactly(length), timeout) if length else b""
                results[i] = (status, body, time.perf_counter() - t0)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return results, time.perf_counter() - started


def cmd_webhooks(args):
    t_gen = time.perf_counter()
    events = make_events(args.template, args.orders, os.environ["RDK_BENCH_WEBHOOK_SECRET"], args.run_id)
    gen_seconds = time.perf_counter() - t_gen
    requests = []
    for n, (_, body, signature) in enumerate(events):
        requests.append(
            (f"POST /api/stripe/webhook HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n"
             f"User-Agent: Stripe/1.0 (+https://stripe.com/docs/webhooks)\r\n"
             f"Content-Type: application/json; charset=utf-8\r\nStripe-Signature: {signature}\r\n"
             f"X-Forwarded-For: {client_ip(n, 54)}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body)
    results, seconds = asyncio.run(post_all(args.host, args.port, requests, args.connections, args.timeout))
    outcomes = {}
    for status, body, _ in results:
        try:
            outcome = json.loads(body).get("outcome", "?")
        except ValueError:
            outcome = "unparsable"
        key = f"{status}:{outcome}"
        outcomes[key] = outcomes.get(key, 0) + 1
    latencies = [r[2] * 1000 for r in results]
    summary = {
        "events": len(events), "connections": args.connections, "seconds": round(seconds, 3),
        "per_second": round(len(events) / seconds, 1), "p50_ms": round(percentile(latencies, 50), 2),
        "p99_ms": round(percentile(latencies, 99), 2), "max_ms": round(max(latencies), 2),
        "outcomes": outcomes, "body_bytes": len(events[0][1]), "sign_seconds": round(gen_seconds, 3),
    }
    if args.replay:
        # Stripe redelivers: the same events again must change nothing.
        replay = requests[: args.replay]
        again, _ = asyncio.run(post_all(args.host, args.port, replay, min(args.connections, len(replay)), args.timeout))
        dup = {}
        for status, body, _ in again:
            key = f"{status}:{json.loads(body).get('outcome', '?')}"
            dup[key] = dup.get(key, 0) + 1
        summary["replay_outcomes"] = dup
    print(json.dumps(summary))
    return 0


# ---------------------------------------------------------------------------------------------
def cmd_freshness(args):
    psql = subprocess.Popen(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", os.environ["RDK_BENCH_OWNER_URL"]],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sys.stderr, text=True, bufsize=1)
    conn = http.client.HTTPConnection(args.host, args.port, timeout=10)
    n = 0

    def available():
        nonlocal n
        n += 1
        conn.request("GET", f"/api/products/{args.sku}", headers={"X-Forwarded-For": client_ip(n, 192)})
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError(f"GET /api/products/{args.sku} -> {r.status}: {body[:200]!r}")
        return json.loads(body)["available"]

    def run_sql(sql):
        psql.stdin.write(sql + "\n\\echo __done__\n")
        psql.stdin.flush()
        while True:
            line = psql.stdout.readline()
            if not line:
                raise RuntimeError("psql ended")
            if line.strip() == "__done__":
                return

    samples, polls, stmt = [], [], []
    deadline_s = args.timeout
    try:
        for _ in range(args.count):
            before = available()  # also re-fills the cache, so each round starts from a cached answer
            available()
            t_send = time.perf_counter()
            run_sql(f"UPDATE inventory SET quantity = quantity + 1 WHERE id = {args.inventory_id};")
            t_commit = time.perf_counter()   # psql answered: the commit is done
            k = 0
            while True:
                k += 1
                if available() == before + 1:
                    break
                if time.perf_counter() - t_commit > deadline_s:
                    raise RuntimeError("change not visible within the deadline")
            t_seen = time.perf_counter()
            samples.append((t_seen - t_commit) * 1000)
            stmt.append((t_commit - t_send) * 1000)
            polls.append(k)
            time.sleep(args.pause)
    finally:
        psql.stdin.close()
        psql.wait(timeout=10)
    print(json.dumps({
        "rounds": len(samples), "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 95), 2), "max_ms": round(max(samples), 2),
        "min_ms": round(min(samples), 2), "update_commit_p50_ms": round(statistics.median(stmt), 2),
        "polls_p50": statistics.median(polls), "polls_max": max(polls),
    }))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    sub = p.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fetch")
    f.add_argument("--list", required=True)
    f.add_argument("--connections", type=int, default=1)
    w = sub.add_parser("webhooks")
    w.add_argument("--orders", required=True)
    w.add_argument("--template", required=True)
    w.add_argument("--run-id", default=str(int(time.time())))
    w.add_argument("--connections", type=int, default=16)
    w.add_argument("--timeout", type=float, default=30.0)
    w.add_argument("--replay", type=int, default=0)
    r = sub.add_parser("freshness")
    r.add_argument("--sku", required=True)
    r.add_argument("--inventory-id", type=int, required=True)
    r.add_argument("--count", type=int, default=50)
    r.add_argument("--pause", type=float, default=0.05)
    r.add_argument("--timeout", type=float, default=5.0)
    args = p.parse_args()
    return {"fetch": cmd_fetch, "webhooks": cmd_webhooks, "freshness": cmd_freshness}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
