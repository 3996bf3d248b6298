// Drives the demo page (deploy/demo-page) in Debian's chromium: two browser
// contexts (two people, separate cookie jars) open one side each and exchange
// messages, typing, presence and each dialect's extras through the gateway;
// then one context shows both sides in one page. Screenshots go to OUT_DIR.
//
//   node demo_page.mjs PAGE_URL OUT_DIR
// Exit status 1 if any check fails (the table printed says which).
import { chromium } from './node/node_modules/playwright-core/index.mjs';

const [pageUrl, outDir] = process.argv.slice(2);
if (!pageUrl || !outDir) {
  console.error('usage: node demo_page.mjs PAGE_URL OUT_DIR');
  process.exit(2);
}
const WAIT_MS = 15000;
const results = [];

function url(extra) {
  const u = new URL(pageUrl);
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
  return u.toString();
}

const card = (page, dialect, side) => page.locator(`.card[data-dialect="${dialect}"][data-side="${side}"]`);

// Waits for a log line of `kind` containing `text` (any line of that kind when text is empty).
async function seen(page, dialect, side, kind, text = '') {
  const line = card(page, dialect, side).locator(`.log li[data-kind="${kind}"]`).filter({ hasText: text }).first();
  try {
    await line.waitFor({ timeout: WAIT_MS });
    return true;
  } catch {
    return false;
  }
}

async function check(dialect, what, probe) {
  let ok = false;
  let note = '';
  try {
    ok = await probe();
  } catch (e) {
    note = e.message.split('\n')[0];
  }
  results.push({ dialect, what, ok, note });
}

