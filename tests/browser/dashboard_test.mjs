// Browser test of the dashboard: starts `papertrader run` on a replay of the recorded BTCUSDT
// stream (127.0.0.1, a free port, a known token), drives Debian's /usr/bin/chromium through
// playwright-core (no downloaded browser), and checks that sessions and fills arrive live, that a
// pause through the UI (with its confirmation dialog) shows as paused, and that a session page
// draws its chart; then, once the replay has ended, that a page opened afresh shows what the API
// says (figures, fills, position, metrics, curves in time order, indicator series), that the
// WebSocket URL carries no token, and that the page marks its figures stale when the server goes.
// Saves screenshots and prints their paths.
//
//   node dashboard_test.mjs BINARY RECORDING SCREENSHOT_DIR
//
// Exit code 0 when every check passed; every wait is bounded (playwright's waitFor/timeouts).

import {spawn} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {chromium} from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, "../..");
const [binary, recording, outDir] = process.argv.slice(2);
if (!binary || !recording || !outDir) {
  console.error("usage: node dashboard_test.mjs BINARY RECORDING SCREENSHOT_DIR");
  process.exit(2);
}
const TOKEN = "browser-test-admin-token";
const WAIT_MS = 60_000;

function fail(message) {
  throw new Error(message);
}

// ---- the server --------------------------------------------------------------------------------

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pt-browser-"));
fs.mkdirSync(path.join(dir, "strategies"));
for (const f of ["ema_crossover_10s.yaml", "rsi_scalper_5s.yaml", "ema_crossover.yaml"])
  fs.copyFileSync(path.join(source, "config/strategies", f), path.join(dir, "strategies", f));
fs.writeFileSync(path.join(dir, "papertrader.yaml"), `database: ${dir}/pt.db
api:
  rate_per_s: 1000
  burst: 1000
defaults: {initial_cash: 10000, taker_fee_bps: 10, slippage_bps: 1, qty_step: 0.00001, equity_interval: 10s}
sessions:
  - {name: btc-rsi-5s, strategy: strategies/rsi_scalper_5s.yaml}
  - {name: btc-ema-10s, strategy: strategies/ema_crossover_10s.yaml}
`);

let output = "";
const server = spawn(binary, ["run", "--config", path.join(dir, "papertrader.yaml"), "--replay", recording,
                              "--speed", "8", "--listen", "127.0.0.1:0"],
                     {env: {...process.env, PAPERTRADER_API_TOKEN: TOKEN}, stdio: ["ignore", "pipe", "pipe"]});
// Everything the server prints is kept (for the waits and the failure report).
server.stdout.on("data", (c) => (output += c));
server.stderr.on("data", (c) => (output += c));
const exited = new Promise((resolve) => server.on("exit", (code, signal) => resolve({code, signal})));

/// Resolves with the first match of `re` in the server's output; rejects after `ms` or on exit.
function waitForOutput(re, ms) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = re.exec(output);
      if (m) {
        cleanup();
        resolve(m);
      }
    };
    const onData = () => check();
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${re} in the server's output within ${ms} ms:\n${output}`));
    }, ms);
    const onExit = () => {
      cleanup();
      reject(new Error(`the server exited early:\n${output}`));
    };
    function cleanup() {
      clearTimeout(timer);
      server.stdout.off("data", onData);
      server.stderr.off("data", onData);
      server.off("exit", onExit);
    }
    server.stdout.on("data", onData);
    server.stderr.on("data", onData);
    server.on("exit", onExit);
    check();
  });
}

/// GET of an API path with the test's token, as JSON.
async function apiGet(base, p) {
  const r = await fetch(`${base}/api/v1${p}`, {headers: {Authorization: `Bearer ${TOKEN}`}});
  if (!r.ok) fail(`GET ${p}: HTTP ${r.status}`);
  return r.json();
}

/// Every item of a cursor-paginated API route.
async function apiItems(base, p) {
  const items = [];
  for (let after = null; ;) {
    const page = await apiGet(base, `${p}${p.includes("?") ? "&" : "?"}limit=1000${after === null ? "" : "&after=" + after}`);
    items.push(...page.items);
    if (page.next_after === null || page.next_after === undefined) return items;
    after = page.next_after;
  }
}

/// A figure as the page shows it ("10,012.40 USDT", "−3.10", "+1.23 %") as a number.
function figure(text) {
  const m = /[+\-−]?[\d,]+(?:\.\d+)?/.exec(text.replace(/\u2212/g, "-"));
  return m ? Number(m[0].replace(/,/g, "")) : NaN;
}

