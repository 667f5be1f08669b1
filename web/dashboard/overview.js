// The overview page (#/): every session with its figures, position and sparkline, the market
// feed, and the form that creates a session; and the session commands both pages use.

import {api, apiAll, toast} from "./api.js";
import {$, baseAsset, el, fmtCcy, fmtMoney, fmtPct, fmtQty, fmtRatioPct, fmtSignedCcy, fmtTableTime, fmtTime, num,
        quoteAsset, signClass} from "./format.js";
import {equityPoints, mergeEquity, SPARK_POINTS, state} from "./state.js";

/// Return of a session: equity / initial cash − 1.
export function sessionReturn(s) {
  const initial = num(s.initial_cash), equity = num(s.equity);
  return initial > 0 ? equity / initial - 1 : NaN;
}

/// The status as a coloured badge.
export function statusBadge(status) {
  return el("span", {class: `badge status-${status}`, "data-role": "status"}, status);
}

/// The position as a trader reads it: "0.147 BTC", or "flat".
export function positionText(s) {
  const q = num(s.position_qty);
  if (!Number.isFinite(q)) return "–";
  return q === 0 ? "flat" : `${fmtQty(s.position_qty)} ${baseAsset(s.symbol)}`;
}

/// Pause / Resume / Stop for a session's state; disabled while the server is unreachable.
export function actionButtons(s, compact, onSummary) {
  const box = el("span", {class: "actions"});
  const live = s.status === "running" || s.status === "paused";
  const off = !state.online;
  if (s.status === "running")
    box.append(el("button", {type: "button", "data-action": "pause", disabled: off, onclick: () => command(s, "pause", onSummary)}, "Pause"));
  if (s.status === "paused")
    box.append(el("button", {type: "button", "data-action": "resume", disabled: off, onclick: () => command(s, "resume", onSummary)}, "Resume"));
  if (live)
    box.append(el("button", {type: "button", class: "danger", "data-action": "stop", disabled: off,
                             onclick: () => command(s, "stop", onSummary)}, compact ? "Stop" : "Stop…"));
  return box;
}

/// Asks in a dialog; resolves to {ok, flatten}.
function confirmDialog(title, text, withFlatten) {
  const d = $("#confirm-dialog");
  $("#confirm-title").textContent = title;
  $("#confirm-text").textContent = text;
  $("#confirm-flatten-row").hidden = !withFlatten;
  $("#confirm-flatten").checked = false;
  return new Promise((resolve) => {
    d.addEventListener("close", () => resolve({ok: d.returnValue === "ok", flatten: $("#confirm-flatten").checked}),
                       {once: true});
    d.returnValue = "";
    d.showModal();
  });
}

async function command(s, what, onSummary) {
  const texts = {
    pause: "It stops trading and keeps its orders and position until it is resumed.",
    resume: "It trades again from the current market.",
    stop: "A stopped session cannot be resumed.",
  };
  const answer = await confirmDialog(`${what[0].toUpperCase() + what.slice(1)} session ${s.id} (${s.name})?`,
                                     texts[what], what === "stop");
  if (!answer.ok) return;
  try {
    const body = what === "stop" && answer.flatten ? {flatten: true} : undefined;
    onSummary(await api(`/sessions/${s.id}/${what}`, {method: "POST", body}));
  } catch (err) {
    toast(`${what} failed: ${err.message}`, true);
  }
}

