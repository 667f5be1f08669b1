// Unit tests of the dashboard's pure functions (web/dashboard/*.js), run by node without a
// browser: `node --test tests/browser/dashboard_units_test.mjs` (ctest `dashboard_units`).

import assert from "node:assert/strict";
import test from "node:test";

import {fmtCcy, fmtInputs, fmtTime, mulRaw, quoteAsset, toRaw} from "../../web/dashboard/format.js";
import {pagePath} from "../../web/dashboard/api.js";
import {bucketPoints, equityPoints, mergeEquity} from "../../web/dashboard/state.js";
import {orderIsOpen, orderOutcomeText, roundTripPnl} from "../../web/dashboard/session.js";

test("equity points of the same second are merged, in time order", () => {
  // A 10 s sample, then a fill 100 ms later: two points in one second.
  const items = [
    {ts_event_ms: 1723161290000, equity: "10000.00000000"},
    {ts_event_ms: 1723161300000, equity: "10001.00000000"},
    {ts_event_ms: 1723161300100, equity: "9990.00000000"},
    {ts_event_ms: 1723161310000, equity: "9995.00000000"},
  ];
  const points = equityPoints(items);
  assert.deepEqual(points, [{t: 1723161290, v: 10000}, {t: 1723161300, v: 9990}, {t: 1723161310, v: 9995}]);
  for (let i = 1; i < points.length; i++) assert.ok(points[i].t > points[i - 1].t);
  // Pushes older than the history are not appended; newer ones are.
  const merged = mergeEquity(points, [{t: 1723161300, v: 1}, {t: 1723161320, v: 9996}]);
  assert.deepEqual(merged.map((p) => p.t), [1723161290, 1723161300, 1723161310, 1723161320]);
  // Points stored out of order still come out increasing.
  const shuffled = equityPoints([items[3], items[0], items[2], items[1]]);
  assert.deepEqual(shuffled.map((p) => p.t), [1723161290, 1723161300, 1723161310]);
});

test("downsampled equity buckets become points at their close, with low, high and inner drawdown", () => {
  const items = [
    {bucket_start_ms: 0, last_ms: 3599000, open: "100.00000000", high: "120.00000000", low: "90.00000000",
     close: "110.00000000", max_drawdown: "0.25000000"},
    {bucket_start_ms: 3600000, last_ms: 7199000, open: "110.00000000", high: "x", low: "1", close: "1",
     max_drawdown: "0"},
    {bucket_start_ms: 7200000, last_ms: 10799000, open: "111.00000000", high: "130.00000000", low: "105.00000000",
     close: "125.00000000", max_drawdown: "0.01000000"},
  ];
  assert.deepEqual(bucketPoints(items), [
    {t: 3599, v: 110, lo: 90, hi: 120, dd: 0.25},
    {t: 10799, v: 125, lo: 105, hi: 130, dd: 0.01},
  ]);
});

test("a page path names each query parameter once: the first page starts at the path's own cursor", () => {
  assert.equal(pagePath("/sessions/1/equity"), "/sessions/1/equity?limit=1000");
  assert.equal(pagePath("/sessions/1/equity", 1500), "/sessions/1/equity?limit=1000&after=1500");
  // A session with more than 1000 fills: the next page replaces the path's `after` (the API
  // answers 400 to a parameter given twice, and the tables stayed empty).
  assert.equal(pagePath("/sessions/1/fills?after=0"), "/sessions/1/fills?after=0&limit=1000");
  assert.equal(pagePath("/sessions/1/fills?after=0", 1000), "/sessions/1/fills?after=1000&limit=1000");
  assert.equal(pagePath("/sessions/1/fills?side=buy&after=7", 9), "/sessions/1/fills?side=buy&after=9&limit=1000");
});

test("money says its currency and groups thousands", () => {
  assert.equal(quoteAsset("BTCUSDT"), "USDT");
  assert.equal(quoteAsset("ETHBTC"), "BTC");
  assert.equal(fmtCcy("61772.18000000", "USDT"), "61,772.18 USDT");
  assert.equal(fmtTime(1723161301234), "2024-08-08 23:55:01 UTC");
  assert.equal(fmtInputs("ema_fast=61233.94512345, ema_slow=61231.2, rsi=28.456789, sma_200@1h=61000.5"),
               "ema_fast=61,233.95, ema_slow=61,231.20, rsi=28.4568, sma_200@1h=61,000.50");
  assert.equal(fmtInputs("blocked: cooldown after the last exit until ts 1682964299999 ms"),
               "blocked: cooldown after the last exit until 2023-05-01 18:04:59 UTC");
  assert.equal(fmtInputs("sell 0.02363 market submitted (order 2490)"), "sell 0.02363 market submitted (order 2490)");
});

test("notional and round-trip P&L are exact", () => {
  assert.equal(toRaw("61234.56"), 6123456000000n);
  assert.equal(toRaw("-0.00000001"), -1n);
  assert.equal(mulRaw("61234.56000000", "0.14700000"), 900148032000n); // 9001.48032
  const fills = [
    {fill_id: 1, side: "buy", price: "100.00000000", qty: "1.00000000", fee: "0.10000000"},
    {fill_id: 2, side: "sell", price: "101.00000000", qty: "0.50000000", fee: "0.05050000"},
    {fill_id: 3, side: "sell", price: "102.00000000", qty: "0.50000000", fee: "0.05100000"},
    {fill_id: 4, side: "buy", price: "100.00000000", qty: "2.00000000", fee: "0.20000000"},
  ];
  const trips = roundTripPnl(fills);
  assert.equal(trips.size, 1); // the second trip is still open
  // proceeds 50.5 + 51 − cost 100 − fees 0.2015 = 1.2985
  assert.equal(trips.get(3), 129850000n);
});

test("orders read their one status: open until done, outcome with the reason when refused", () => {
  for (const status of ["PENDING_NEW", "NEW", "TRIGGERED", "PARTIALLY_FILLED"])
    assert.equal(orderIsOpen({status}), true, status);
  for (const status of ["FILLED", "CANCELED", "REJECTED", "EXPIRED", "DENIED"])
    assert.equal(orderIsOpen({status}), false, status);
  assert.equal(orderOutcomeText({status: "DENIED", reject_reason: "ZERO_QUANTITY"}, 0), "DENIED: ZERO_QUANTITY");
  assert.equal(orderOutcomeText({status: "REJECTED", reject_reason: "WOULD_MATCH", report: {filled_qty: "0.00000000"}}, 0),
               "REJECTED: WOULD_MATCH");
  assert.equal(orderOutcomeText({status: "FILLED", reject_reason: null,
                                 report: {avg_px: "61835.80000000", filled_qty: "0.06462000"}}, 11),
               "FILLED 0.06462 at 61,835.80 (11 fills)");
  assert.equal(orderOutcomeText({status: "CANCELED", reject_reason: null}, 0), "CANCELED");
});
