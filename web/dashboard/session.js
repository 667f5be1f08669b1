// A session's page (#/session/ID): its figures, candles with fill markers and indicator series,
// equity and drawdown curves, position, open orders, fills (with notional and round-trip P&L),
// decision log and metrics. First picture over REST; then pushes (main.js routes them here).

import {api, apiAll, toast} from "./api.js";
import {$, el, fmtCcy, fmtDuration, fmtInputs, fmtMoney, fmtPct, fmtQty, fmtRatioPct, fmtSignedCcy, fmtTableTime,
        fmtTime, mulRaw, num, quoteAsset, rawToNumber, signClass, timeframeSeconds, timeframeText, toRaw} from "./format.js";
import {actionButtons, positionText, sessionReturn, statusBadge} from "./overview.js";
import {bucketPoints, equityPoints, hasEnded, mergeEquity, state} from "./state.js";

const OVERLAY_COLORS = ["#2e86de", "#e67e22", "#8e44ad", "#16a085", "#c0392b", "#7f8c8d"];
const grouped2 = (v) => v.toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2});

const chartOptions = (height, formatter) => ({
  height,
  layout: {background: {color: "#ffffff"}, textColor: "#3b4252", fontSize: 11},
  grid: {vertLines: {color: "#f0f2f5"}, horzLines: {color: "#f0f2f5"}},
  rightPriceScale: {borderColor: "#d8dee9", minimumWidth: 84}, // the same width on every chart: times line up
  timeScale: {borderColor: "#d8dee9", timeVisible: true, secondsVisible: true},
  crosshair: {mode: 0},
  // Axis and crosshair read like the tables: grouped thousands, 2 decimals; times in UTC.
  localization: {priceFormatter: formatter || grouped2, timeFormatter: (t) => fmtTime(t * 1000)},
});

/// Removes the open session page's charts and observers.
export function destroyPage() {
  const p = state.page;
  state.page = null;
  if (!p) return;
  p.resizeObserver && p.resizeObserver.disconnect();
  for (const c of p.charts) c.remove();
}

function statBox(label, role) {
  return el("div", {class: role === "last" ? "stat stat-wide" : "stat"}, el("div", {class: "stat-label"}, label), el("div", {class: "stat-value figure", "data-role": role}, "–"));
}

const card = (title, body, extra) =>
  el("section", {class: "card"}, el("div", {class: "card-head"}, el("h2", {}, title), extra), body);