/// An SVG sparkline of equity: green above the start, red below.
function sparkline(points, initial, w = 140, h = 32) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("width", w);
  svg.setAttribute("height", h);
  svg.setAttribute("class", "spark");
  if (!points || points.length < 2) return svg;
  const vs = points.map((p) => p.v);
  let lo = Math.min(...vs, initial), hi = Math.max(...vs, initial);
  if (hi - lo < 1e-9) (hi += 1), (lo -= 1);
  const t0 = points[0].t, t1 = points[points.length - 1].t || t0 + 1;
  const x = (t) => ((t - t0) / Math.max(t1 - t0, 1)) * (w - 2) + 1;
  const y = (v) => h - 2 - ((v - lo) / (hi - lo)) * (h - 4);
  const base = document.createElementNS(svg.namespaceURI, "line");
  base.setAttribute("x1", 0), base.setAttribute("x2", w);
  base.setAttribute("y1", y(initial)), base.setAttribute("y2", y(initial));
  base.setAttribute("class", "spark-base");
  svg.append(base);
  const line = document.createElementNS(svg.namespaceURI, "polyline");
  line.setAttribute("points", points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" "));
  line.setAttribute("class", vs[vs.length - 1] >= initial ? "spark-up" : "spark-down");
  svg.append(line);
  return svg;
}

/// Draws the overview into #view; `onSummary` takes the answer of a command or a create.
export function renderOverview(onSummary) {
  $("#crumbs").textContent = "";
  const view = $("#view");
  view.textContent = "";
  const th = (text, cls, title) => el("th", {class: cls, title}, text);
  const tbody = el("tbody", {id: "sessions-body"});
  const table = el("table", {class: "grid", id: "sessions"},
    el("thead", {}, el("tr", {},
      th("#"), th("Session"), th("Symbol"), th("Status"), th("Equity", "num"), th("P&L", "num"), th("Return", "num"),
      th("Max DD", "num"), th("Position", "num", "quantity held (base asset)"), th("Fills", "num"),
      th("Equity curve"), th("Last event (UTC)"), th(""))),
    tbody);
  view.append(
    el("section", {class: "card"},
      el("div", {class: "card-head"}, el("h2", {}, "Sessions"), el("span", {class: "muted", id: "sessions-count"})),
      table,
      el("p", {class: "muted empty", id: "sessions-empty", hidden: state.sessions.size > 0}, "No sessions yet.")),
    el("div", {class: "two"},
      el("section", {class: "card"},
        el("div", {class: "card-head"}, el("h2", {}, "Market feed")),
        el("table", {class: "grid compact", id: "feed-table"},
          el("thead", {}, el("tr", {},
            th("Symbol"), th("Last", "num"), th("Bid", "num"), th("Ask", "num"), th("Spread", "num"),
            th("Events/s", "num"), th("Event time (UTC)"), th("Source"))),
          el("tbody", {id: "feed-body"})),
        el("p", {class: "muted empty", id: "feed-empty"}, "No market data yet.")),
      renderCreateForm(onSummary)));
  loadMarketInfo();
  const ids = [...state.sessions.keys()].sort((a, b) => a - b);
  for (const id of ids) renderSessionRow(state.sessions.get(id), onSummary);
  loadSparklines(ids, onSummary);
}

// One session after the other, so that many sessions do not use up the token's rate limit at once.
async function loadSparklines(ids, onSummary) {
  for (const id of ids) {
    if (state.route.page !== "overview") return;
    await loadSparkline(id, onSummary);
  }
}

/// Loads session `id`'s equity history (once) and redraws its row.
export async function loadSparkline(id, onSummary) {
  if (state.equityLoaded.has(id)) return;
  state.equityLoaded.add(id);
  try {
    const items = await apiAll(`/sessions/${id}/equity`, 5);
    state.equity.set(id, mergeEquity(equityPoints(items), state.equity.get(id) || []));
    const s = state.sessions.get(id);
    if (s && state.route.page === "overview") renderSessionRow(s, onSummary);
  } catch (_) {
    state.equityLoaded.delete(id); // the sparkline fills from pushes; the next overview asks again
  }
}