async function openSide(browser, side) {
  const context = await browser.newContext({ viewport: { width: 900, height: 1400 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${side}] page error: ${e.message}`));
  await page.goto(url({ side }));
  await page.waitForSelector('body[data-state="ready"], body[data-state="failed"]', { timeout: 60000 });
  if ((await page.getAttribute('body', 'data-state')) !== 'ready') {
    const errors = await page.locator('.log li[data-kind="error"]').allTextContents();
    const states = await page.locator('.card').evaluateAll((cards) => cards.map((c) => `${c.dataset.dialect}: ${c.dataset.state}`));
    throw new Error(`the ${side} page did not connect: ${states.join(', ')}\n${errors.join('\n')}`);
  }
  return page;
}

async function say(page, dialect, side, text) {
  const input = card(page, dialect, side).locator('input[name="text"]');
  await input.fill(text);  // an input event: the card sends "typing"
  return input;
}

async function click(page, dialect, side, extra) {
  await card(page, dialect, side).locator(`button[data-extra="${extra}"]`).click();
}

const TYPING = new Set(['tribe', 'circles', 'pythia', 'winkr']);
const PRESENCE = new Set(['circles', 'pythia', 'winkr']);  // seed 002 publishes presence to NATS only; 003 has none

async function exchange(left, right, dialect) {
  const there = `${dialect}: left to right ${Date.now()}`;
  const back = `${dialect}: right to left ${Date.now()}`;
  if (PRESENCE.has(dialect)) {
    await check(dialect, 'presence (left sees right online)', async () => {
      await card(left, dialect, 'left').locator('.presence .online').first().waitFor({ timeout: WAIT_MS });
      return true;
    });
  }
  const input = await say(left, dialect, 'left', there);
  if (TYPING.has(dialect)) {
    await check(dialect, 'typing (right sees left typing)', async () => {
      await right.waitForFunction(([d]) => document.querySelector(`.card[data-dialect="${d}"][data-side="right"] .typing`)?.textContent.includes('typing'),
        [dialect], { timeout: WAIT_MS });
      return true;
    });
  }
  await input.press('Enter');
  await check(dialect, 'message left → right', () => seen(right, dialect, 'right', 'message', there));
  await (await say(right, dialect, 'right', back)).press('Enter');
  await check(dialect, 'message right → left', () => seen(left, dialect, 'left', 'message', back));
}

async function extras(left, right, dialect) {
  switch (dialect) {
    case 'tribe':
      await click(left, dialect, 'left', 'ping');
      await check(dialect, 'ping → pong', () => seen(left, dialect, 'left', 'extra', 'pong'));
      break;
    case 'circles':
      await check(dialect, 'notification on the user socket', () => seen(right, dialect, 'right', 'notification', 'message in thread'));
      await click(left, dialect, 'left', 'react');
      await check(dialect, 'reaction', () => seen(right, dialect, 'right', 'reaction', '❤️'));
      await click(right, dialect, 'right', 'read');
      await check(dialect, 'read receipt', () => seen(left, dialect, 'left', 'read'));
      break;
    case 'pythia':
      await click(left, dialect, 'left', 'react');
      await check(dialect, 'reaction', () => seen(right, dialect, 'right', 'reaction', '👍'));
      await click(left, dialect, 'left', 'mention');
      await check(dialect, 'mention notification', () => seen(right, dialect, 'right', 'notification', '@mention'));
      break;
    case 'social':
      await click(left, dialect, 'left', 'group');
      await check(dialect, 'group message', () => seen(right, dialect, 'right', 'message', 'hello Developers'));
      await click(left, dialect, 'left', 'notify');
      await check(dialect, 'notification (group invite)', () => seen(right, dialect, 'right', 'notification', 'group_invite'));
      break;
    case 'winkr':
      await check(dialect, 'delivery receipt', () => seen(left, dialect, 'left', 'delivered'));
      await check(dialect, 'unread notification', () => seen(right, dialect, 'right', 'notification', 'unread'));
      await click(left, dialect, 'left', 'read');
      await check(dialect, 'read receipt', () => seen(right, dialect, 'right', 'read'));
      await click(left, dialect, 'left', 'delete');
      await check(dialect, 'delete', () => seen(right, dialect, 'right', 'deleted'));
      break;
    default:
      throw new Error(`no extras for ${dialect}`);
  }
}

async function sideBySide(browser) {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1500 } });
  const page = await context.newPage();
  await page.goto(url({}));
  await page.waitForSelector('body[data-state="ready"], body[data-state="failed"]', { timeout: 60000 });
  const ready = (await page.getAttribute('body', 'data-state')) === 'ready';
  results.push({ dialect: 'all', what: 'side-by-side page connects both users', ok: ready, note: '' });
  if (ready) {
    for (const dialect of ['tribe', 'circles', 'pythia', 'social', 'winkr']) {
      const text = `side by side in ${dialect}`;
      await (await say(page, dialect, 'left', text)).press('Enter');
      await check(dialect, 'side-by-side page: left → right', () => seen(page, dialect, 'right', 'message', text));
    }
  }
  await page.screenshot({ path: `${outDir}/demo-side-by-side.png`, fullPage: true });
}

// A query string the page cannot use says so instead of hanging.
async function badQueries(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const [query, text] of [[{ side: 'middle' }, '?side=middle: want left or right'],
    [{ tribe: '80x' }, '?tribe=80x is not a port']]) {
    await page.goto(url(query));
    await check('page', `bad query ${JSON.stringify(query)} is refused`, async () => {
      await page.waitForSelector('body[data-state="failed"]', { timeout: WAIT_MS });
      return (await page.textContent('#status')).includes(text);
    });
  }
  await context.close();
}

// launch() starts chromium with a fresh --user-data-dir of its own (a temporary
// directory it removes); the two contexts are separate, like two browsers.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let status = 1;
try {
  const left = await openSide(browser, 'left');
  const right = await openSide(browser, 'right');
  for (const dialect of ['tribe', 'circles', 'pythia', 'social', 'winkr']) {
    await exchange(left, right, dialect);
    await extras(left, right, dialect);
  }
  await left.screenshot({ path: `${outDir}/demo-left.png`, fullPage: true });
  await right.screenshot({ path: `${outDir}/demo-right.png`, fullPage: true });
  await sideBySide(browser);
  await badQueries(browser);
  const failed = results.filter((r) => !r.ok);
  for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.dialect.padEnd(8)} ${r.what}${r.note ? ` (${r.note})` : ''}`);
  console.log(`screenshots: ${outDir}/demo-left.png, demo-right.png, demo-side-by-side.png`);
  console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
  status = failed.length ? 1 : 0;
} catch (e) {
  console.error(e.message);
} finally {
  await browser.close();
}
process.exit(status);