/// Draws session `id`'s page into #view and starts loading its history.
export function renderSessionPage(id, onSummary) {
  const view = $("#view");
  view.textContent = "";
  const s = state.sessions.get(id);
  if (!s) {
    view.append(el("section", {class: "card"}, el("p", {}, `No session ${id}. `, el("a", {href: "#/"}, "All sessions"))));
    return;
  }
  $("#crumbs").textContent = "";
  $("#crumbs").append(el("a", {href: "#/"}, "Sessions"), " / ", `${s.id} ${s.name}`);
  const file = (s.strategy_file || "").split("/").pop();
  const strategy = state.strategies.find((x) => x.name === s.strategy_name) || state.strategies.find((x) => x.file === file);
  const tf = timeframeSeconds(strategy ? strategy.timeframe : "");
  const ccy = quoteAsset(s.symbol);

  const stats = el("div", {class: "stats"},
    statBox(`Equity (${ccy})`, "equity"), statBox(`P&L (${ccy})`, "pnl"), statBox("Return", "return"),
    statBox("Max drawdown", "drawdown"), statBox(`Cash (${ccy})`, "cash"), statBox("Position", "position"),
    statBox(`Fees (${ccy})`, "fees"), statBox("Fills", "fills"), statBox("Last event", "last"));
  const priceBox = el("div", {class: "chart", id: "price-chart"});
  const equityBox = el("div", {class: "chart", id: "equity-chart"});
  const ddBox = el("div", {class: "chart", id: "drawdown-chart"});
  view.append(
    el("section", {class: "card session-head", id: "session-head"}),
    el("section", {class: "card"}, stats),
    card(`${s.symbol} · ${timeframeText(tf)} candles (${ccy}, UTC)`, priceBox,
         el("span", {class: "muted small", id: "overlay-legend"})),
    el("div", {class: "two"},
      card(`Equity (${ccy})`, equityBox),
      card("Drawdown from peak (%)", ddBox)),
    el("div", {class: "two"},
      el("div", {},
        card("Position", el("div", {id: "positions"})),
        card("Open orders", el("div", {id: "orders"}))),
      card("Metrics", el("div", {id: "metrics"}))),
    card("Fills", el("div", {id: "fills", class: "scroll"}), el("span", {class: "muted small", id: "fills-count"})),
    card("Decision log", el("div", {id: "decisions", class: "scroll"})));

  const LW = window.LightweightCharts;
  const price = LW.createChart(priceBox, chartOptions(380));
  const candles = price.addCandlestickSeries({upColor: "#26a69a", downColor: "#ef5350", borderVisible: false,
                                              wickUpColor: "#26a69a", wickDownColor: "#ef5350"});
  const equity = LW.createChart(equityBox, chartOptions(200));
  const equityLine = equity.addAreaSeries({lineColor: "#2e86de", topColor: "rgba(46,134,222,0.25)",
                                           bottomColor: "rgba(46,134,222,0.02)", lineWidth: 2});
  const pct = (v) => v.toFixed(2) + " %";
  const dd = LW.createChart(ddBox, chartOptions(200, pct));
  const ddLine = dd.addAreaSeries({lineColor: "#c0392b", topColor: "rgba(192,57,43,0.02)",
                                   bottomColor: "rgba(192,57,43,0.25)", lineWidth: 2});
  const page = {
    id, symbol: s.symbol, ccy, tf, charts: [price, equity, dd], candles, equityLine, ddLine, price, oscillators: false,
    bars: new Map(), overlays: new Map(), fills: [], fillIds: new Set(), lastFillId: 0, decisionsAfter: 0,
    decisions: [], refreshing: false, refreshAgain: false, indicatorsLoading: false, onSummary,
  };
  state.page = page;
  page.resizeObserver = new ResizeObserver(() => {
    for (const [chart, box] of [[price, priceBox], [equity, equityBox], [dd, ddBox]])
      if (box.clientWidth) chart.applyOptions({width: box.clientWidth});
  });
  for (const box of [priceBox, equityBox, ddBox]) page.resizeObserver.observe(box);

  renderSessionHead(s);
  loadSessionPage(page);
}

/// The head (name, status, commands) and figures of the open page.
export function renderSessionHead(s) {
  const head = $("#session-head");
  const page = state.page;
  if (!head || !page) return;
  head.textContent = "";
  const ended = hasEnded(s.status);
  const note = s.status === "finished" ? `finished at ${fmtTime(s.last_event_ms)} (end of the market data): these figures are final`
             : s.status === "stopped" ? `stopped at ${fmtTime(s.last_event_ms)}: these figures are final` : "";
  head.append(
    el("div", {},
      el("h1", {}, s.name, " ", statusBadge(s.status)),
      el("div", {class: "muted"}, `#${s.id} · ${s.strategy_name} · ${s.symbol} · amounts in ${page.ccy}`,
        s.failure ? el("span", {class: "error"}, " · " + s.failure) : null),
      ended && note ? el("div", {class: "ended-note", "data-role": "ended"}, note) : null),
    actionButtons(s, false, page.onSummary));
  const ret = sessionReturn(s);
  const pnl = num(s.equity) - num(s.initial_cash);
  const set = (role, text, cls, title) => {
    const e = document.querySelector(`.stat-value[data-role="${role}"]`);
    if (!e) return;
    e.textContent = text;
    e.className = "stat-value figure " + (cls || "");
    if (title) e.title = title;
  };
  set("equity", fmtMoney(s.equity), "", s.equity);
  set("pnl", fmtSignedCcy(pnl, "").trim(), signClass(pnl));
  set("return", fmtPct(ret), signClass(ret));
  set("drawdown", fmtRatioPct(num(s.max_drawdown)));
  set("cash", fmtMoney(s.cash), "", s.cash);
  set("position", positionText(s), "", s.position_qty);
  set("fees", fmtMoney(s.fees), "", s.fees);
  set("fills", s.fills === undefined ? "–" : String(s.fills));
  set("last", fmtTime(s.last_event_ms));
}

/// A `session` push of the open page's session (`before`: the summary it replaces).
export function onPageSessionPush(s, before) {
  const page = state.page;
  if (!page) return;
  renderSessionHead(s);
  if (s.last_event_ms) {
    drawCurves(page);
    // The mark price moves the current candle too, between market pushes.
    if (s.mark_price && num(s.mark_price) > 0) updateBar(page, s.last_event_ms, num(s.mark_price));
  }
  if (!before || before.fills !== s.fills || before.status !== s.status) refreshTables(page);
}

