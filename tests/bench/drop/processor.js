// Artillery processor of the drop simulator (tests/bench/run-drop-bench) and the checkout bench
// (tests/bench/run-checkout-bench): what a shopper's browser does that a YAML step can't say
// (solve the proof-of-work as drop.js does, pick a size that is still in stock, decide to keep
// waiting) and what each kind of bot tries. Test tooling only: never loaded by the product.
//
// Every virtual user gets its own loopback address (127.1.0.0 and up for shoppers, 127.200.0.0
// and up for bots): behind Caddy, rdk-sync keys its rate limits on the address the edge reports,
// and 20,000 shoppers are 20,000 addresses, not one. Caddy's access log then tells bots from
// shoppers by address (tests/bench/drop/edgestats.py).
'use strict';

const crypto = require('crypto');

const env = process.env;
const pollSeconds = Number(env.RDK_DROP_POLL_SECONDS || 3);         // drop.js polls every 3 s
const botPollSeconds = Number(env.RDK_DROP_BOT_POLL_SECONDS || 0.5);
const maxWaitSeconds = Number(env.RDK_DROP_MAX_WAIT_SECONDS || 180);
const stockCheckEvery = 5;   // a waiting shopper looks at the product's stock every 5th poll
const releaseId = env.RDK_DROP_RELEASE_ID || '';
const releaseSku = env.RDK_DROP_SKU || '';
const botOperators = Math.max(1, Number(env.RDK_DROP_BOT_OPERATORS || 20));

let shopperCount = 0;
let botCount = 0;
// Tickets that already paid for an order, shared with the replaying bots (one worker thread
// runs every virtual user on this 2-core machine, so module state is shared by all of them).
const usedTickets = [];

