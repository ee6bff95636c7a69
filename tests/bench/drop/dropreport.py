#!/usr/bin/env python3
"""The drop simulator's figures from the edge (edgestats.py's JSON) and Artillery's report:
one "key<TAB>sentence" line per figure, read by tests/bench/run-drop-bench.

    dropreport.py EDGE_JSON ARTILLERY_JSON
"""
import json
import sys

BOT_ROLES = ["good", "skip", "forge", "replay", "nopow", "hammer"]
ROUTES = ["product page", "challenge", "join", "waiting room page", "queue status", "product api", "cart add", "checkout"]


def main():
    edge = json.load(open(sys.argv[1]))
    try:
        report = json.load(open(sys.argv[2]))
        counters = report.get("aggregate", {}).get("counters", {})
        summaries = report.get("aggregate", {}).get("summaries", {})
    except (OSError, ValueError):
        counters, summaries = {}, {}

    def c(name):
        return counters.get(name, 0)

    def prefixed(prefix):
        return {k[len(prefix):]: v for k, v in sorted(counters.items()) if k.startswith(prefix)}

    def latency(who):
        parts = []
        for route in ROUTES:
            for g in edge["groups"]:
                if g["group"] == route and g["who"] == who:
                    parts.append(f'{route} {g["p50_ms"]} / {g["p99_ms"]} ms ({g["count"]:,})')
        return "; ".join(parts) or "no requests"

    out = {}
    out["shopper_latency"] = latency("shopper")
    out["bot_latency"] = latency("bot")

    shopper_5xx = {g["group"]: g["status_5xx"] for g in edge["groups"] if g["who"] == "shopper" and g["status_5xx"]}
    shopper_429 = sum(g["statuses"].get("429", 0) for g in edge["groups"] if g["who"] == "shopper")
    errors = prefixed("errors.")
    client = ", ".join(f"{k}: {v}" for k, v in errors.items()) or "none"
    out["shopper_errors"] = (f'{sum(shopper_5xx.values())} 5xx at the edge{(" (" + ", ".join(f"{k}: {v}" for k, v in shopper_5xx.items()) + ")") if shopper_5xx else ""}, '
                             f'{shopper_429} answers 429; connection errors and timeouts at the clients (shoppers and bots): {client}')

    refused = prefixed("drop.checkout_refused.shopper.")
    out["shopper_outcomes"] = (f'{c("drop.shoppers"):,} shoppers: {c("drop.admitted.shopper"):,} admitted, '
                               f'{c("drop.checkout_ok.shopper"):,} reached the pay page, {c("drop.paid.shopper"):,} paid; '
                               f'{c("drop.saw_sold_out.shopper"):,} were told sold out while waiting, {c("drop.gave_up.shopper"):,} gave up; '
                               f'checkouts refused: {", ".join(f"{k} {v}" for k, v in refused.items()) or "none"}')
    parts = []
    let_in = 0
    for role in BOT_ROLES:
        n = c(f"drop.bots.{role}")
        if not n:
            continue
        ok = c(f"drop.checkout_ok.{role}")
        paid = c(f"drop.paid.{role}")
        if role != "good":
            let_in += ok
        ref = prefixed(f"drop.checkout_refused.{role}.")
        answers = prefixed(f"drop.bot_answer.{role}.")
        text = f"{role} {n:,}: {ok} reached the pay page, {paid} paid"
        if ref:
            text += "; refused " + ", ".join(f"{k} {v}" for k, v in ref.items())
        if role == "nopow":
            joins = prefixed("drop.bot_join.")
            text += "; joins answered " + ", ".join(f"HTTP {k}: {v}" for k, v in joins.items())
            let_in += joins.get("303", 0)
        if answers:
            text += "; status answers " + ", ".join(f"HTTP {k}: {v}" for k, v in answers.items())
        if role == "good":
            text += f"; {c('drop.admitted.good')} admitted"
        parts.append(text)
    out["bot_outcomes"] = " | ".join(parts) or "no bots"
    out["bots_let_in"] = f"{let_in} (queue skipped, ticket forged or replayed, or joined without proof-of-work)"
    rt = summaries.get("http.response_time", {})
    out["client_latency"] = f'all requests at the clients: p50 {rt.get("median", "?")} ms, p99 {rt.get("p99", "?")} ms'
    out["requests"] = (f'{edge.get("lines", 0):,} requests in Caddy\'s access log ({edge.get("files", 1)} file(s) after its 50 MiB rolls), '
                       f'{c("http.requests"):,} sent by Artillery; {c("vusers.created"):,} visitors started, {c("vusers.completed"):,} finished, '
                       f'{c("vusers.failed"):,} failed')
    for k, v in out.items():
        print(f"{k}\t{v}")


if __name__ == "__main__":
    main()