/// A `market` push of the open page's symbol: its last trade moves the current candle.
export function onPageMarketPush(m) {
  const page = state.page;
  if (!page || page.symbol !== m.symbol) return;
  if (m.last_trade && m.last_trade.ts_event_ms >= (page.lastTradeMs || 0)) {
    page.lastTradeMs = m.last_trade.ts_event_ms;
    updateBar(page, m.last_trade.ts_event_ms, num(m.last_trade.price));
  }
}

/// A `fill` push: shown at once (it is stored already).
export function onFillPush(m) {
  const page = state.page;
  if (!page || page.id !== m.session_id || !m.fill) return;
  if (addFills(page, [m.fill])) renderFills(page);
}

/// After a reconnect: everything missed while offline is read again.
export function reloadPage() {
  const page = state.page;
  if (!page) return;
  loadEquity(page).then(() => refreshTables(page));
  loadIndicators(page, 1000);
}

function addFills(page, fills) {
  let added = false;
  for (const f of fills) {
    if (page.fillIds.has(f.fill_id)) continue;
    page.fillIds.add(f.fill_id);
    page.fills.push(f);
    added = true;
  }
  if (added) page.fills.sort((a, b) => a.fill_id - b.fill_id);
  return added;
}

// ---- candles and indicators ---------------------------------------------------------------------

/// Folds one price at event time `ms` into the candle of its bucket.
function updateBar(page, ms, px) {
  if (!Number.isFinite(px) || px <= 0) return;
  const t = Math.floor(ms / 1000 / page.tf) * page.tf;
  const lastT = page.lastBarT || 0;
  if (t < lastT) return; // lightweight-charts only updates the last bar
  let bar = page.bars.get(t);
  if (!bar) {
    const prev = page.bars.get(lastT);
    const open = prev ? prev.close : px;
    bar = {time: t, open, high: Math.max(open, px), low: Math.min(open, px), close: px};
    page.bars.set(t, bar);
    // A bar closed: its indicator values are known now.
    if (lastT && page.historyLoaded) loadIndicators(page, 5);
  } else {
    bar.high = Math.max(bar.high, px);
    bar.low = Math.min(bar.low, px);
    bar.close = px;
  }
  page.lastBarT = t;
  if (page.historyLoaded) page.candles.update(bar);
}

/// Candles from the equity curve's mark prices (one per equity interval), for a session whose
/// bars the broadcaster no longer has.
function loadHistoryBars(page, items) {
  const firstLive = Math.min(...page.bars.keys(), Infinity);
  const history = new Map();
  for (const p of items) {
    const px = num(p.mark_price);
    if (!(px > 0)) continue;
    const t = Math.floor(p.ts_event_ms / 1000 / page.tf) * page.tf;
    if (t >= firstLive) break;
    const bar = history.get(t);
    if (!bar) {
      const prev = [...history.values()].pop();
      const open = prev ? prev.close : px;
      history.set(t, {time: t, open, high: Math.max(open, px), low: Math.min(open, px), close: px});
    } else {
      bar.high = Math.max(bar.high, px), bar.low = Math.min(bar.low, px), bar.close = px;
    }
  }
  page.bars = new Map([...history, ...page.bars].sort((a, b) => a[0] - b[0]));
  if (!page.lastBarT && page.bars.size) page.lastBarT = [...page.bars.keys()].pop();
  page.historyLoaded = true;
  page.candles.setData([...page.bars.values()]);
}

/// History candles from `GET /sessions/{id}/candles`, merged with the live bars already drawn;
/// false when the API has none (404 no_candles).
async function loadCandleBars(page) {
  let items;
  try {
    items = (await api(`/sessions/${page.id}/candles?timeframe=${timeframeText(page.tf)}&limit=1000`)).items;
  } catch (e) {
    return false;
  }
  if (state.page !== page || !items.length) return false;
  const merged = new Map();
  for (const c of items) {
    const t = Math.floor(c.open_time_ms / 1000);
    merged.set(t, {time: t, open: num(c.open), high: num(c.high), low: num(c.low), close: num(c.close)});
  }
  for (const [t, live] of page.bars) {
    const bar = merged.get(t);
    if (!bar) merged.set(t, live);
    else bar.high = Math.max(bar.high, live.high), bar.low = Math.min(bar.low, live.low), bar.close = live.close;
  }
  page.bars = new Map([...merged].sort((a, b) => a[0] - b[0]));
  page.lastBarT = Math.max(page.lastBarT || 0, [...page.bars.keys()].pop());
  page.historyLoaded = true;
  page.candles.setData([...page.bars.values()]);
  return true;
}