/// Draws (or redraws) one session's row of the overview.
export function renderSessionRow(s, onSummary) {
  const tbody = $("#sessions-body");
  if (!tbody) return;
  const ccy = quoteAsset(s.symbol);
  const ret = sessionReturn(s);
  const pnl = num(s.equity) - num(s.initial_cash);
  const dd = s.max_drawdown === undefined ? NaN : num(s.max_drawdown);
  const points = (state.equity.get(s.id) || []).slice(-SPARK_POINTS);
  const row = el("tr", {"data-session": s.id},
    el("td", {class: "muted"}, s.id),
    el("td", {}, el("a", {href: `#/session/${s.id}`, class: "strong"}, s.name),
      el("div", {class: "muted small"}, s.strategy_name)),
    el("td", {}, s.symbol),
    el("td", {}, statusBadge(s.status), s.failure ? el("div", {class: "error small"}, s.failure) : null),
    el("td", {class: "num figure", "data-role": "equity"}, fmtCcy(s.equity, ccy)),
    el("td", {class: "num figure " + signClass(pnl), "data-role": "pnl"}, fmtSignedCcy(pnl, ccy)),
    el("td", {class: "num figure " + signClass(ret), "data-role": "return"}, fmtPct(ret)),
    el("td", {class: "num figure", "data-role": "drawdown"}, fmtRatioPct(dd)),
    el("td", {class: "num figure", "data-role": "position", title: s.position_qty}, positionText(s)),
    el("td", {class: "num figure", "data-role": "fills"}, s.fills === undefined ? "–" : s.fills),
    el("td", {}, sparkline(points, num(s.initial_cash))),
    el("td", {class: "nowrap small figure", title: fmtTime(s.last_event_ms)}, fmtTableTime(s.last_event_ms).slice(0, 14)),
    el("td", {class: "right"}, actionButtons(s, true, onSummary)));
  const old = tbody.querySelector(`tr[data-session="${s.id}"]`);
  if (old) old.replaceWith(row);
  else {
    const after = [...tbody.children].find((r) => Number(r.dataset.session) > s.id);
    tbody.insertBefore(row, after || null);
  }
  $("#sessions-empty").hidden = true;
  const counts = {};
  for (const x of state.sessions.values()) counts[x.status] = (counts[x.status] || 0) + 1;
  $("#sessions-count").textContent = Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(" · ");
}

function renderCreateForm(onSummary) {
  const select = el("select", {id: "create-strategy", required: true});
  const form = el("form", {class: "create", id: "create-form"},
    el("label", {class: "wide"}, "Strategy", select),
    el("label", {}, "Name", el("input", {id: "create-name", placeholder: "default: the strategy's"})),
    el("label", {}, "Symbol", el("input", {id: "create-symbol", placeholder: "default: the strategy's", size: 10})),
    el("label", {}, "Initial cash (quote currency)", el("input", {id: "create-cash", placeholder: "config default", inputmode: "decimal", size: 10})),
    el("button", {class: "primary", type: "submit", disabled: !state.online}, "Create session"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = {strategy: select.value};
    for (const [key, id] of [["name", "create-name"], ["symbol", "create-symbol"], ["initial_cash", "create-cash"]]) {
      const v = $("#" + id).value.trim();
      if (v) body[key] = v;
    }
    try {
      const s = await api("/sessions", {method: "POST", body});
      toast(`session ${s.id} (${s.name}) created`);
      onSummary(s);
      loadSparkline(s.id, onSummary);
    } catch (err) {
      toast("could not create the session: " + err.message, true);
    }
  });
  select.textContent = "";
  if (!state.strategies.length) select.append(el("option", {value: "", disabled: true, selected: true}, "no strategies found (config/strategies/)"));
  for (const s of state.strategies) {
    const value = s.file.replace(/\.ya?ml$/, "");
    select.append(el("option", {value, disabled: !!s.error},
      s.error ? `${s.file} (does not load)` : `${s.name} · ${s.symbol} · ${s.timeframe}`));
  }
  return el("section", {class: "card"}, el("div", {class: "card-head"}, el("h2", {}, "New session")), form);
}

// ---- market feed --------------------------------------------------------------------------------

