// A shopper's visit in a real browser: Debian's chromium driven by playwright-core (no browser
// download). Started by run-browser-test, which gives it a seeded rdk-sync and the Stripe sandbox:
//   RDK_STOREFRONT_URL  rdk-sync, e.g. http://127.0.0.1:23456
//   RDK_SANDBOX_URL     rdk-stripe-sandbox (the pay page lives there: another origin)
//   RDK_CHROMIUM        the browser (default /usr/bin/chromium)
//   RDK_SCREENSHOTS     optional folder for reference PNGs (docs/screenshots/)
//   RDK_MAILDIR         where the local SMTP server writes the mails it takes (<n>.eml)
//   RDK_STAFF_PG_URL    a cashier's database login: marks the order shipped as rdk-desk does
// Any console error or warning, uncaught page error, failed request, HTTP error or CSP
// violation fails the run, as does any step below not going the way a shopper expects.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const base = requiredEnv('RDK_STOREFRONT_URL');
const sandbox = requiredEnv('RDK_SANDBOX_URL');
const executablePath = process.env.RDK_CHROMIUM || '/usr/bin/chromium';
const shotsDir = process.env.RDK_SCREENSHOTS ? path.resolve(process.env.RDK_SCREENSHOTS) : '';
const email = 'browser-test@example.com';
const maildir = requiredEnv('RDK_MAILDIR');
const staffPgUrl = requiredEnv('RDK_STAFF_PG_URL');
// Full-page screenshots stop at this height (CSS px) and this size, so the reference PNGs stay small.
const maxShotHeight = 2400;
const maxShotBytes = 390 * 1024;

const problems = [];
let step = 'starting';

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set; run this through tests/browser/run-browser-test`);
    process.exit(2);
  }
  return value.replace(/\/+$/, '');
}

function log(message) {
  console.log(`[${(process.uptime()).toFixed(1).padStart(5)} s] ${message}`);
}

function check(condition, message) {
  if (!condition)
    throw new Error(`${step}: ${message}`);
}

// The shop's icon (it is served, so an error answer for it is a problem like any other). The
// browser fetches it on its own and drops the fetch when the page moves on first
// (net::ERR_ABORTED, e.g. the result page reloading as the payment lands): not a failure.
const isIcon = (url) => /\/(favicon\.ico|assets\/favicon\.svg)(\?|$)/.test(url || '');
const droppedIconFetch = (req) => isIcon(req.url()) && req.failure() && req.failure().errorText === 'net::ERR_ABORTED';
// The Stripe sandbox's pay page has no icon; the browser's request for one there is not ours.
const othersIcon = (url) => isIcon(url) && !(url || '').startsWith(base);

// Every page we open reports what went wrong to `problems`.
function watch(page, label) {
  page.on('console', (msg) => {
    const type = msg.type();
    const text = msg.text();
    const where = msg.location() && msg.location().url;
    if (/Content.Security.Policy/i.test(text))
      problems.push(`[${label}] CSP: ${text} (${where || page.url()})`);
    else if ((type === 'error' || type === 'warning') && !othersIcon(where))
      problems.push(`[${label}] console ${type}: ${text} (${where || page.url()})`);
  });
  page.on('pageerror', (err) => problems.push(`[${label}] page error: ${err.message} (${page.url()})`));
  page.on('crash', () => problems.push(`[${label}] the page crashed (${page.url()})`));
  page.on('requestfailed', (req) => {
    if (!droppedIconFetch(req) && !othersIcon(req.url()))
      problems.push(`[${label}] request failed: ${req.method()} ${req.url()}: ${req.failure() && req.failure().errorText}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !othersIcon(res.url()))
      problems.push(`[${label}] HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
  });
}

// Reported by the page itself, for every policy (the storefront's and the pay page's).
function reportCspViolations() {
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}` +
                  ` on ${e.documentURI}`);
  });
}

function failOnProblems() {
  check(problems.length === 0, `the browser reported problems:\n  ${problems.join('\n  ')}`);
}