/// The strategy's indicator series from `GET /sessions/{id}/indicators` (the engine's values at each
/// bar close): price-scale ones (moving averages, bands) over the candles, the others (RSI, MACD, …)
/// in a band below them on the left axis. `limit` bars are read and merged with those drawn.
async function loadIndicators(page, limit) {
  if (page.indicatorsLoading) return;
  page.indicatorsLoading = true;
  try {
    const h = await api(`/sessions/${page.id}/indicators?timeframe=${timeframeText(page.tf)}&limit=${limit}`);
    if (state.page !== page) return;
    drawIndicators(page, h);
  } catch (e) {
    if (state.page === page && !page.overlays.size)
      $("#overlay-legend").textContent = e.code === "no_indicators" ? "indicator series: not kept for this session" : "";
  } finally {
    page.indicatorsLoading = false;
  }
}

function drawIndicators(page, h) {
  const closes = [...page.bars.values()].map((b) => b.close).sort((a, b) => a - b);
  const mid = closes.length ? closes[Math.floor(closes.length / 2)] : NaN;
  h.series.forEach((spec, c) => {
    let o = page.overlays.get(spec.name);
    const points = h.items.filter((it) => it.values[c] !== null).map((it) => ({time: it.open_time_ms / 1000, value: it.values[c]}));
    if (!o) {
      if (!points.length) return;
      const vals = points.map((p) => p.value).sort((a, b) => a - b);
      const median = vals[Math.floor(vals.length / 2)];
      const onPrice = Number.isFinite(mid) && median > mid * 0.5 && median < mid * 1.5;
      const color = OVERLAY_COLORS[page.overlays.size % OVERLAY_COLORS.length];
      const series = page.price.addLineSeries({color, lineWidth: 2, priceLineVisible: false, lastValueVisible: true,
                                               title: spec.name, priceScaleId: onPrice ? "right" : "left"});
      if (!onPrice) oscillatorBand(page); // after the series: a new series resets its scale's margins
      o = {series, points: new Map(), color, onPrice, spec};
      page.overlays.set(spec.name, o);
    }
    for (const p of points) o.points.set(p.time, p);
    o.series.setData([...o.points.values()].sort((a, b) => a.time - b.time));
  });
  const legend = $("#overlay-legend");
  legend.textContent = "";
  for (const [name, o] of page.overlays)
    legend.append(el("span", {class: "legend", "data-series": name}, el("i", {style: `background:${o.color}`}),
                     `${name}${o.spec.timeframe !== timeframeText(page.tf) ? " (" + o.spec.timeframe + ")" : ""}${o.onPrice ? "" : " (left axis)"}`));
}

// Oscillators (RSI, MACD, …) get the bottom band of the price chart, on its left axis, so they share
// the candles' time axis exactly; the candles keep the band above.
function oscillatorBand(page) {
  page.price.priceScale("left").applyOptions({visible: true, borderColor: "#d8dee9", minimumWidth: 56,
                                              scaleMargins: {top: 0.76, bottom: 0.02}});
  page.price.priceScale("right").applyOptions({scaleMargins: {top: 0.04, bottom: 0.28}});
}

// ---- equity and drawdown --------------------------------------------------------------------------

function drawCurves(page) {
  const points = state.equity.get(page.id) || [];
  page.equityLine.setData(points.map((p) => ({time: p.t, value: p.v})));
  let peak = -Infinity;
  const initial = num((state.sessions.get(page.id) || {}).initial_cash);
  if (Number.isFinite(initial)) peak = initial;
  // A downsampled bucket (older than the retention's full-resolution window) is drawn at its
  // close; its drawdown is the larger of the fall to its low and the fall inside it, so the
  // deepest drawdown stays on the chart.
  page.ddLine.setData(points.map((p) => {
    if (p.lo !== undefined) {
      const fromBefore = peak > 0 ? ((p.lo - peak) / peak) * 100 : 0;
      peak = Math.max(peak, p.hi);
      return {time: p.t, value: Math.min(fromBefore, -p.dd * 100)};
    }
    peak = Math.max(peak, p.v);
    return {time: p.t, value: peak > 0 ? ((p.v - peak) / peak) * 100 : 0};
  }));
  page.charts[1].timeScale().fitContent();
  page.charts[2].timeScale().fitContent();
}