/// Fails unless the element shows `want` to the cent (it shows 2 decimals).
async function expectFigure(locator, want, what) {
  const text = (await locator.textContent()) || "";
  const got = figure(text);
  if (!(Math.abs(got - want) <= 0.005 + 1e-9)) fail(`${what}: the page shows "${text}", the API says ${want}`);
}

/// Fails unless the element shows the API's position quantity ("flat" for none).
async function expectPosition(locator, qty, what) {
  const text = (await locator.textContent()) || "";
  const want = Number(qty);
  const got = /flat/.test(text) ? 0 : figure(text);
  if (!(Math.abs(got - want) < 1e-8)) fail(`${what}: the page shows "${text}", the API says ${qty}`);
}

/// Checks a session page opened after the session traded against the API: its figures, its
/// curves (read back from the chart series, in time order), its tables and its metrics.
async function checkSessionPage(p, base, id) {
  const s = await apiGet(base, `/sessions/${id}`);
  const metrics = await apiGet(base, `/sessions/${id}/metrics`);
  const equity = await apiItems(base, `/sessions/${id}/equity`);
  s.fills = (await apiItems(base, `/sessions/${id}/fills`)).length;
  // Loaded: every fill in the table, the performance block, the curves drawn.
  await p.waitForFunction((n) => document.querySelectorAll("#fills tbody tr").length === n, s.fills);
  await p.locator("#performance [data-metric=round_trips]").waitFor();
  await p.waitForFunction(() => {
    const pg = window.papertrader && window.papertrader.state.page;
    return pg && pg.equityLine.data().length > 1 && pg.candles.data().length > 1;
  });
  await expectFigure(p.locator('.stat-value[data-role="equity"]'), Number(s.equity), "session page equity");
  await expectFigure(p.locator('.stat-value[data-role="pnl"]'), Number(s.equity) - Number(s.initial_cash), "session page P&L");
  await expectFigure(p.locator('.stat-value[data-role="cash"]'), Number(s.cash), "session page cash");
  await expectPosition(p.locator('.stat-value[data-role="position"]'), s.position_qty, "session page position");
  const fills = Number(await p.locator('.stat-value[data-role="fills"]').textContent());
  if (fills !== s.fills) fail(`session page fills: ${fills}, the API says ${s.fills}`);
  if (!/UTC/.test(await p.locator('.stat-value[data-role="last"]').textContent())) fail("the last event time has no zone");
  if (!/USDT/.test(await p.locator("#session-head").textContent())) fail("the page does not say the currency");
  await p.locator('[data-role="ended"]').waitFor();

  // The curves, read back from the page: strictly increasing times, the API's last equity.
  const curves = await p.evaluate(() => {
    const pg = window.papertrader.state.page;
    const times = (series) => series.data().map((d) => d.time);
    const overlays = {};
    for (const [name, o] of pg.overlays) overlays[name] = o.series.data().map((d) => [d.time, d.value]);
    return {equity: pg.equityLine.data().map((d) => [d.time, d.value]), drawdown: times(pg.ddLine),
            candles: times(pg.candles), overlays};
  });
  const increasing = (ts) => ts.every((t, i) => i === 0 || t > ts[i - 1]);
  if (!increasing(curves.equity.map((d) => d[0]))) fail("the equity curve goes back in time");
  if (!increasing(curves.drawdown)) fail("the drawdown curve goes back in time");
  if (!increasing(curves.candles)) fail("the candles go back in time");
  if (curves.drawdown.length !== curves.equity.length) fail("the drawdown curve and the equity curve differ in length");
  // Every second of the API's curve is on the page with the last value of that second; after the
  // last one, at most the final summary's equity (pushed when the page subscribed).
  const perSecond = new Map();
  for (const q of equity) perSecond.set(Math.floor(q.ts_event_ms / 1000), Number(q.equity));
  const drawn = new Map(curves.equity);
  const lastSecond = Math.max(...perSecond.keys());
  for (const [t, v] of perSecond) {
    const ok = drawn.has(t) && (Math.abs(drawn.get(t) - v) < 1e-6 || (t === lastSecond && Math.abs(drawn.get(t) - Number(s.equity)) < 1e-6));
    if (!ok) fail(`equity at ${t}: the page has ${drawn.get(t)}, the API ${v}`);
  }
  for (const [t, v] of drawn)
    if (!perSecond.has(t) && !(t > lastSecond && Math.abs(v - Number(s.equity)) < 1e-6))
      fail(`the page's equity curve has a point the API has not: ${t} ${v}`);
  if (Math.abs(curves.equity[curves.equity.length - 1][1] - Number(s.equity)) > 1e-6 &&
      Math.abs(curves.equity[curves.equity.length - 1][1] - perSecond.get(lastSecond)) > 1e-6)
    fail("the equity curve does not end on the session's equity");

  // The indicator series of the strategy, per bar, as the API serves them.
  const tf = (await apiGet(base, "/strategies")).items.find((x) => x.name === s.strategy_name).timeframe;
  const ind = await apiGet(base, `/sessions/${id}/indicators?timeframe=${tf}&limit=1000`);
  if (!ind.series.length || !ind.items.length) fail("the API serves no indicator series: " + JSON.stringify(ind));
  for (const spec of ind.series) {
    const drawn = curves.overlays[spec.name];
    if (!drawn) fail(`indicator ${spec.name} is not drawn`);
    if (!increasing(drawn.map((d) => d[0]))) fail(`indicator ${spec.name} goes back in time`);
    const c = ind.series.indexOf(spec);
    const known = ind.items.filter((it) => it.values[c] !== null);
    if (drawn.length !== known.length) fail(`indicator ${spec.name}: ${drawn.length} points drawn, ${known.length} served`);
    const last = known[known.length - 1];
    const lastDrawn = drawn[drawn.length - 1];
    if (lastDrawn[0] !== last.open_time_ms / 1000 || lastDrawn[1] !== last.values[c]) fail(`indicator ${spec.name} ends elsewhere`);
  }

  // Metrics: the performance block, with labels a trader reads.
  const perf = metrics.performance;
  if (!perf) fail("the API has no performance block: " + JSON.stringify(metrics));
  const trips = Number(await p.locator("#performance [data-metric=round_trips]").textContent());
  if (trips !== perf.round_trips) fail(`round trips: the page says ${trips}, the API ${perf.round_trips}`);
  for (const k of ["win_rate", "sharpe", "sortino", "profit_factor", "net_pnl", "max_drawdown"])
    await p.locator(`#performance [data-metric=${k}]`).waitFor();
  const labels = await p.locator("#metrics dt").allTextContents();
  if (labels.some((l) => l.includes("_"))) fail("raw metric names on the page: " + labels.filter((l) => l.includes("_")));
  // The fills table: one trip P&L per closed round trip, notional on every row.
  const tripCells = (await p.locator("#fills td[data-col=trip]").allTextContents()).filter((t) => t.trim() !== "");
  if (tripCells.length !== perf.round_trips) fail(`${tripCells.length} trip P&L cells for ${perf.round_trips} round trips`);
  const notional = await p.locator("#fills td[data-col=notional]").count();
  if (notional !== s.fills) fail(`notional shown on ${notional} of ${s.fills} fills`);
  const netTrips = tripCells.reduce((a, t) => a + figure(t), 0);
  const wantNet = Number(perf.gross_profit) - Number(perf.gross_loss);
  if (Math.abs(netTrips - wantNet) > 0.01 * tripCells.length + 1e-9)
    fail(`the trips' P&L add up to ${netTrips}, the API's gross profit − gross loss is ${wantNet}`);
  // Prices in the decision log read like prices (no raw 8-decimal numbers).
  const inputs = await p.locator("#decisions td[data-col=inputs]").allTextContents();
  const raw = /\d{3,}\.\d{3,}/; // a price-scale value with more than 2 decimals
  if (inputs.some((t) => raw.test(t))) fail("raw decimals in the decision log: " + inputs.find((t) => raw.test(t)));
  console.log(`session ${id} opened after it traded: ${s.fills} fills, ${perf.round_trips} round trips, ` +
              `${curves.equity.length} equity points in time order, indicators ${ind.series.map((x) => x.name).join(", ")}`);
}