// Loads every image (lazy ones too), waits for the network to settle, and checks that every
// image has pixels.
async function settle(page) {
  await page.waitForLoadState('load');
  // Lazy images far below the fold load only when scrolled to; fetch them all now instead.
  await page.evaluate(() => document.querySelectorAll('img[loading="lazy"]').forEach((img) => { img.loading = 'eager'; }));
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete), null, { timeout: 10000 });
  const broken = await page.evaluate(() => Array.from(document.images)
    .filter((img) => img.naturalWidth === 0).map((img) => img.currentSrc || img.src));
  check(broken.length === 0, `images that did not load on ${page.url()}: ${broken.join(', ')}`);
}

async function screenshot(page, name) {
  if (!shotsDir)
    return;
  await settle(page);
  const size = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const file = path.join(shotsDir, `storefront-${name}.png`);
  // Photos compress poorly in PNG: cut long pages shorter until the file fits the budget.
  let clipHeight = Math.min(height, maxShotHeight);
  let png;
  for (;;) {
    png = await page.screenshot({ fullPage: true, clip: { x: 0, y: 0, width: size.width, height: clipHeight } });
    if (png.length <= maxShotBytes || clipHeight <= size.height / 2)
      break;
    clipHeight = Math.floor(clipHeight * (maxShotBytes / png.length) * 0.97);
  }
  if (clipHeight < height) {
    // End the cut page under the last product card (or block) that fits whole, not through one.
    const cut = await page.evaluate((limit) => {
      const boxes = Array.from(document.querySelectorAll('.product-grid > li, main > *')).map((el) => {
        const r = el.getBoundingClientRect();
        return { top: Math.floor(r.top + window.scrollY), bottom: Math.ceil(r.bottom + window.scrollY) };
      });
      const fits = boxes.map((b) => b.bottom).filter((bottom) => bottom + 8 <= limit);
      if (!fits.length)
        return limit;
      const bottom = Math.max(...fits);
      const next = Math.min(bottom + 24, ...boxes.map((b) => b.top).filter((top) => top >= bottom));
      return bottom + Math.max(0, next - bottom - 1);
    }, clipHeight);
    if (cut < clipHeight && cut >= size.height / 2) {
      clipHeight = cut;
      png = await page.screenshot({ fullPage: true, clip: { x: 0, y: 0, width: size.width, height: clipHeight } });
    }
  }
  fs.writeFileSync(file, png);
  log(`screenshot ${file} (${size.width}x${clipHeight} CSS px of ${height}, ${Math.round(png.length / 1024)} KB)`);
}

async function cardSkus(page) {
  return page.$$eval('.product-grid .card a.card-link', (links) => links.map((a) => a.getAttribute('href')));
}

async function apiProduct(sku) {
  const res = await fetch(`${base}/api/products/${encodeURIComponent(sku)}`, { headers: { 'Cache-Control': 'no-cache' } });
  check(res.status === 200, `GET /api/products/${sku} answered ${res.status}`);
  return res.json();
}

function sizeAvailable(product, size) {
  const entry = (product.sizes || []).find((s) => s.size === size);
  return entry ? entry.available : 0;
}