/// The equity history over REST (downsampled buckets, then full-resolution points), merged with
/// what pushes brought meanwhile; returns the full-resolution items.
async function loadEquity(page) {
  const [buckets, items] = await Promise.all([apiAll(`/sessions/${page.id}/equity/ohlc`),
                                              apiAll(`/sessions/${page.id}/equity`)]);
  if (state.page !== page) return items;
  const history = bucketPoints(buckets);
  const first = history.length ? history[history.length - 1].t : -Infinity;
  for (const p of equityPoints(items)) if (p.t > first) history.push(p);
  state.equity.set(page.id, mergeEquity(history, state.equity.get(page.id) || []));
  state.equityLoaded.add(page.id);
  drawCurves(page);
  return items;
}

async function loadSessionPage(page) {
  try {
    const items = await loadEquity(page);
    if (state.page !== page) return;
    // History candles from the candles API; when the broadcaster has none for the session, from
    // the equity curve's mark prices (sampled every equity interval).
    if (!(await loadCandleBars(page)) && state.page === page) loadHistoryBars(page, items);
  } catch (e) {
    toast("could not load the equity curve: " + e.message, true);
    loadHistoryBars(page, []);
  }
  if (state.page !== page) return;
  await Promise.all([refreshTables(page), loadIndicators(page, 1000)]);
  if (state.page === page) page.price.timeScale().fitContent();
}

// ---- tables ---------------------------------------------------------------------------------------

/// Re-reads the tables that a push said changed; one read at a time, the next one queued.
async function refreshTables(page) {
  if (page.refreshing) {
    page.refreshAgain = true;
    return;
  }
  page.refreshing = true;
  try {
    do {
      page.refreshAgain = false;
      const [fills, decisions, orders, positions, metrics] = await Promise.all([
        apiAll(`/sessions/${page.id}/fills?after=${page.lastFillId}`),
        apiAll(`/sessions/${page.id}/decisions?after=${page.decisionsAfter}`),
        apiAll(`/sessions/${page.id}/orders`),
        api(`/sessions/${page.id}/positions`),
        api(`/sessions/${page.id}/metrics`),
      ]);
      if (state.page !== page) return;
      for (const f of fills) page.lastFillId = Math.max(page.lastFillId, f.fill_id);
      addFills(page, fills);
      for (const d of decisions) page.decisionsAfter = Math.max(page.decisionsAfter, d.id);
      page.decisions.push(...decisions);
      renderFills(page);
      page.orders = new Map(orders.map((o) => [o.order_id, o]));
      renderDecisions(page);
      renderOrders(page, orders);
      renderPositions(page, positions.items);
      renderMetrics(page, metrics);
    } while (page.refreshAgain && state.page === page);
  } catch (e) {
    if (state.page === page) toast("could not load the session's history: " + e.message, true);
  } finally {
    page.refreshing = false;
  }
}

function table(columns, rows, empty) {
  if (!rows.length) return el("p", {class: "muted empty"}, empty);
  return el("table", {class: "grid compact"},
    el("thead", {}, el("tr", {}, columns.map((c) => el("th", {class: c.num ? "num" : "", title: c.title}, c.label)))),
    el("tbody", {}, rows.map((r) => el("tr", {}, columns.map((c) => {
      const v = c.get(r);
      return el("td", {class: (c.num ? "num " : "") + (c.cls ? c.cls(r) : ""), "data-col": c.key}, v);
    })))));
}

/// Net P&L of each round trip (flat → flat, as `performance.round_trips` counts them), by the fill
/// id that closed it: Σ sell notional − Σ buy notional − Σ fees, exact in units of 1e-8.
export function roundTripPnl(fills) {
  const out = new Map();
  let pos = 0n, cost = 0n, proceeds = 0n, fees = 0n, open = false;
  for (const f of fills) {
    const qty = toRaw(f.qty), notional = mulRaw(f.price, f.qty);
    if (f.side === "buy") pos += qty, cost += notional;
    else pos -= qty, proceeds += notional;
    fees += toRaw(f.fee);
    open = true;
    if (pos === 0n && open) {
      out.set(f.fill_id, proceeds - cost - fees);
      cost = proceeds = fees = 0n;
      open = false;
    }
  }
  return out;
}

