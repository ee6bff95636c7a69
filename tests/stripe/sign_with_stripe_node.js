#!/usr/bin/env node
// Test helper for tst_webhook_signature: runs Stripe's official Node library so our C++
// signer and verifier are checked against the real thing, in both directions.
//
// stdin:  a JSON array of tasks
//   {"op":"sign",   "payload":"...", "secret":"whsec_...", "timestamp":1700000000}
//   {"op":"verify", "payload":"...", "header":"t=...,v1=...", "secret":"whsec_...",
//    "tolerance":300, "receivedAt":1700000000}          (seconds)
// stdout: a JSON array of results, same order
//   {"header":"t=...,v1=..."}   or   {"ok":true}   or   {"ok":false,"error":"..."}
// Exit code 3 when the `stripe` package is not installed (npm ci --prefix tests/stripe).
'use strict';

let Stripe;
try {
  Stripe = require('stripe');
} catch (e) {
  process.stderr.write('the stripe npm package is not installed: run npm ci --prefix tests/stripe\n');
  process.exit(3);
}

// No network is used: webhooks helpers are pure. The key only satisfies the constructor.
const stripe = Stripe('sk_test_not_used_for_webhook_helpers');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const tasks = JSON.parse(input);
  const results = tasks.map((task) => {
    if (task.op === 'sign') {
      return {
        header: stripe.webhooks.generateTestHeaderString({
          payload: task.payload,
          secret: task.secret,
          timestamp: task.timestamp,
        }),
      };
    }
    if (task.op === 'verify') {
      try {
        // receivedAt (milliseconds) pins "now", so tolerance edges are deterministic.
        stripe.webhooks.constructEvent(task.payload, task.header, task.secret, task.tolerance,
                                       undefined, task.receivedAt * 1000);
        return { ok: true };
      } catch (e) {
        return { ok: false, error: String(e && e.message) };
      }
    }
    return { ok: false, error: 'unknown op ' + task.op };
  });
  process.stdout.write(JSON.stringify(results));
});
