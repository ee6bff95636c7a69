// Reference screenshots of drop day's pages in a real browser (Debian's chromium through
// playwright-core from tests/browser/node_modules), at 1366x768, taken by tst_drop_routes when
// RDK_SCREENSHOTS is set. The browser runs drop.js for real: the countdown ticks, the join form
// solves its proof of work, the waiting room polls its status. Any console error, CSP violation
// or failed request fails the run.
//   RDK_STOREFRONT_URL  the running rdk-sync      RDK_SCREENSHOTS  where the PNGs go
//   RDK_SOON_SKU        a coming-soon queue release whose waiting room is open
//   RDK_RAFFLE_SKU      a raffle taking entries   RDK_CLAIM_PATH   a winner's claim page
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require(path.resolve(__dirname, '../browser/node_modules/playwright-core'));

const base = process.env.RDK_STOREFRONT_URL.replace(/\/+$/, '');
const shots = path.resolve(process.env.RDK_SCREENSHOTS);
const problems = [];

function watch(page) {
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning' || /Content.Security.Policy/i.test(msg.text()))
      problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('response', (res) => {
    // The waiting room's 400 answers are the point of some steps; anything else is a problem.
    if (res.status() >= 500)
      problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
}

async function shot(page, name) {
  await page.waitForLoadState('networkidle');
  const file = path.join(shots, `storefront-${name}.png`);
  fs.writeFileSync(file, await page.screenshot({ fullPage: false }));
  console.log(`screenshot ${file}`);
}

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.RDK_CHROMIUM || '/usr/bin/chromium',
                                          args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    watch(page);
    const soon = process.env.RDK_SOON_SKU;
    // Coming soon: the countdown runs (drop.js) and the join form is there.
    await page.goto(`${base}/products/${soon}`);
    const first = await page.textContent('[data-countdown]');
    await page.waitForFunction((t) => document.querySelector('[data-countdown]').textContent !== t, first, { timeout: 5000 });
    await shot(page, 'drop-coming-soon');
    // Join: the browser solves the proof of work and lands in the waiting room with a place.
    await page.click('form[data-challenge-url] button[type=submit]');
    await page.waitForURL(`${base}/drops/${soon}`, { timeout: 30000 });
    await page.waitForSelector('[data-queue-position]');
    const cookies = await context.cookies();
    if (!cookies.some((c) => c.name.startsWith('rdk_q_') && c.httpOnly && c.sameSite === 'Lax'))
      problems.push('no HttpOnly SameSite=Lax rdk_q_ cookie after joining');
    await shot(page, 'drop-waiting-room');
    // Raffle entry.
    await page.goto(`${base}/drops/${process.env.RDK_RAFFLE_SKU}`);
    await page.fill('#raffle-email', 'ann@example.com');
    await page.check('.size-chip input[value="10"]', { force: true });
    await shot(page, 'drop-raffle-entry');
    await page.click('form[data-challenge-url] button[type=submit]');
    await page.waitForURL(/\/entered$/, { timeout: 30000 });
    await shot(page, 'drop-raffle-entered');
    // A winner's claim page.
    await page.goto(`${base}${process.env.RDK_CLAIM_PATH}`);
    await page.waitForSelector('text=You won a pair.');
    await shot(page, 'drop-raffle-won');
  } finally {
    await browser.close();
  }
  if (problems.length) {
    console.error(`problems:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
})().catch((err) => {
  console.error(err.stack || String(err));
  process.exit(1);
});