function renderFills(page) {
  const trips = roundTripPnl(page.fills);
  const rows = page.fills.slice().reverse();
  let net = 0n;
  for (const v of trips.values()) net += v;
  $("#fills-count").textContent = `${page.fills.length} fills · ${trips.size} round trips · ` +
    `net ${fmtSignedCcy(rawToNumber(net), page.ccy)}`;
  const box = $("#fills");
  box.textContent = "";
  box.append(table([
    {label: "#", key: "id", get: (f) => f.fill_id},
    {label: "Time (UTC)", key: "time", get: (f) => el("span", {title: fmtTime(f.ts_event_ms)}, fmtTableTime(f.ts_event_ms))},
    {label: "Side", key: "side", get: (f) => f.side, cls: (f) => (f.side === "buy" ? "pos" : "neg")},
    {label: `Price (${page.ccy})`, key: "price", num: true, get: (f) => fmtMoney(f.price)},
    {label: "Qty", key: "qty", num: true, get: (f) => fmtQty(f.qty)},
    {label: `Notional (${page.ccy})`, key: "notional", num: true, title: "price × quantity",
     get: (f) => fmtMoney(rawToNumber(mulRaw(f.price, f.qty)))},
    {label: `Fee (${page.ccy})`, key: "fee", num: true, get: (f) => fmtMoney(f.fee, 4)},
    {label: "Liq.", key: "liquidity", get: (f) => f.liquidity},
    {label: `Trip P&L (${page.ccy})`, key: "trip", num: true, title: "net P&L of the round trip this fill closed (flat → flat, after fees)",
     get: (f) => (trips.has(f.fill_id) ? fmtSignedCcy(rawToNumber(trips.get(f.fill_id)), "") : ""),
     cls: (f) => (trips.has(f.fill_id) ? signClass(Number(trips.get(f.fill_id))) : "")},
  ], rows, "No fills yet."));
  // Fill markers on the candles (snapped to their bar).
  const markers = page.fills.map((f) => ({
    time: Math.floor(f.ts_event_ms / 1000 / page.tf) * page.tf,
    position: f.side === "buy" ? "belowBar" : "aboveBar",
    color: f.side === "buy" ? "#1e8449" : "#c0392b",
    shape: f.side === "buy" ? "arrowUp" : "arrowDown",
    text: `${f.side === "buy" ? "B" : "S"} ${fmtMoney(f.price)}`,
  })).filter((m) => page.bars.has(m.time)).sort((a, b) => a.time - b.time);
  page.candles.setMarkers(markers);
}

/// What became of the order a decision sent, from the order's own record and its fills (a decision
/// is logged when it is made, before its order is done): "FILLED 0.06462 at 61,835.80 (11 fills)",
/// "DENIED: ZERO_QUANTITY". `o.status` is the order's one status (docs/api.md, "Orders").
export function orderOutcomeText(o, fills) {
  if (!o) return "";
  const r = o.report || {};
  if (r.avg_px && Number(r.filled_qty) > 0)
    return `${o.status} ${fmtQty(r.filled_qty)} at ${fmtMoney(r.avg_px)}` + (fills > 1 ? ` (${fills} fills)` : "");
  return o.reject_reason ? `${o.status}: ${o.reject_reason}` : o.status;
}

function orderOutcome(page, orderId) {
  const o = orderId === undefined || orderId === null || !page.orders ? undefined : page.orders.get(orderId);
  if (!o) return "";
  return orderOutcomeText(o, page.fills.filter((f) => f.order_id === orderId).length);
}

function renderDecisions(page) {
  const box = $("#decisions");
  box.textContent = "";
  box.append(table([
    {label: "Time (UTC)", key: "time", get: (d) => el("span", {title: fmtTime(d.ts_event_ms)}, fmtTableTime(d.ts_event_ms))},
    {label: "Rule", key: "rule", get: (d) => d.rule},
    {label: "Action", key: "action", get: (d) => fmtInputs(d.action)},
    {label: "Inputs", key: "inputs", get: (d) => el("span", {class: "small", title: d.inputs}, fmtInputs(d.inputs))},
    {label: "Order", key: "order", get: (d) => (d.order_id === undefined || d.order_id === null ? "" : d.order_id)},
    {label: "Outcome", key: "outcome", get: (d) => orderOutcome(page, d.order_id)},
  ], page.decisions.slice().reverse().slice(0, 500), "No decisions yet."));
}

/// The order statuses after which an order can no longer change (the API's `status`, Binance's names
/// plus DENIED: refused by the session before the venue).
const ENDED_ORDER = ["FILLED", "CANCELED", "REJECTED", "EXPIRED", "DENIED"];

