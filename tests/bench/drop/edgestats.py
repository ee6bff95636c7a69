#!/usr/bin/env python3
"""Answer times and statuses at the edge, from Caddy's JSON access log (resources/caddy/Caddyfile
writes one line per request: request.uri, request.remote_ip, status, duration in seconds).

    edgestats.py ACCESS_LOG [--bots-from 127.200.0.0]

Caddy rolls its log at 50 MiB (and keeps 10, gzipped, beside it as ACCESS_LOG-<time>.log.gz):
those are read too, and "lines" in the output says how many requests were seen in all.

Prints one JSON object: per route group (product page, challenge, join, status, ...) and per
kind of client (shopper / bot: the drop simulator gives bots addresses from --bots-from up)
the count, p50/p99/max in ms, statuses, when the first request started and the last ended. Part of
tests/bench/run-drop-bench and run-checkout-bench; not a test.
"""
import argparse
import glob
import gzip
import ipaddress
import os
import json
import re
import sys

GROUPS = [
    ("product page", re.compile(r"^/products/[^/?]+(\?.*)?$")),
    ("product api", re.compile(r"^/api/products/")),
    ("challenge", re.compile(r"^/drops/[^/]+/challenge")),
    ("join", re.compile(r"^/drops/[^/]+/join")),
    ("queue status", re.compile(r"^/drops/[^/]+/status")),
    ("waiting room page", re.compile(r"^/drops/[^/]+/?(\?.*)?$")),
    ("raffle", re.compile(r"^/drops/[^/]+/(enter|entered|claim)")),
    ("drop.js", re.compile(r"^/static/")),
    ("cart add", re.compile(r"^/cart/add")),
    ("cart page", re.compile(r"^/cart(\?.*)?$")),
    ("checkout", re.compile(r"^/api/checkout")),
    ("webhook", re.compile(r"^/api/stripe/webhook")),
    ("checkout result", re.compile(r"^/checkout/")),
]


def group_of(uri):
    for name, pattern in GROUPS:
        if pattern.search(uri):
            return name
    return "other"


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("log")
    parser.add_argument("--bots-from", default="127.200.0.0")
    args = parser.parse_args()
    bots_from = int(ipaddress.ip_address(args.bots_from))
    stats = {}
    bad_lines = 0
    stem, ext = os.path.splitext(args.log)
    rolled = sorted(glob.glob(glob.escape(stem) + "-*" + ext + ".gz"))
    files = rolled + [args.log]
    lines = 0
    for name in files:
        opener = gzip.open if name.endswith(".gz") else open
        with opener(name, "rt", encoding="utf-8", errors="replace") as f:
            for line in f:
                lines += 1
                try:
                    entry = json.loads(line)
                    request = entry["request"]
                    uri = request.get("uri", "")
                    status = int(entry.get("status", 0))
                    duration_ms = float(entry.get("duration", 0)) * 1000.0
                    ts = float(entry.get("ts", 0))
                    ip = request.get("remote_ip") or request.get("client_ip") or "0.0.0.0"
                except (ValueError, KeyError, TypeError):
                    bad_lines += 1
                    continue
                try:
                    is_bot = int(ipaddress.ip_address(ip)) >= bots_from and ip.startswith("127.")
                except ValueError:
                    is_bot = False
                who = "bot" if is_bot else ("stripe" if group_of(uri) == "webhook" else "shopper")
                key = (group_of(uri), who)
                # Caddy logs a request when it ends: its start is ts - duration.
                s = stats.setdefault(key, {"durations": [], "statuses": {}, "first": ts - duration_ms / 1000.0, "last": ts})
                s["durations"].append(duration_ms)
                s["statuses"][str(status)] = s["statuses"].get(str(status), 0) + 1
                s["first"] = min(s["first"], ts - duration_ms / 1000.0)
                s["last"] = max(s["last"], ts)
    out = {"files": len(files), "lines": lines, "bad_lines": bad_lines, "groups": []}
    for (group, who), s in sorted(stats.items()):
        d = sorted(s["durations"])
        out["groups"].append({
            "group": group, "who": who, "count": len(d),
            "p50_ms": round(percentile(d, 50), 2), "p99_ms": round(percentile(d, 99), 2), "max_ms": round(d[-1], 2),
            "statuses": dict(sorted(s["statuses"].items())),
            "status_5xx": sum(n for code, n in s["statuses"].items() if code.startswith("5")),
            "first_ts": s["first"], "last_ts": s["last"],
        })
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