/// Folds a `market` push into the feed (a push has a trade or a book top only when its batch had one).
export function onMarketPush(m) {
  const prev = state.markets.get(m.symbol) || {};
  m = Object.assign({}, m);
  if (!m.last_trade) m.last_trade = prev.last_trade;
  if (!m.bid) Object.assign(m, {bid: prev.bid, ask: prev.ask, bid_qty: prev.bid_qty, ask_qty: prev.ask_qty});
  state.markets.set(m.symbol, m);
  const now = Date.now();
  let rate = state.marketRate.get(m.symbol);
  if (!rate) state.marketRate.set(m.symbol, (rate = []));
  rate.push([now, m.events || 0]);
  while (rate.length && rate[0][0] < now - 5000) rate.shift();
  scheduleFeedRender();
  return m;
}

// Pushes may come many times a second: the feed is drawn at most every 250 ms.
function scheduleFeedRender() {
  if (scheduleFeedRender.pending) return;
  scheduleFeedRender.pending = true;
  setTimeout(() => {
    scheduleFeedRender.pending = false;
    renderFeed();
  }, 250);
}

function eventsPerSecond(symbol) {
  const rate = state.marketRate.get(symbol) || [];
  if (rate.length < 2) return NaN;
  const span = (rate[rate.length - 1][0] - rate[0][0]) / 1000;
  return span > 0 ? rate.slice(1).reduce((a, r) => a + r[1], 0) / span : NaN;
}

function marketPrice(m) {
  return m.last_trade ? m.last_trade.price : m.bid && m.ask ? String((num(m.bid) + num(m.ask)) / 2) : undefined;
}

/// The feed in the top bar and, on the overview, its table.
export function renderFeed() {
  const f = $("#feed");
  const parts = [];
  for (const m of state.markets.values())
    parts.push(`${m.symbol} ${fmtCcy(marketPrice(m), quoteAsset(m.symbol))} · ${fmtTime(m.ts_event_ms).slice(11)}`);
  if (!parts.length)
    for (const info of state.marketInfo.values()) parts.push(`${info.symbol} · last event ${fmtTime(info.last_event_ms)}`);
  f.textContent = parts.length ? parts.join("   ") : "feed: waiting";
  const body = $("#feed-body");
  if (!body) return;
  const symbols = new Set([...state.marketInfo.keys(), ...state.markets.keys()]);
  body.textContent = "";
  for (const sym of [...symbols].sort()) {
    const m = state.markets.get(sym) || {};
    const info = state.marketInfo.get(sym) || {};
    const live = info.live_feed;
    const source = live ? `live: ${live.state}${live.books_in_sync !== undefined ? ` · books ${live.books_in_sync}/${live.symbols}` : ""}`
                        : info.symbol ? "replay" : "–";
    const spread = m.bid && m.ask ? num(m.ask) - num(m.bid) : NaN;
    const eps = eventsPerSecond(sym);
    const t = m.ts_event_ms || info.last_event_ms;
    body.append(el("tr", {"data-symbol": sym},
      el("td", {class: "strong"}, sym),
      el("td", {class: "num figure"}, fmtMoney(m.last_trade && m.last_trade.price)),
      el("td", {class: "num figure"}, fmtMoney(m.bid)),
      el("td", {class: "num figure"}, fmtMoney(m.ask)),
      el("td", {class: "num figure"}, fmtMoney(spread)),
      el("td", {class: "num figure"}, Number.isFinite(eps) ? eps.toFixed(0) : info.events_per_second !== undefined ? info.events_per_second.toFixed(0) : "–"),
      el("td", {class: "nowrap figure", title: fmtTime(t)}, fmtTableTime(t)),
      el("td", {}, source)));
  }
  $("#feed-empty").hidden = symbols.size > 0;
}

async function loadMarketInfo() {
  const symbols = new Set([...state.sessions.values()].map((s) => s.symbol));
  await Promise.all([...symbols].map(async (sym) => {
    try {
      state.marketInfo.set(sym, await api(`/market/${encodeURIComponent(sym)}`));
    } catch (_) {
      /* no data for it yet: the pushes will tell */
    }
  }));
  renderFeed();
}