/// True while an order can still fill, trigger or be canceled (PENDING_NEW, NEW, TRIGGERED, PARTIALLY_FILLED).
export const orderIsOpen = (o) => !ENDED_ORDER.includes(o.status);

function renderOrders(page, orders) {
  const open = orders.filter(orderIsOpen);
  const has = (k) => open.some((o) => o[k] !== undefined && o[k] !== null);
  const price = (k) => (o) => (o[k] === undefined || o[k] === null ? "" : fmtMoney(o[k]));
  const cols = [
    {label: "#", key: "id", get: (o) => o.order_id},
    {label: "Side", key: "side", get: (o) => o.side, cls: (o) => (o.side === "buy" ? "pos" : "neg")},
    {label: "Type", key: "type", get: (o) => String(o.type || "").replace(/_/g, " ")},
    {label: "TIF", key: "tif", title: "time in force", get: (o) => o.time_in_force || ""},
    {label: "Qty", key: "qty", num: true, get: (o) => fmtQty(o.qty)},
  ];
  if (has("limit_price")) cols.push({label: `Limit (${page.ccy})`, key: "limit", num: true, get: price("limit_price")});
  if (has("stop_price")) cols.push({label: `Stop (${page.ccy})`, key: "stop", num: true, get: price("stop_price")});
  if (has("callback_bps")) cols.push({label: "Trail (bps)", key: "trail", num: true, get: (o) => (o.callback_bps ?? "")});
  if (has("list_id") || has("linked_order_id"))
    cols.push({label: "Linked", key: "linked", title: "OCO / bracket: list id and the order it is linked to",
               get: (o) => [o.list_id != null ? `list ${o.list_id}` : "", o.linked_order_id != null ? `↔ #${o.linked_order_id}` : ""].filter(Boolean).join(" ")});
  cols.push({label: "Status", key: "status", get: (o) => String(o.status || "").replace(/_/g, " ")},
            {label: "Created (UTC)", key: "created", get: (o) => fmtTableTime(o.created_ms)});
  const box = $("#orders");
  box.textContent = "";
  box.append(table(cols, open, `No open orders (${orders.length} in all).`));
}

function renderPositions(page, items) {
  const box = $("#positions");
  box.textContent = "";
  box.append(table([
    {label: "Symbol", key: "symbol", get: (p) => p.symbol},
    {label: "Qty", key: "qty", num: true, get: (p) => fmtQty(p.quantity)},
    {label: `Entry (${page.ccy})`, key: "entry", num: true, get: (p) => fmtMoney(p.average_entry_price)},
    {label: `Mark (${page.ccy})`, key: "mark", num: true, get: (p) => fmtMoney(p.mark_price)},
    {label: `Value (${page.ccy})`, key: "value", num: true, get: (p) => fmtMoney(p.market_value)},
    {label: `Unrealized (${page.ccy})`, key: "unrealized", num: true, get: (p) => fmtSignedCcy(num(p.unrealized_pnl), ""),
     cls: (p) => signClass(num(p.unrealized_pnl))},
  ], items.filter((p) => num(p.quantity) !== 0), "Flat: no position."));
}

// ---- metrics --------------------------------------------------------------------------------------

// How each metric reads: its label and kind (money, pct = fraction shown in %, ratio, count, ms
// duration, time, bool, qty, price). Fields not listed are shown with a label made from their name.
const METRICS = {
  initial_cash: ["Initial cash", "money"], cash: ["Cash", "money"], equity: ["Equity", "money"],
  realized_pnl: ["Realized P&L", "signed"], unrealized_pnl: ["Unrealized P&L", "signed"], fees: ["Fees", "money"],
  return: ["Return", "pct"], max_drawdown: ["Max drawdown", "pctabs"], equity_points: ["Equity points", "count"],
  start_ms: ["From", "time"], end_ms: ["To", "time"], period_ms: ["Return period", "ms"],
  periods_per_year: ["Periods per year", "count"], returns: ["Returns sampled", "count"],
  initial_equity: ["Initial equity", "money"], final_equity: ["Final equity", "money"], net_pnl: ["Net P&L", "signed"],
  total_return: ["Total return", "pct"], annualized_return: ["Annualized return (CAGR)", "pct"],
  annualized_volatility: ["Annualized volatility", "pctabs"], sharpe: ["Sharpe ratio", "ratio"],
  sortino: ["Sortino ratio", "ratio"], calmar: ["Calmar ratio", "ratio"],
  max_drawdown_money: ["Max drawdown", "money"], max_drawdown_duration_ms: ["Longest drawdown", "ms"],
  drawdown_recovered: ["Drawdown recovered", "bool"], round_trips: ["Round trips", "count"], wins: ["Wins", "count"],
  losses: ["Losses", "count"], win_rate: ["Win rate", "pctabs"], profit_factor: ["Profit factor", "ratio"],
  expectancy: ["Expectancy per trip", "signed"], average_win: ["Average win", "signed"], average_loss: ["Average loss", "signed"],
  gross_profit: ["Gross profit", "money"], gross_loss: ["Gross loss", "money"], exposure: ["Time in market", "pctabs"],
  turnover: ["Turnover", "ratio"], traded_notional: ["Traded notional", "money"], average_equity: ["Average equity", "money"],
  slippage_cost: ["Slippage cost", "money"], fills: ["Fills", "count"], position_qty: ["Position", "qty"],
  cost_basis: ["Cost basis", "money"], avg_entry_price: ["Average entry price", "money"], mark_price: ["Mark price", "money"],
};