function addressFor(n, firstOctet) {
  return `127.${firstOctet + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

// beforeRequest: connect from this virtual user's own address.
function ownAddress(requestParams, context, ee, next) {
  if (!context.vars.addr) {
    const bot = String(context.scenario && context.scenario.name || '').startsWith('bot');
    context.vars.addr = bot ? addressFor(++botCount, 200) : addressFor(++shopperCount, 1);
  }
  requestParams.localAddress = context.vars.addr;
  return next();
}

function randomHex(bytes) {
  return crypto.randomBytes(bytes).toString('hex');
}

function leadingZeroBits(digest) {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) { bits += 8; continue; }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

// The proof-of-work of spec section 3: a decimal nonce such that SHA-256(challenge + ":" + nonce)
// starts with `bits` zero bits. The browser does this in drop.js; here node's native SHA-256 does
// it, because the simulator's CPU is the shoppers' devices, not the shop's.
function solve(challenge, bits) {
  for (let nonce = 0; ; nonce++) {
    const digest = crypto.createHash('sha256').update(`${challenge}:${nonce}`).digest();
    if (leadingZeroBits(digest) >= bits)
      return String(nonce);
  }
}

function solvePow(context, events, next) {
  const challenge = context.vars.challenge;
  if (!challenge) {
    events.emit('counter', 'drop.challenge_missing', 1);
    context.vars.nonce = '0';
    return next();
  }
  const started = process.hrtime.bigint();
  context.vars.nonce = solve(challenge, Number(context.vars.bits || 0));
  events.emit('histogram', 'drop.pow_solve_ms', Number(process.hrtime.bigint() - started) / 1e6);
  return next();
}

// A nonce that almost surely fails (a bot that doesn't pay the proof-of-work).
function skipPow(context, events, next) {
  context.vars.nonce = String(Math.floor(Math.random() * 1e9));
  return next();
}

const sizes = (env.RDK_DROP_SIZES || '7,8,8.5,9,9.5,10,10.5,11,12,13').split(',');

function setupShopper(context, events, next) {
  const n = ++setupShopper.count;
  context.vars.sku = releaseSku;
  context.vars.size = sizes[Math.floor(Math.random() * sizes.length)];
  context.vars.email = `shopper${n}.${randomHex(3)}@example.com`;
  context.vars.polls = 0;
  context.vars.pollSeconds = pollSeconds;
  context.vars.tries = 0;
  context.vars.role = 'shopper';
  // What the shopper types on the pay page: a card and a door of their own.
  context.vars.card = `4000${String(n).padStart(12, '0')}`;
  context.vars.line1 = `${n} Shopper Street`;
  events.emit('counter', 'drop.shoppers', 1);
  return next();
}
setupShopper.count = 0;

function setupBot(context, events, next) {
  const n = ++setupBot.count;
  const role = String(context.scenario.name).replace(/^bot-/, '');
  const operator = n % botOperators;
  context.vars.sku = releaseSku;
  context.vars.size = sizes[Math.floor(Math.random() * sizes.length)];
  // Good bots: one operator buys with many addresses, all his (plus-tags, dots, capitals).
  const variants = [`op${operator}+${n}@botmail.test`, `OP${operator}@BOTMAIL.TEST`, `o.p${operator}@botmail.test`,
                    `op${operator}.${n}@botmail.test`];
  context.vars.email = variants[n % variants.length];
  context.vars.polls = 0;
  context.vars.pollSeconds = botPollSeconds;
  context.vars.tries = 0;
  context.vars.role = role;
  context.vars.hammer = 0;
  // One operator, one card and one door, whatever the e-mail address says.
  context.vars.card = `4111${String(operator).padStart(12, '0')}`;
  context.vars.line1 = `${operator} Bot Lane`;
  events.emit('counter', `drop.bots.${role}`, 1);
  return next();
}
setupBot.count = 0;

// afterResponse of GET /drops/{sku}/status: keep waiting while not admitted, not sold out and
// not past the shopper's patience.
function readStatus(requestParams, response, context, events, next) {
  context.vars.polls += 1;
  let body = {};
  try { body = JSON.parse(response.body); } catch (e) { body = {}; }
  if (response.statusCode >= 500)
    events.emit('counter', 'drop.status_5xx', 1);
  if (env.RDK_DROP_DEBUG && (env.RDK_DROP_DEBUG === 'all' || context.vars.role !== 'shopper'))
    console.log(`status ${context.vars.role} ${context.vars.addr} ${response.statusCode} ${response.body}`);
  context.vars.admitted = body.admitted === true;
  if (body.admitted === true && !context.vars.admittedAt) {
    context.vars.admittedAt = Date.now();
    events.emit('counter', `drop.admitted.${context.vars.role}`, 1);
  }
  if (body.sold_out === true || body.soldOut === true)
    markSoldOut(context, events);
  if (!context.vars.admitted && !context.vars.gaveUp && context.vars.polls * context.vars.pollSeconds >= maxWaitSeconds) {
    context.vars.gaveUp = true;
    events.emit('counter', `drop.gave_up.${context.vars.role}`, 1);
  }
  context.vars.checkStock = !context.vars.admitted && context.vars.polls % stockCheckEvery === 0;
  return next();
}

// afterResponse of GET /api/products/{sku}: sold out, or which of the release's sizes has stock.
function readStock(requestParams, response, context, events, next) {
  try {
    const product = JSON.parse(response.body);
    const inStock = (product.sizes || []).filter((s) => s.available > 0).map((s) => s.size);
    if (inStock.length === 0)
      markSoldOut(context, events);
    if (inStock.length > 0 && !inStock.includes(context.vars.size))
      context.vars.size = inStock[Math.floor(Math.random() * inStock.length)];
  } catch (e) {
    // A refused or broken answer says nothing about stock: keep the size.
  }
  return next();
}

function markSoldOut(context, events) {
  if (context.vars.soldOut)
    return;
  context.vars.soldOut = true;
  if (!context.vars.admitted)
    events.emit('counter', `drop.saw_sold_out.${context.vars.role}`, 1);
}

function keepWaiting(context, next) {
  const waited = context.vars.polls * context.vars.pollSeconds;
  return next(!context.vars.admitted && !context.vars.soldOut && waited < maxWaitSeconds);
}

// afterResponse of POST /api/checkout (form): 303 to the pay page, or back to the cart with a
// sentence (sold out, limit, no turn yet). Counted by role and outcome.
function readCheckout(requestParams, response, context, events, next) {
  const location = String(response.headers.location || '');
  context.vars.tries += 1;
  const role = context.vars.role;
  if (response.statusCode === 303 && location.includes('/pay/')) {
    context.vars.payUrl = location;
    context.vars.retry = false;
    events.emit('counter', `drop.checkout_ok.${role}`, 1);
    const ticket = ticketFromJar(context);
    if (ticket)
      usedTickets.push(ticket);
    return next();
  }
  context.vars.payUrl = '';
  let notice = '';
  try { notice = decodeURIComponent(location.replace(/^.*notice=/, '')).replace(/\+/g, ' '); } catch (e) { notice = location; }
  const kind = response.statusCode >= 500 ? '5xx'
    : /sold out|enough stock|no longer|out of stock/i.test(notice) ? 'out_of_stock'
    : /at most|limit/i.test(notice) ? 'limit'
    : /already|used|another order/i.test(notice) ? 'ticket_used'
    : /waiting room|turn|queue|ticket/i.test(notice) ? 'no_turn'
    : response.statusCode === 429 ? 'rate_limited'
    : 'other';
  events.emit('counter', `drop.checkout_refused.${role}.${kind}`, 1);
  const sentence = notice.slice(0, 160) || `HTTP ${response.statusCode}`;
  if (!checkoutRefusals.has(sentence) && checkoutRefusals.size < 40) {
    checkoutRefusals.add(sentence);
    console.log(`checkout refused (${role}, counted as ${kind}): ${sentence}`);
  }
  // Out of stock in this size: look once more at what is left and try another size.
  context.vars.retry = kind === 'out_of_stock' && context.vars.tries < 3;
  return next();
}
const checkoutRefusals = new Set();   // each distinct sentence is printed once (drop.log)

// JSON checkout of the checkout bench: 201 with the pay URL, or an error.
function countCheckout(requestParams, response, context, events, next) {
  if (response.statusCode === 201)
    events.emit('counter', 'checkout.created', 1);
  else
    events.emit('counter', `checkout.status_${response.statusCode}`, 1);
  if (response.statusCode !== 201)
    context.vars.payUrl = '';
  return next();
}

// afterResponse of POST {pay page}/pay: 303 back to the shop's success page.
function readPaid(requestParams, response, context, events, next) {
  events.emit('counter', response.statusCode === 303 ? `drop.paid.${context.vars.role || 'buyer'}` : `drop.pay_failed.${response.statusCode}`, 1);
  return next();
}

function ticketFromJar(context) {
  if (!context._jar || !releaseId)
    return '';
  try {
    const cookies = context._jar.getCookiesSync(env.RDK_BENCH_EDGE + '/');
    const ours = cookies.find((c) => c.key === `rdk_q_${releaseId.replace(/-/g, '').slice(0, 8)}`);
    return ours ? ours.value : '';
  } catch (e) {
    return '';
  }
}

function setTicketCookie(context, value) {
  const name = `rdk_q_${releaseId.replace(/-/g, '').slice(0, 8)}`;
  context._jar.setCookieSync(`${name}=${value}; Path=/`, env.RDK_BENCH_EDGE + '/');
  // Artillery sends the jar only once a response has set a cookie; a replaying bot never had one.
  context._enableCookieJar = true;
}

// Forger: a ticket with a made-up signature and the earliest possible join time; then a real
// ticket of its own with the join time moved earlier (signature kept): both must be refused.
function forgeTicket(context, events, next) {
  const early = Date.now() - 3600 * 1000;
  if (context.vars.tries === 0) {
    setTicketCookie(context, `v1.${releaseId}.${early}.${randomHex(12)}.${randomHex(32)}`);
  } else {
    const real = ticketFromJar(context);
    const parts = real.split('.');
    if (parts.length === 5) {
      parts[2] = String(early);
      setTicketCookie(context, parts.join('.'));
    }
  }
  return next();
}

// Replayer: a ticket that already bought a pair, used again with another e-mail.
function replayTicket(context, events, next) {
  const ticket = usedTickets.length > 0 ? usedTickets[Math.floor(Math.random() * usedTickets.length)] : '';
  context.vars.haveReplay = ticket !== '';
  if (ticket)
    setTicketCookie(context, ticket);
  else
    events.emit('counter', 'drop.bots.replay_no_ticket_yet', 1);
  return next();
}

// Another checkout attempt: the first once admitted, then only after "sold out in your size".
function wantCheckout(context, next) {
  return next(context.vars.admitted === true && !context.vars.payUrl && (context.vars.tries === 0 || context.vars.retry === true));
}

// Bots that strike when the release is on sale: wait until release time (plus up to 3 s).
function waitForRelease(context, events, next) {
  const releaseAt = Date.parse(env.RDK_DROP_RELEASE_AT || '') || 0;
  const wait = Math.max(0, releaseAt - Date.now()) + Math.random() * 3000;
  context.vars.admitted = false;
  setTimeout(next, wait);
}

// afterResponse of a bot's join: 303 = let in (a hole), 400 = refused with a sentence.
function readJoin(requestParams, response, context, events, next) {
  events.emit('counter', `drop.bot_join.${response.statusCode}`, 1);
  return next();
}

function readRefusal(requestParams, response, context, events, next) {
  events.emit('counter', `drop.bot_answer.${context.vars.role}.${response.statusCode}`, 1);
  return next();
}

module.exports = {
  ownAddress, solvePow, skipPow, setupShopper, setupBot, readStatus, readStock, keepWaiting, readCheckout,
  countCheckout, readPaid, forgeTicket, replayTicket, readRefusal, wantCheckout, waitForRelease, readJoin,
};
