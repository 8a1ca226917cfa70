// End-to-end test of the playground in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser download). Serves web/ on loopback, drops files on the page, and
// checks what an analyst would look at. Screenshots go to target/web-artifacts/.
//   node web/test/e2e.mjs
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const web = resolve(fileURLToPath(new URL('..', import.meta.url)));
const root = resolve(web, '..');
const artifacts = join(root, 'target', 'web-artifacts');
mkdirSync(artifacts, { recursive: true });

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json',
};

// A static server for web/ only, on an ephemeral loopback port. Requests the page makes
// anywhere else would show up in `outside`.
const outside = [];
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  const file = join(web, path === '/' ? 'index.html' : path);
  if (!file.startsWith(web + '/') || file.includes('node_modules')) {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  timeout: 60_000,
});

let failures = 0;
async function test(name, body) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  page.on('request', (r) => !r.url().startsWith(base) && !r.url().startsWith('blob:') && !r.url().startsWith('data:') && outside.push(r.url()));
  try {
    await page.goto(base, { waitUntil: 'load' });
    await body(page);
    assert.deepEqual(errors, [], 'no errors on the page');
    console.log(`ok   ${name}`);
  } catch (e) {
    failures += 1;
    console.log(`FAIL ${name}\n${e.stack ?? e}`);
    await page.screenshot({ path: join(artifacts, `failed-${name.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => {});
  } finally {
    await page.close();
  }
}

async function load(page, file) {
  await page.setInputFiles('#file', file);
  await page.waitForSelector('#results:not([hidden])', { timeout: 120_000 });
}

const rows = (page, table) => page.$$eval(`#${table} tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));

await test('the bundled sample: the attacked blocks are named and the charts are drawn', async (page) => {
  await load(page, join(root, 'samples', 'demo.ndjson'));
  const incidents = await rows(page, 'incidents');
  assert.equal(incidents.length, 2, JSON.stringify(incidents));
  const kg = incidents.find((r) => r[4] === '+9965551');
  assert.ok(kg, `the KG burst block is in the incidents table: ${JSON.stringify(incidents)}`);
  assert.equal(kg[1], 'critical');
  assert.equal(kg[3], 'KG');
  assert.ok(incidents.some((r) => r[3] === 'SL' && r[4].startsWith('+232')), 'the slow Sierra Leone attack');
  const blocks = await rows(page, 'blocks');
  assert.equal(blocks[0][0], '+9965551', 'the riskiest block comes first');
  assert.equal(blocks[0][5], '0 %', 'nothing sent to it was verified');
  assert.ok(Number(blocks[0][6]) > 100, `its estimated cost: ${blocks[0][6]}`);
  // The charts: one sends line and one baseline per country, incidents shaded and barred.
  const series = await page.$$eval('svg#series path.sends', (ps) => ps.map((p) => [p.dataset.country, p.getAttribute('d').length]));
  assert.ok(series.length >= 3, `country lines: ${JSON.stringify(series)}`);
  assert.ok(series.some(([c]) => c === 'KG'), 'KG has a line');
  const kgPoints = await page.$eval('svg#series path.sends[data-country="KG"]', (p) => p.getAttribute('d').split('L').length);
  assert.ok(kgPoints >= 2, `the KG line has ${kgPoints} points`);
  const usPoints = await page.$eval('svg#series path.sends[data-country="US"]', (p) => p.getAttribute('d').split('L').length);
  assert.ok(usPoints >= 48, `the US line has a point every hour: ${usPoints}`);
  assert.equal(await page.locator('svg#series path.baseline').count(), series.length);
  assert.equal(await page.locator('svg#series rect.incident').count(), 2);
  assert.equal(await page.locator('svg#timeline rect.incident-bar').count(), 2);
  const box = await page.locator('svg#series').boundingBox();
  assert.ok(box && box.width > 500 && box.height > 150, 'the chart is laid out');
  // Coverage: the blind spots of provider-side logs are named.
  const coverage = await page.locator('#coverage').textContent();
  assert.match(coverage, /twilio_verify/);
  assert.match(coverage, /BLIND/);
  assert.match(await page.locator('#summary').textContent(), /5,851 records/);
  await page.screenshot({ path: join(artifacts, 'playground.png'), fullPage: true });
});

await test('a provider CSV export with an attack', async (page) => {
  const lines = ['Sid,From,To,Body,Status,SentDate,ApiVersion,NumSegments,ErrorCode,AccountSid,Price,PriceUnit,Direction'];
  let n = 0;
  for (let h = 0; h < 48; h += 1) {
    for (let k = 0; k < 6; k += 1) {
      const t = new Date(Date.UTC(2026, 0, 5, h, k * 9)).toISOString().replace('T', ' ').slice(0, 19);
      lines.push(`SM${n += 1},+15005550006,+1415555${String(1000 + n).padStart(4, '0')},"Your code is ${n}",delivered,${t} +0000,2010-04-01,1,,AC1,-0.00790,USD,outbound-api`);
    }
  }
  for (let k = 0; k < 150; k += 1) {
    const t = new Date(Date.UTC(2026, 0, 7, 2, 0, k * 12)).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(`SM${n += 1},+15005550006,+3712${String(2000000 + k)},"Your code, ${k}",undelivered,${t} +0000,2010-04-01,1,30008,AC1,-0.27000,USD,outbound-api`);
  }
  const file = join(artifacts, 'console-export.csv');
  writeFileSync(file, lines.join('\r\n') + '\r\n');
  await load(page, file);
  assert.match(await page.locator('#summary').textContent(), /\(csv\)/);
  const blocks = await rows(page, 'blocks');
  assert.equal(blocks[0][0].slice(0, 6), '+37122', `the pumped Latvian block leads: ${JSON.stringify(blocks.slice(0, 3))}`);
  assert.ok(['high', 'critical'].includes(blocks[0][8]), blocks[0][8]);
  assert.equal(blocks[0][5], 'n/a', 'an export without conversion events does not claim 0 % verified');
  assert.ok((await rows(page, 'incidents')).some((r) => r[3] === 'LV'));
  await page.screenshot({ path: join(artifacts, 'playground-csv.png'), fullPage: true });
});

await test('a large file streams with progress and the page answers meanwhile', async (page) => {
  const demo = readFileSync(join(root, 'samples', 'demo.ndjson'));
  const file = join(artifacts, 'demo-x20.ndjson');
  writeFileSync(file, Buffer.concat(Array(20).fill(demo)));
  assert.ok(statSync(file).size > 30e6);
  // Record every progress value the page shows, and count timer ticks on the main thread.
  await page.evaluate(() => {
    window.seen = [];
    window.ticks = 0;
    new MutationObserver(() => window.seen.push(document.getElementById('bar').value))
      .observe(document.getElementById('progress-text'), { childList: true, characterData: true, subtree: true });
    setInterval(() => { window.ticks += 1; }, 50);
  });
  await load(page, file);
  const seen = await page.evaluate(() => window.seen);
  assert.ok(seen.some((v) => v > 0 && v < 1), `intermediate progress shown: ${JSON.stringify(seen.slice(0, 10))}`);
  assert.ok(await page.evaluate(() => window.ticks) > 0, 'the main thread ran timers while the worker scored');
  assert.match(await page.locator('#summary').textContent(), /117,020 records/);
});

await test('a file that is not a log says so', async (page) => {
  const file = join(artifacts, 'not-a-log.csv');
  writeFileSync(file, 'name,email\nbob,bob@example.com\n');
  await page.setInputFiles('#file', file);
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.locator('#error').textContent(), /destination column/);
});

await browser.close();
server.close();
assert.deepEqual(outside, [], 'the page fetched nothing outside web/');
if (failures) {
  console.log(`${failures} failed; screenshots in ${artifacts}`);
  process.exit(1);
}
console.log(`all passed; screenshots in ${artifacts}`);
