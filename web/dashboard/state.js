// What the dashboard knows, shared by its modules, and the equity history each page draws.

import {num} from "./format.js";

/// Equity points kept per session for the session page's curves.
export const CURVE_POINTS = 20000;
/// Equity points kept per session for the overview's sparklines.
export const SPARK_POINTS = 600;

/// The one state object of the page.
export const state = {
  token: "",
  sessions: new Map(),     // id → latest summary (REST row merged with pushes)
  equity: new Map(),       // id → [{t (s), v}] equity history, from REST then pushes, t strictly increasing
  equityLoaded: new Set(), // ids whose equity history came over REST (pushes only append)
  markets: new Map(),      // symbol → latest market push
  marketInfo: new Map(),   // symbol → GET /market/{symbol} (feed health), loaded once per page view
  marketRate: new Map(),   // symbol → [[wall ms, events]] of the last 5 s of pushes (events/s)
  strategies: [],          // GET /strategies items
  online: false,           // the WebSocket is open: the figures shown are live
  offlineSinceMs: 0,       // wall time the connection was lost (0 = never / now online)
  route: {page: "overview"},
  page: null,              // the session page's live objects while it is shown
};

/// A session's status after which nothing about it changes any more.
export const hasEnded = (status) => ["finished", "stopped", "failed"].includes(status);

/// Equity points of `GET /sessions/{id}/equity` (ms, decimal strings) as chart points: one per
/// second (the charts' time unit), the last value of each second, strictly increasing in time.
/// Several points can share a second (a fill 100 ms after a sample is a point of its own); the
/// chart library throws on equal or decreasing times, so they are merged as the pushes are.
export function equityPoints(items) {
  const sorted = items.slice().sort((a, b) => a.ts_event_ms - b.ts_event_ms); // stable: ties keep order
  const out = [];
  for (const p of sorted) {
    const v = num(p.equity);
    if (!Number.isFinite(v)) continue;
    const t = Math.floor(p.ts_event_ms / 1000);
    const last = out[out.length - 1];
    if (last && last.t === t) last.v = v;
    else out.push({t, v});
  }
  return out;
}

/// Chart points from `GET /sessions/{id}/equity/ohlc` items: one per bucket at its last point's
/// second, valued at its close, with `lo`, `hi` and `dd` (the bucket's low, high and inner max
/// drawdown as a fraction) for the drawdown curve.
export function bucketPoints(items) {
  const out = [];
  for (const b of items) {
    const v = num(b.close), lo = num(b.low), hi = num(b.high), dd = num(b.max_drawdown);
    if (![v, lo, hi, dd].every(Number.isFinite)) continue;
    const t = Math.floor(b.last_ms / 1000);
    if (out.length && t <= out[out.length - 1].t) continue;
    out.push({t, v, lo, hi, dd});
  }
  return out;
}

/// The REST history `points` (from `equityPoints`) followed by the pushed points newer than it.
export function mergeEquity(points, pushed) {
  const list = points.slice();
  for (const p of pushed) if (!list.length || p.t > list[list.length - 1].t) list.push(p);
  return list;
}

/// Appends a pushed equity value at event time `ms` to session `id`'s history (same second: it
/// replaces the value; an older second: ignored).
export function appendEquity(id, ms, value, limit = CURVE_POINTS) {
  if (!Number.isFinite(value)) return;
  let list = state.equity.get(id);
  if (!list) state.equity.set(id, (list = []));
  const t = Math.floor(ms / 1000);
  const last = list[list.length - 1];
  if (last && t < last.t) return;
  if (last && t === last.t) last.v = value;
  else list.push({t, v: value});
  if (list.length > limit) list.splice(0, list.length - limit);
}