const PERFORMANCE_GROUPS = [
  ["Return and risk", ["net_pnl", "total_return", "annualized_return", "annualized_volatility", "sharpe", "sortino",
                       "calmar", "max_drawdown", "max_drawdown_money", "max_drawdown_duration_ms", "drawdown_recovered"]],
  ["Round trips", ["round_trips", "wins", "losses", "win_rate", "profit_factor", "expectancy", "average_win",
                   "average_loss", "gross_profit", "gross_loss"]],
  ["Activity and costs", ["exposure", "turnover", "traded_notional", "average_equity", "fees", "slippage_cost", "fills"]],
];

/// "max_drawdown_money" → "Max drawdown money".
const labelOf = (k) => (METRICS[k] ? METRICS[k][0] : (k.charAt(0).toUpperCase() + k.slice(1)).replace(/_/g, " "));

function metricText(k, v, ccy) {
  if (v === null || v === undefined) return "n/a";
  const kind = METRICS[k] ? METRICS[k][1] : typeof v === "string" && /^-?\d+\.\d{8}$/.test(v) ? "money" : "raw";
  const n = num(v);
  switch (kind) {
    case "money": return fmtCcy(v, ccy);
    case "signed": return fmtSignedCcy(n, ccy);
    case "pct": return fmtPct(n);
    case "pctabs": return fmtRatioPct(n);
    case "ratio": return Number.isFinite(n) ? n.toFixed(2) : "n/a";
    case "count": return Number.isFinite(n) ? n.toLocaleString("en-US", {maximumFractionDigits: 2}) : String(v);
    case "ms": return fmtDuration(n);
    case "time": return fmtTime(n);
    case "bool": return v ? "yes" : "no";
    case "qty": return fmtQty(v);
    default: return typeof v === "object" ? JSON.stringify(v) : String(v);
  }
}

function metricList(entries, ccy) {
  const dl = el("dl", {class: "metrics"});
  for (const [k, v] of entries)
    dl.append(el("dt", {title: k}, labelOf(k)), el("dd", {"data-metric": k, class: v === null ? "muted" : "",
                                                          title: v === null ? "not defined for this session yet" : String(v)},
                                                   metricText(k, v, ccy)));
  return dl;
}

function renderMetrics(page, m) {
  const box = $("#metrics");
  box.textContent = "";
  const top = Object.entries(m).filter(([k, v]) => k !== "session_id" && (v === null || typeof v !== "object") && k !== "performance_error");
  box.append(el("h3", {}, "Account"), metricList(top, page.ccy));
  const perf = m.performance;
  if (!perf) {
    box.append(el("h3", {}, "Performance"),
               el("p", {class: "error", "data-role": "performance-error"}, m.performance_error || "not computed"));
    return;
  }
  const perfBox = el("div", {id: "performance"});
  const shown = new Set();
  for (const [title, keys] of PERFORMANCE_GROUPS) {
    const entries = keys.filter((k) => k in perf).map((k) => (shown.add(k), [k, perf[k]]));
    perfBox.append(el("h3", {}, title), metricList(entries, page.ccy));
  }
  // Every other field the API returns (the window, sampling and the account as valued).
  const rest = Object.entries(perf).filter(([k, v]) => !shown.has(k) && (v === null || typeof v !== "object"));
  perfBox.append(el("h3", {}, "Window and account"), metricList(rest, page.ccy));
  box.append(perfBox);
}
