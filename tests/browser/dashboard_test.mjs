// Browser test of the dashboard: starts `papertrader run` on a replay of the recorded BTCUSDT
// stream (127.0.0.1, a free port, a known token), drives Debian's /usr/bin/chromium through
// playwright-core (no downloaded browser), and checks that sessions and fills arrive live, that a
// pause through the UI (with its confirmation dialog) shows as paused, and that a session page
// draws its chart. Saves a screenshot and prints its path.
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
  const page = await browser.newPage({viewport: {width: 1440, height: 900}});
  page.setDefaultTimeout(WAIT_MS);
  const problems = [];
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  // Every file of the page must load; the API may say 404 (a symbol with no data yet), never 5xx.
  page.on("response", (r) => {
    const isApi = new URL(r.url()).pathname.startsWith("/api/");
    if (r.status() >= 500 || (r.status() >= 400 && !isApi)) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  page.on("console", (msg) => {
    if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource"))
      problems.push("console error: " + msg.text());
  });

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

  if (problems.length) fail("the page logged errors:\n" + problems.join("\n"));
  ok = true;
} catch (e) {
  console.error("FAILED: " + (e && e.stack ? e.stack : e));
  console.error("--- server output ---\n" + output.slice(-4000));
} finally {
  if (browser) await browser.close().catch(() => {});
  server.kill("SIGINT");
  const timer = setTimeout(() => server.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
  fs.rmSync(dir, {recursive: true, force: true});
}
console.log(ok ? "dashboard browser test: passed" : "dashboard browser test: FAILED");
process.exit(ok ? 0 : 1);
