#!/usr/bin/env node
// report.test.js — opens a jmd report.html in the system's headless
// Chromium (/usr/bin/chromium through playwright-core; never a downloaded
// browser) and checks what a person would see (issue 5 §3):
//   - no console errors and no page errors while it loads and replays;
//   - one path.threat-track per threat trajectory in svg#map;
//   - one tr.model-row per model in #comparison;
//   - moving #replay-slider (value set, input dispatched) moves at least
//     one .threat-marker;
//   - #timeline and #sources exist;
//   - a screenshot of the whole page is saved.
// Nothing goes over the network: the page is a file:// URL, the resolver
// maps every host to NOTFOUND and the proxy is a closed loopback port, and
// every request that is not file: or data: is aborted and reported.
//
// Usage: node report.test.js --report FILE --threats N --models a,b
//                            [--screenshot PNG]
// Exit status 0 when every check passes, 1 otherwise (each failure named).
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

function args(argv) {
  const a = { screenshot: path.join(__dirname, 'out', 'report.png') };
  for (let i = 2; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    if (!['report', 'threats', 'models', 'screenshot'].includes(k) || i + 1 >= argv.length) {
      console.error(`report.test.js: expected --report, --threats, --models or --screenshot with a value, found "${argv[i]}"`);
      process.exit(2);
    }
    a[k] = argv[i + 1];
  }
  if (!a.report || a.threats === undefined || a.models === undefined) {
    console.error('usage: node report.test.js --report FILE --threats N --models a,b [--screenshot PNG]');
    process.exit(2);
  }
  a.threats = Number(a.threats);
  a.models = a.models.split(',').filter((m) => m);
  return a;
}

async function main() {
  const a = args(process.argv);
  const failures = [];
  const check = (ok, what) => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures.push(what);
  };
  const browser = await chromium.launch({
    executablePath: process.env.JMD_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND',
      '--proxy-server=127.0.0.1:9', '--proxy-bypass-list=<-loopback>',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    const offline = [];
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith('file:') || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
      offline.push(u);
      return route.abort();
    });
    const url = 'file://' + path.resolve(a.report);
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForTimeout(300); // let scripts that draw after load finish

    const tracks = await page.locator('svg#map path.threat-track').count();
    check(tracks === a.threats, `${tracks} path.threat-track in svg#map, expected ${a.threats} (one per threat)`);
    const named = await page.$$eval('svg#map path.threat-track', (ps) => ps.filter((p) => p.getAttribute('data-threat')).length);
    check(named === tracks, `every path.threat-track names its threat (data-threat): ${named} of ${tracks}`);
    const rows = await page.locator('#comparison tr.model-row').count();
    check(rows === a.models.length, `${rows} tr.model-row in #comparison, expected ${a.models.length} (${a.models.join(', ')})`);
    const rowText = await page.$$eval('#comparison tr.model-row', (rs) => rs.map((r) => r.textContent));
    for (const m of a.models)
      check(rowText.some((t) => t.includes(m)), `a model row names "${m}"`);
    check(await page.locator('#timeline').count() === 1, '#timeline exists');
    check(await page.locator('#sources').count() === 1, '#sources exists');

    // The replay: where each marker is, before and after moving the slider.
    const markers = () => page.$$eval('.threat-marker', (ms) => ms.map((m) => {
      const r = m.getBoundingClientRect();
      return [m.getAttribute('data-threat') || '', Math.round(r.x * 10) / 10, Math.round(r.y * 10) / 10,
              m.getAttribute('transform') || '', m.getAttribute('cx') || '', m.getAttribute('cy') || ''].join('|');
    }));
    const slider = page.locator('#replay-slider');
    check(await slider.count() === 1, '#replay-slider exists');
    const range = await slider.evaluate((s) => ({ min: Number(s.min || 0), max: Number(s.max || 100), type: s.type }));
    check(range.type === 'range', `#replay-slider is a range input (type ${range.type})`);
    const setSlider = (v) => slider.evaluate((s, val) => {
      s.value = String(val);
      s.dispatchEvent(new Event('input', { bubbles: true }));
      s.dispatchEvent(new Event('change', { bubbles: true }));
    }, v);
    await setSlider(range.min);
    await page.waitForTimeout(100);
    const before = await markers();
    // a third of the way in: threats launched in a salvo are in the air
    const mid = range.min + Math.round((range.max - range.min) / 3);
    await setSlider(mid);
    await page.waitForTimeout(100);
    const after = await markers();
    check(after.length > 0, `${after.length} .threat-marker after moving the slider to ${mid}`);
    const moved = after.filter((m, i) => m !== before[i]).length;
    check(moved >= 1, `moving #replay-slider from ${range.min} to ${mid} moved ${moved} .threat-marker(s)`);

    check(errors.length === 0, `no console or page errors${errors.length ? ': ' + errors.join(' / ') : ''}`);
    check(offline.length === 0, `no request left the file${offline.length ? ': ' + offline.join(' ') : ''}`);

    fs.mkdirSync(path.dirname(a.screenshot), { recursive: true });
    await page.screenshot({ path: a.screenshot, fullPage: true });
    console.log(`screenshot: ${a.screenshot}`);
  } finally {
    await browser.close(); // Playwright gives Chromium a fresh temporary profile and removes it
  }
  if (failures.length) {
    console.log(`${failures.length} check(s) failed`);
    process.exit(1);
  }
  console.log('all checks passed');
}

main().catch((e) => { console.error(`report.test.js: ${e.stack || e}`); process.exit(1); });