let browser;
let ok = false;
try {
  const m = await waitForOutput(/api listening on 127\.0\.0\.1:(\d+)/, WAIT_MS);
  const base = `http://127.0.0.1:${m[1]}`;

  // ---- the browser ---------------------------------------------------------------------------
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    timeout: WAIT_MS,
  });
  const context = await browser.newContext({viewport: {width: 1440, height: 900}});
  const page = await context.newPage();
  const problems = [];
  const socketUrls = [];
  /// Every page of the test is watched the same way.
  const watch = (p) => {
    p.setDefaultTimeout(WAIT_MS);
    p.on("pageerror", (e) => problems.push("page error: " + e.message));
    // Every file of the page must load; the API may say 404 (a symbol with no data yet), never 5xx.
    p.on("response", (r) => {
      const isApi = new URL(r.url()).pathname.startsWith("/api/");
      if (r.status() >= 500 || (r.status() >= 400 && !isApi)) problems.push(`HTTP ${r.status()} for ${r.url()}`);
    });
    p.on("console", (msg) => {
      if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource"))
        problems.push("console error: " + msg.text());
    });
    p.on("websocket", (ws) => socketUrls.push(ws.url()));
  };
  watch(page);

  // Without a token the page asks for one; pasting it shows the sessions.
  await page.goto(base + "/");
  await page.locator("#token-dialog[open]").waitFor();
  await page.fill("#token-input", TOKEN);
  await page.click("#token-save");
  const rows = page.locator("#sessions-body tr[data-session]");
  await rows.nth(1).waitFor();
  await page.locator("#conn.pill-on").waitFor();
  console.log(`sessions shown: ${await rows.count()}`);

  // Fills arrive live: some session's fill count grows with no reload.
  const fillsOf = async () => {
    const texts = await page.locator("#sessions-body td[data-role=fills]").allTextContents();
    return texts.map((t) => Number(t) || 0).reduce((a, b) => a + b, 0);
  };
  await page.evaluate(() => (window.__loadedOnce = true)); // a reload would drop this
  const fillsBefore = await fillsOf();
  await page.waitForFunction((before) => {
    const cells = [...document.querySelectorAll("#sessions-body td[data-role=fills]")];
    return cells.map((c) => Number(c.textContent) || 0).reduce((a, b) => a + b, 0) > before;
  }, fillsBefore, {timeout: 2 * WAIT_MS});
  const fillsAfter = await fillsOf();
  if (!(await page.evaluate(() => window.__loadedOnce === true))) fail("the page reloaded");
  console.log(`fills grew live: ${fillsBefore} -> ${fillsAfter}`);

  // Pause the first running session through its button and the confirmation dialog.
  const running = page.locator("#sessions-body tr[data-session]").filter({has: page.locator("button[data-action=pause]")}).last();
  await running.waitFor();
  const id = await running.getAttribute("data-session");
  await running.locator("button[data-action=pause]").click();
  await page.locator("#confirm-dialog[open]").waitFor();
  await page.click("#confirm-ok");
  const row = page.locator(`#sessions-body tr[data-session="${id}"]`);
  await row.locator("[data-role=status]", {hasText: "paused"}).waitFor();
  await row.locator("button[data-action=resume]").waitFor();
  const rest = await fetch(`${base}/api/v1/sessions/${id}`, {headers: {Authorization: `Bearer ${TOKEN}`}}).then((r) => r.json());
  if (rest.status !== "paused") fail(`the API says session ${id} is ${rest.status}, not paused`);
  console.log(`session ${id} paused through the UI`);

  // Create a session from the strategy list: it shows up as a new row, running.
  await page.selectOption("#create-strategy", "ema_crossover_10s");
  await page.fill("#create-name", "made-in-browser");
  await page.click("#create-form button[type=submit]");
  const made = page.locator("#sessions-body tr[data-session]", {hasText: "made-in-browser"});
  await made.locator("[data-role=status]", {hasText: "running"}).waitFor();
  console.log(`session ${await made.getAttribute("data-session")} created through the UI`);

  // A session page: the candlestick chart draws on its canvas, the tables load.
  const other = await page.locator("#sessions-body tr[data-session]").evaluateAll(
    (trs, paused) => trs.map((t) => t.dataset.session).find((s) => s !== paused), id);
  await page.click(`#sessions-body tr[data-session="${other}"] a`);
  await page.locator("#price-chart canvas").first().waitFor();
  await page.waitForFunction(() => {
    const c = document.querySelector("#price-chart canvas");
    return c && c.width > 100 && c.height > 100;
  });
  await page.locator("#fills table, #fills .empty").first().waitFor();
  await page.locator("#metrics dl dt").first().waitFor();
  // Let the chart take a few live pushes (a condition, not a sleep): the last-event time moves.
  const lastBefore = await page.locator('.stat-value[data-role="last"]').textContent();
  await page.waitForFunction((t) => {
    const e = document.querySelector('.stat-value[data-role="last"]');
    return e && e.textContent !== t && e.textContent !== "–";
  }, lastBefore, {timeout: WAIT_MS}).catch(() => console.log("(the session page saw no new event; the replay may have ended)"));
  fs.mkdirSync(outDir, {recursive: true});
  const sessionShot = path.join(outDir, "dashboard-session.png");
  await page.screenshot({path: sessionShot, fullPage: true});

  await page.click("a.brand");
  await rows.nth(1).waitFor();
  const overviewShot = path.join(outDir, "dashboard.png");
  await page.screenshot({path: overviewShot, fullPage: true});
  console.log(`screenshot: ${overviewShot}`);
  console.log(`screenshot: ${sessionShot}`);

  // ---- a page opened after the sessions traded --------------------------------------------------
  // The replay runs to its end; then a fresh tab opens the session that traded most, and what it
  // shows must be what the API says.
  const ended = (st) => ["finished", "stopped", "failed"].includes(st);
  // The live page says so itself once every session has settled at the end of the data.
  await page.locator("#banner.banner-ended").waitFor({timeout: 3 * WAIT_MS});
  const sessions = (await apiGet(base, "/sessions?limit=100")).items;
  for (const x of sessions) x.fills = (await apiItems(base, `/sessions/${x.id}/fills`)).length;
  if (!sessions.every((x) => ended(x.status))) fail("the sessions did not settle: " + JSON.stringify(sessions.map((x) => x.status)));
  const traded = sessions.slice().sort((a, b) => b.fills - a.fills)[0];
  if (!(traded.fills > 0)) fail("no session traded");
  const after = await context.newPage();
  watch(after);
  await after.goto(`${base}/#/session/${traded.id}`);
  await checkSessionPage(after, base, traded.id);
  const afterShot = path.join(outDir, "dashboard-session-after.png");
  await after.screenshot({path: afterShot, fullPage: true});
  console.log(`screenshot: ${afterShot}`);

  // The overview opened afresh: every row's figures are the API's, and the replay shows as ended.
  await after.goto(`${base}/#/`);
  await after.locator("#banner.banner-ended").waitFor();
  for (const x of sessions) {
    const row = after.locator(`#sessions-body tr[data-session="${x.id}"]`);
    await row.waitFor();
    await expectFigure(row.locator("[data-role=equity]"), Number(x.equity), `overview equity of session ${x.id}`);
    await expectFigure(row.locator("[data-role=pnl]"), Number(x.equity) - Number(x.initial_cash), `overview P&L of session ${x.id}`);
    await expectPosition(row.locator("[data-role=position]"), x.position_qty, `overview position of session ${x.id}`);
    const fills = Number(await row.locator("[data-role=fills]").textContent());
    if (fills !== x.fills) fail(`overview fills of session ${x.id}: ${fills}, the API says ${x.fills}`);
  }
  console.log(`a page opened after the replay shows the API's figures for ${sessions.length} sessions`);

  // The token never travels in a WebSocket URL (it would land in logs).
  if (!socketUrls.length) fail("no WebSocket was opened");
  for (const u of socketUrls) if (/token/i.test(u)) fail("the token is in the WebSocket URL: " + u);

  if (problems.length) fail("the page logged errors:\n" + problems.join("\n"));

  // The server goes away: the figures are marked stale and the commands are disabled.
  server.kill("SIGINT");
  await exited;
  await after.locator("#banner.banner-offline").waitFor();
  await after.locator("body.stale").waitFor();
  await after.locator("#create-form button[type=submit][disabled]").waitFor();
  await after.locator("#conn.pill-off").waitFor();
  const offlineShot = path.join(outDir, "dashboard-offline.png");
  await after.screenshot({path: offlineShot, fullPage: true});
  console.log(`screenshot: ${offlineShot}`);
  console.log("server gone: the page marks its figures stale and disables the commands");
  ok = true;
} catch (e) {
  console.error("FAILED: " + (e && e.stack ? e.stack : e));
  console.error("--- server output ---\n" + output.slice(-4000));
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server.exitCode === null && server.signalCode === null) server.kill("SIGINT");
  const timer = setTimeout(() => server.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
  fs.rmSync(dir, {recursive: true, force: true});
}
console.log(ok ? "dashboard browser test: passed" : "dashboard browser test: FAILED");
process.exit(ok ? 0 : 1);