async function waitReady() {
  const deadline = Date.now() + 20000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.status === 200)
        return;
      last = `${res.status} ${await res.text()}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`rdk-sync did not become ready: ${last}`);
}

async function shop(context) {
  const page = await context.newPage();
  watch(page, 'desktop');

  // ------------------------------------------------------------------ catalog
  step = 'catalog';
  await page.goto(`${base}/`);
  await settle(page);
  const allCards = await cardSkus(page);
  check(allCards.length > 0, 'the catalog grid shows no products');
  const allCount = (await page.textContent('.result-count')).trim();
  log(`catalog: ${allCards.length} cards, "${allCount}"`);
  await screenshot(page, 'catalog');

  // ------------------------------------------------------------------ filters
  step = 'filters';
  const brands = await page.$$eval('#filter-brand option', (options) => options.map((o) => o.value).filter(Boolean));
  check(brands.length > 0, 'the brand filter offers no brands');
  let brand = '';
  for (const candidate of brands) {
    await page.goto(`${base}/`);
    await page.selectOption('#filter-brand', candidate);
    await page.check('#filter-stock');
    await Promise.all([page.waitForURL((url) => url.searchParams.get('brand') === candidate), page.click('.filters button[type=submit]')]);
    await settle(page);
    if ((await cardSkus(page)).length > 0) {
      brand = candidate;
      break;
    }
  }
  check(brand, `no brand has a pair in stock (tried ${brands.join(', ')})`);
  const filteredUrl = new URL(page.url());
  check(filteredUrl.pathname === '/', `filters went to ${filteredUrl.pathname}, not the catalog`);
  check(filteredUrl.searchParams.get('in_stock') === '1', `the URL lost in_stock: ${page.url()}`);
  check(await page.inputValue('#filter-brand') === brand, 'the brand filter did not keep its choice');
  check(await page.isChecked('#filter-stock'), 'the in-stock box did not stay ticked');
  check((await page.textContent('h1')).trim() === brand, `the heading is not "${brand}"`);
  const filteredCards = await cardSkus(page);
  const cardBrands = await page.$$eval('.product-grid .card .card-brand', (els) => els.map((e) => e.textContent.trim()));
  check(cardBrands.every((b) => b === brand), `other brands among the results: ${[...new Set(cardBrands)].join(', ')}`);
  check(await page.locator('.product-grid .card.is-soldout').count() === 0, 'sold-out pairs shown with "In stock only"');
  const filteredCount = (await page.textContent('.result-count')).trim();
  check(filteredCount !== allCount || filteredCards.join() !== allCards.join(),
        `the results did not change (${filteredCount})`);
  log(`filters: brand=${brand} + in stock -> ${filteredCards.length} cards, "${filteredCount}" (${page.url().slice(base.length)})`);

  // ------------------------------------------------------------------ search
  step = 'search';
  const firstCard = filteredCards[0];
  const wanted = decodeURIComponent(firstCard.split('/').pop());
  await page.fill('#site-search-q', `  ${wanted.toLowerCase()} `);
  await Promise.all([page.waitForURL((url) => url.searchParams.has('q')), page.press('#site-search-q', 'Enter')]);
  await settle(page);
  const found = await cardSkus(page);
  check(found.includes(firstCard), `searching "${wanted}" did not find it (found ${found.join(', ')})`);
  check(found.length < allCards.length, `searching "${wanted}" found everything`);
  check((await page.textContent('h1')).includes(wanted.toLowerCase()), 'the heading does not say what was searched');
  check(await page.inputValue('#site-search-q') === wanted.toLowerCase(), 'the search field lost the search');
  log(`search: "${wanted}" -> ${found.length} card(s)`);

  // ------------------------------------------------------------------ product page
  step = 'product';
  let sku = '';
  let size = '';
  let chosen = null;
  for (const href of filteredCards) {
    await page.goto(filteredUrl.toString());
    await page.waitForLoadState('networkidle');
    await Promise.all([page.waitForURL(`${base}${href}`), page.click(`.product-grid a.card-link[href="${href}"]`)]);
    const main = page.locator('.gallery-main img');
    if (await main.count() === 0 || await page.locator('.size-chip input').count() === 0)
      continue;
    await settle(page);
    const naturalWidth = await main.evaluate((img) => img.naturalWidth);
    check(naturalWidth > 0, `the main photo of ${href} did not load`);
    sku = await page.inputValue('.buy-form input[name=sku]');
    chosen = { href, name: (await page.textContent('.product-name')).trim(), naturalWidth };
    break;
  }
  check(chosen, `no ${brand} pair in stock has a photo and sizes to choose from`);
  // The size with the fewest pairs left, so that the sale usually takes the last one and the
  // page must stop offering it.
  const before = await apiProduct(sku);
  const offered = await page.$$eval('.size-chip input', (inputs) => inputs.map((i) => i.value));
  size = offered.reduce((best, s) => (sizeAvailable(before, s) < sizeAvailable(before, best) ? s : best), offered[0]);
  const sizeBefore = sizeAvailable(before, size);
  check(sizeBefore > 0, `size ${size} of ${sku} is offered but the API says it has none`);
  const chipId = await page.locator(`.size-chip input[value="${size}"]`).getAttribute('id');
  // The radio button lies invisibly over its chip, so a tap on the chip is a tap on the button.
  await page.click(`#${chipId}`);
  check(await page.isChecked(`#${chipId}`), `clicking size ${size} did not select it`);
  log(`product: ${sku} "${chosen.name}", photo ${chosen.naturalWidth}px wide, size ${size} (${sizeBefore} in stock)`);
  await screenshot(page, 'product');

  // ------------------------------------------------------------------ cart
  step = 'cart';
  await Promise.all([page.waitForURL(`${base}/cart`), page.click('.buy-form button[type=submit]')]);
  await settle(page);
  const lines = page.locator('.cart-line');
  check(await lines.count() === 1, `the cart has ${await lines.count()} lines, not 1`);
  const lineText = (await lines.first().innerText()).replace(/\s+/g, ' ');
  check(lineText.includes(chosen.name), `the cart line does not name "${chosen.name}": ${lineText}`);
  check(new RegExp(`\\b${size.replace('.', '\\.')}\\b`).test(lineText), `the cart line does not show size ${size}: ${lineText}`);
  check(await page.inputValue('.checkout-form input[name="items[0][sku]"]') === sku, 'the checkout form does not carry the SKU');
  check((await page.textContent('.cart-link')).includes('1'), 'the header does not count 1 item in the cart');
  await page.fill('#checkout-email', email);
  await page.locator('#checkout-email').blur();
  log(`cart: ${lineText}`);
  await screenshot(page, 'cart');

  // ------------------------------------------------------------------ checkout -> sandbox pay page
  step = 'checkout';
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(`${sandbox}/pay/cs_`), { timeout: 15000 }).catch(() => {}),
    page.click('.checkout-form button[type=submit]'),
  ]);
  if (!page.url().startsWith(`${sandbox}/pay/cs_`))
    await page.waitForTimeout(500);  // let the console's and the CSP's reports arrive
  if (problems.some((p) => p.includes('form-action'))) {
    problems.push(`hint: Chrome applies form-action to the 303 from /api/checkout as well, so rdk-sync's CSP ` +
                  `must allow the pay page's origin ${new URL(sandbox).origin}`);
  }
  failOnProblems();
  check(page.url().startsWith(`${sandbox}/pay/cs_`), `Checkout did not reach the sandbox pay page; the browser is at ${page.url()}`);
  await page.waitForLoadState('load');
  const payText = (await page.innerText('body')).replace(/\s+/g, ' ');
  check(payText.includes(chosen.name), `the pay page does not list "${chosen.name}"`);
  check(await page.inputValue('#email') === email, 'the pay page did not get the email from the cart');
  // The shop ships to the US and Canada with three options (the demo's settings): Stripe's page
  // asks for the address and the phone, and offers them.
  const countries = await page.locator('#country option').allTextContents();
  check(countries.join(',') === 'US,CA', `the pay page offers the countries ${countries.join(',')}, not the shop's US,CA`);
  const options = (await page.locator('fieldset.shipping label').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  check(options.length === 3 && options.some((o) => o.startsWith('Express')) && options.some((o) => o.startsWith('Pick up')),
        `the pay page offers ${JSON.stringify(options)}, not the shop's three options`);
  await page.fill('#name', 'Jenny Rosen');
  await page.fill('#line1', '510 Townsend St');
  await page.fill('#city', 'San Francisco');
  await page.fill('#state', 'CA');
  await page.fill('#postal_code', '94103');
  await page.selectOption('#country', 'US');
  await page.fill('#phone', '+1 415 555 0123');
  await page.locator('fieldset.shipping label', { hasText: 'Express' }).locator('input').check();
  log(`pay page: ${page.url()} (${(await page.textContent('#total')).trim()}); options: ${options.join(' | ')}`);
  await screenshot(page, 'pay-page');

  // ------------------------------------------------------------------ pay -> success page
  step = 'pay';
  const paidClicked = Date.now();
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(`${base}/checkout/success?`), { timeout: 15000 }),
    page.click('button.pay'),
  ]);
  const orderId = new URL(page.url()).searchParams.get('order');
  check(orderId, `the success page has no order: ${page.url()}`);
  // How long the sandbox's webhook takes to mark the order paid, and the page to show it (it asks
  // twice a second).
  let webhookMs = -1;
  const watchOrder = (async () => {
    while (Date.now() - paidClicked < 15000) {
      const res = await fetch(`${base}/api/orders/${orderId}`).catch(() => null);
      if (res && res.status === 200 && (await res.json()).status === 'paid') {
        webhookMs = Date.now() - paidClicked;
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const deadline = Date.now() + 15000;
  let status = '';
  let shownMs = -1;
  while (Date.now() < deadline) {
    status = await page.locator('.order-meta .status').textContent({ timeout: 2000 }).then((t) => t.trim(), () => '');
    if (status === 'Paid') {
      shownMs = Date.now() - paidClicked;
      break;
    }
    await page.waitForTimeout(50);
  }
  await watchOrder;
  check(status === 'Paid', `the order still shows "${status}" 15 s after paying` +
        (webhookMs < 0 ? ' (and /api/orders never said paid: the webhook did not arrive)' : ` (paid ${webhookMs} ms after Pay)`));
  await page.waitForLoadState('load');
  const orderNumber = (await page.textContent('.order-meta dd')).trim();
  const paidText = (await page.innerText('main')).replace(/\s+/g, ' ');
  check(paidText.includes(chosen.name), 'the paid order does not list the pair');
  check(await page.locator('.cart-count').count() === 0, 'the paid page still counts the bought pair in the cart');
  log(`paid: order ${orderNumber} (${orderId}) shows "${status}" ${shownMs} ms after Pay; the webhook marked it paid ` +
      `${webhookMs} ms after Pay, so the page showed it ${shownMs - webhookMs} ms after the webhook`);
  check(/Shipping Express \(1-2 days\) \$25\.00 Total \$/.test(paidText), `the paid order does not show the $25.00 Express shipping: ${paidText}`);
  await screenshot(page, 'paid');

  // ------------------------------------------------------------------ the mails
  step = 'mail';
  const confirmation = await waitForMail((m) => m.includes(`Subject: Your order ${orderNumber} `), 15000);
  check(confirmation.includes('To: browser-test@example.com') || confirmation.includes('To: <browser-test@example.com>'),
        'the confirmation is not addressed to the shopper');
  check(decodeQp(confirmation).includes('Shipping: Express (1-2 days).'), 'the confirmation does not say how the order ships');
  check(decodeQp(confirmation).includes('212 Bedford Ave'), "the confirmation does not carry the shop's address");
  log(`mail: the confirmation of ${orderNumber} reached the SMTP server`);
  // A cashier marks it shipped, through the same database function as rdk-desk's "Mark shipped".
  const { execFileSync } = require('node:child_process');
  execFileSync('psql', ['-qX', '-v', 'ON_ERROR_STOP=1', staffPgUrl, '-c',
                        `SELECT rdk.mark_order_shipped('${orderId}'::uuid, 'UPS', '1Z999AA10123456784')`],
               { stdio: ['ignore', 'ignore', 'inherit'] });
  const shipped = await waitForMail((m) => m.includes(`Subject: Your order ${orderNumber} from`), 15000);
  check(decodeQp(shipped).includes('Carrier: UPS. Tracking number: 1Z999AA10123456784.'),
        'the shipped mail does not carry the tracking number');
  log(`mail: the shipped mail of ${orderNumber} with its tracking number reached the SMTP server`);

  // ------------------------------------------------------------------ order lookup and the shop's pages
  step = 'lookup';
  await page.goto(`${base}/orders/lookup`);
  await page.fill('#lookup-number', orderNumber);
  await page.fill('#lookup-email', email.toUpperCase());
  await Promise.all([page.waitForLoadState('load'), page.click('.checkout-form button[type=submit]')]);
  await settle(page);
  const lookedUp = (await page.innerText('main')).replace(/\s+/g, ' ');
  check(lookedUp.includes('Shipped') && lookedUp.includes('UPS 1Z999AA10123456784'), `the lookup does not show the shipment: ${lookedUp}`);
  check(lookedUp.includes('Express (1-2 days)'), 'the lookup does not show how the order ships');
  await screenshot(page, 'order-lookup');
  await page.click('footer a[href="/policies/returns"]');
  await settle(page);
  check((await page.innerText('main')).includes('within 30 days'), "the returns page does not show the shop's policy");
  await screenshot(page, 'returns-policy');
  log(`lookup: ${orderNumber} shows shipped with its tracking; the returns policy page shows the shop's text`);

  // A paid order empties the cart (the cookie is cleared with the answer that shows it as paid).
  await page.goto(`${base}/cart`);
  check(await page.locator('.cart-line').count() === 0, 'the cart still has the pair after paying');
  check(await page.locator('.cart-count').count() === 0, 'the header still counts items after paying');

  // ------------------------------------------------------------------ stock went down
  step = 'stock';
  let after = null;
  const stockDeadline = Date.now() + 5000;
  do {
    after = await apiProduct(sku).catch(() => null);
    if (after && sizeAvailable(after, size) === sizeBefore - 1)
      break;
    await new Promise((r) => setTimeout(r, 200));
  } while (Date.now() < stockDeadline);
  const sizeAfter = after ? sizeAvailable(after, size) : 0;
  check(sizeAfter === sizeBefore - 1, `size ${size} of ${sku}: ${sizeBefore} before, ${sizeAfter} after the sale`);
  await page.goto(`${base}${chosen.href}`);
  await settle(page);
  const chipStill = await page.locator(`.size-chip input[value="${size}"]`).count();
  if (sizeAfter === 0 && chipStill !== 0) {
    // Say whether the server or the browser's cache showed the old page.
    const res = await fetch(`${base}${chosen.href}`);
    const fresh = !new RegExp(`name="size" id="size-\\d+" value="${size.replace('.', '\\.')}"`).test(await res.text());
    check(false, `size ${size} sold its last pair but the product page still offers it` +
          (fresh ? ` (the server's page is current: the browser reused its cached copy, Cache-Control: ${res.headers.get('cache-control')})`
                 : ' (the server still renders it)'));
  } else if (sizeAfter > 0) {
    check(chipStill === 1, `size ${size} still has ${sizeAfter} but is no longer offered`);
  }
  log(`stock: ${sku} size ${size} went from ${sizeBefore} to ${sizeAfter}${sizeAfter === 0 ? ' (no longer offered)' : ''}`);
  await page.close();
  return chosen.href;
}

// The first mail in RDK_MAILDIR matching `test`, waiting up to `ms` for it.
async function waitForMail(test, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    for (const name of fs.readdirSync(maildir).filter((n) => n.endsWith('.eml'))) {
      const text = fs.readFileSync(path.join(maildir, name), 'latin1');
      if (test(text))
        return text;
    }
    check(Date.now() < deadline, `no matching mail reached the SMTP server within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Quoted-printable soft line breaks and escapes, enough to read a sentence of the body.
function decodeQp(text) {
  return Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))),
                     'latin1').toString('utf8').replace(/\s+/g, ' ');
}

async function phone(browser, productPath) {
  step = 'phone';
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2,
                                             isMobile: true, hasTouch: true });
  await context.addInitScript(reportCspViolations);
  const page = await context.newPage();
  watch(page, 'phone');
  for (const target of ['/', productPath, '/cart']) {
    await page.goto(`${base}${target}`);
    await settle(page);
    const m = await page.evaluate(() => ({ scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth }));
    check(m.innerWidth === 390, `${target}: the page is laid out ${m.innerWidth}px wide on a 390px phone`);
    check(m.scrollWidth <= m.innerWidth, `${target}: scrolls sideways on a phone (${m.scrollWidth}px content, ${m.innerWidth}px screen)`);
    if (target === '/') {
      check((await cardSkus(page)).length > 0, 'the catalog shows no products on a phone');
      for (const link of ['Shop all', 'New', 'Pre-owned'])
        check(await page.locator('.site-nav a', { hasText: link }).first().isVisible(), `"${link}" is not reachable on a phone`);
      check(await page.locator('#site-search-q').isVisible(), 'the search field is not reachable on a phone');
      await screenshot(page, 'catalog-phone');
    }
  }
  log(`phone: catalog, ${productPath} and cart fit 390px without sideways scrolling`);
  await context.close();
}

async function main() {
  await waitReady();
  if (shotsDir)
    fs.mkdirSync(shotsDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    log(`chromium ${browser.version()}`);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    context.setDefaultTimeout(15000);
    await context.addInitScript(reportCspViolations);
    const productPath = await shop(context);
    await context.close();
    await phone(browser, productPath);
    step = 'end';
    failOnProblems();
  } finally {
    await browser.close();
  }
}

// ctest allows 240 s for the whole test; leave the driver time to clean up.
const watchdog = setTimeout(() => {
  console.error(`FAIL: timed out during "${step}"`);
  process.exit(1);
}, 180000);

main().then(() => {
  clearTimeout(watchdog);
  log('storefront browser test passed');
}, (err) => {
  clearTimeout(watchdog);
  console.error(`FAIL: ${err.message}`);
  if (problems.length && !err.message.includes('the browser reported problems'))
    console.error(`browser problems so far:\n  ${problems.join('\n  ')}`);
  process.exitCode = 1;
});
