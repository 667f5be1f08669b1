// The papertrader dashboard (docs/dashboard.md): plain JS, no framework. The first picture of
// each page comes over REST (/api/v1); from then on every change arrives as a WebSocket push
// (/api/v1/ws) — nothing here polls. Session pages re-read their history tables over REST only
// when a push says the session changed (a new fill, a new status), never on a timer.
"use strict";

const API = "/api/v1";
const TOKEN_KEY = "papertrader.token";
const SPARK_POINTS = 600;   // equity points kept per session for the sparklines
const CURVE_POINTS = 20000; // equity points kept for the session page's curves

// ---- state ----------------------------------------------------------------------------------

const state = {
  token: "",
  sessions: new Map(),   // id → latest summary (REST row merged with pushes)
  equity: new Map(),     // id → [{t (s), v}] equity history, from REST then pushes
  equityLoaded: new Set(), // ids whose equity history came over REST (pushes only append)
  markets: new Map(),    // symbol → latest market push
  marketInfo: new Map(), // symbol → GET /market/{symbol} (feed health), loaded once per page view
  marketRate: new Map(), // symbol → [[wall ms, events]] of the last 5 s of pushes (events/s)
  strategies: [],        // GET /strategies items
  ws: null,
  wsSeq: 0,
  wsRetryMs: 500,
  route: {page: "overview"},
  page: null,            // the session page's live objects while it is shown
};

// ---- small helpers --------------------------------------------------------------------------

const $ = (sel, root = document) => root.querySelector(sel);

/// Builds an element: el("td", {class: "num"}, "text", child, …).
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const num = (s) => (s === undefined || s === null || s === "" ? NaN : Number(s));

/// Money and prices: decimal strings with 8 decimals on the wire; shown with 2 (thousands grouped).
function fmtMoney(s, digits = 2) {
  const n = num(s);
  if (!Number.isFinite(n)) return "–";
  return n.toLocaleString("en-US", {minimumFractionDigits: digits, maximumFractionDigits: digits});
}
function fmtSigned(n, digits = 2) {
  if (!Number.isFinite(n)) return "–";
  const t = Math.abs(n).toLocaleString("en-US", {minimumFractionDigits: digits, maximumFractionDigits: digits});
  return (n > 0 ? "+" : n < 0 ? "−" : "") + t;
}
function fmtPct(ratio, digits = 2) {
  return Number.isFinite(ratio) ? fmtSigned(ratio * 100, digits) + " %" : "–";
}
function fmtQty(s) {
  const n = num(s);
  if (!Number.isFinite(n)) return "–";
  return n.toFixed(8).replace(/\.?0+$/, "") || "0";
}
function fmtTime(ms) {
  if (!ms) return "–";
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}
const signClass = (n) => (n > 0 ? "pos" : n < 0 ? "neg" : "");

/// Seconds of a strategy timeframe ("5s", "1m", "1h", "1d"); 60 when unknown.
function timeframeSeconds(tf) {
  const m = /^(\d+)([smhd])$/.exec(tf || "");
  if (!m) return 60;
  return Number(m[1]) * {s: 1, m: 60, h: 3600, d: 86400}[m[2]];
}

function toast(text, isError = false) {
  const t = $("#toast");
  t.textContent = text;
  t.className = "toast" + (isError ? " toast-error" : "");
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.hidden = true), 4000);
}

// ---- REST -----------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(path, options = {}) {
  const headers = {Authorization: `Bearer ${state.token}`};
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  for (let attempt = 0; ; attempt++) {
    res = await fetch(API + path, {
      method: options.method || "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    // Rate limited (many sessions loading at once): wait as the server says, a few times.
    if (res.status !== 429 || attempt >= 3) break;
    const wait_s = Math.min(Number(res.headers.get("Retry-After")) || 1, 10);
    await new Promise((resolve) => setTimeout(resolve, wait_s * 1000));
  }
  let data = null;
  try {
    data = await res.json();
  } catch (_) {
    data = null;
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : {code: "http_" + res.status, message: res.statusText};
    if (res.status === 401) askToken("The server refused the token: " + err.message);
    throw new ApiError(res.status, err.code, err.message);
  }
  return data;
}

/// Every page of a cursor-paginated history route, up to `maxPages`.
async function apiAll(path, maxPages = 20) {
  const items = [];
  let after = null;
  for (let i = 0; i < maxPages; i++) {
    const sep = path.includes("?") ? "&" : "?";
    const page = await api(path + sep + "limit=1000" + (after === null ? "" : "&after=" + after));
    items.push(...page.items);
    if (page.next_after === null || page.next_after === undefined) break;
    after = page.next_after;
  }
  return items;
}

// ---- token ----------------------------------------------------------------------------------

function loadToken() {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    localStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete("token"); // keep it out of the address bar and the history
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  state.token = localStorage.getItem(TOKEN_KEY) || "";
}

function askToken(reason) {
  const d = $("#token-dialog");
  const e = $("#token-error");
  e.hidden = !reason;
  e.textContent = reason || "";
  $("#token-input").value = "";
  if (!d.open) d.showModal();
}

function setupTokenDialog() {
  $("#token-button").addEventListener("click", () => askToken(""));
  $("#token-cancel").addEventListener("click", () => $("#token-dialog").close());
  $("#token-form").addEventListener("submit", () => {
    const t = $("#token-input").value.trim();
    if (!t) return;
    localStorage.setItem(TOKEN_KEY, t);
    state.token = t;
    restart();
  });
}

// ---- WebSocket ------------------------------------------------------------------------------

function setConn(text, on) {
  const c = $("#conn");
  c.textContent = text;
  c.className = "pill " + (on ? "pill-on" : "pill-off");
}

function wsChannels() {
  const channels = new Set(["sessions"]);
  for (const s of state.sessions.values()) channels.add("market:" + s.symbol);
  if (state.route.page === "session") channels.add("session:" + state.route.id);
  return [...channels];
}

function wsSubscribe() {
  if (state.ws && state.ws.readyState === WebSocket.OPEN)
    state.ws.send(JSON.stringify({op: "subscribe", channels: wsChannels()}));
}

function connect() {
  if (state.ws) {
    state.ws.onclose = null;
    state.ws.close();
  }
  if (!state.token) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}${API}/ws?token=${encodeURIComponent(state.token)}`);
  state.ws = ws;
  state.wsSeq = 0;
  setConn("connecting", false);
  ws.onopen = () => {
    state.wsRetryMs = 500;
    setConn("live", true);
    wsSubscribe();
  };
  ws.onmessage = (e) => {
    let m;
    try {
      m = JSON.parse(e.data);
    } catch (_) {
      return;
    }
    if (m.seq !== state.wsSeq + 1) console.warn("push sequence gap", state.wsSeq, m.seq);
    state.wsSeq = m.seq;
    if (m.type === "session") onSessionPush(m.session);
    else if (m.type === "market") onMarketPush(m);
    else if (m.type === "fill") onFillPush(m);
    else if (m.type === "error") console.warn("push error", m.error);
  };
  ws.onclose = () => {
    setConn("offline", false);
    // Reconnect with backoff (the server restarted, or the network blinked).
    setTimeout(connect, state.wsRetryMs);
    state.wsRetryMs = Math.min(state.wsRetryMs * 2, 15000);
  };
}

function onSessionPush(s) {
  const known = state.sessions.get(s.id);
  const merged = Object.assign({}, known || {}, s);
  state.sessions.set(s.id, merged);
  if (s.last_event_ms && s.equity !== undefined) appendEquity(s.id, s.last_event_ms, num(s.equity));
  if (!known) wsSubscribe(); // a new session: maybe a new market channel
  if (state.route.page === "overview") renderSessionRow(merged);
  if (state.route.page === "session" && state.route.id === s.id) onPageSessionPush(merged, known);
}

function onMarketPush(m) {
  // A push has a trade or a book top only when its batch had one: keep the last of each.
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
  if (state.page && state.page.symbol === m.symbol) onPageMarketPush(m);
}

function appendEquity(id, ms, value, limit = CURVE_POINTS) {
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

// ---- feed status ----------------------------------------------------------------------------

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

function renderFeed() {
  const f = $("#feed");
  const parts = [];
  for (const m of state.markets.values()) parts.push(`${m.symbol} ${fmtMoney(marketPrice(m))} · ${fmtTime(m.ts_event_ms).slice(11)}`);
  if (!parts.length)
    for (const info of state.marketInfo.values()) parts.push(`${info.symbol} · last event ${fmtTime(info.last_event_ms).slice(11)}`);
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
    body.append(el("tr", {"data-symbol": sym},
      el("td", {class: "strong"}, sym),
      el("td", {class: "num"}, fmtMoney(m.last_trade && m.last_trade.price)),
      el("td", {class: "num"}, fmtMoney(m.bid)),
      el("td", {class: "num"}, fmtMoney(m.ask)),
      el("td", {class: "num"}, Number.isFinite(spread) ? spread.toFixed(2) : "–"),
      el("td", {class: "num"}, Number.isFinite(eps) ? eps.toFixed(0) : info.events_per_second !== undefined ? info.events_per_second.toFixed(0) : "–"),
      el("td", {class: "nowrap", title: fmtTime(m.ts_event_ms || info.last_event_ms)},
        fmtTime(m.ts_event_ms || info.last_event_ms).slice(11)),
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

// ---- routing --------------------------------------------------------------------------------

function parseRoute() {
  const m = /^#\/session\/(\d+)$/.exec(location.hash);
  return m ? {page: "session", id: Number(m[1])} : {page: "overview"};
}

async function restart() {
  state.sessions.clear();
  state.equity.clear();
  state.equityLoaded.clear();
  try {
    const page = await api("/sessions?limit=1000");
    for (const s of page.items) state.sessions.set(s.id, Object.assign(state.sessions.get(s.id) || {}, s));
  } catch (e) {
    if (e.status !== 401) toast("could not load the sessions: " + e.message, true);
  }
  try {
    state.strategies = (await api("/strategies")).items;
  } catch (_) {
    state.strategies = [];
  }
  connect();
  route();
}

function route() {
  $("#toast").hidden = true; // it spoke of the page being left
  if (state.page) destroyPage();
  state.route = parseRoute();
  wsSubscribe();
  if (state.route.page === "session") renderSessionPage(state.route.id);
  else renderOverview();
}

// ---- overview -------------------------------------------------------------------------------

function sessionReturn(s) {
  const initial = num(s.initial_cash), equity = num(s.equity);
  return initial > 0 ? equity / initial - 1 : NaN;
}

function statusBadge(status) {
  return el("span", {class: `badge status-${status}`, "data-role": "status"}, status);
}

function actionButtons(s, compact) {
  const box = el("span", {class: "actions"});
  const live = s.status === "running" || s.status === "paused";
  if (s.status === "running")
    box.append(el("button", {type: "button", "data-action": "pause", onclick: () => command(s, "pause")}, "Pause"));
  if (s.status === "paused")
    box.append(el("button", {type: "button", "data-action": "resume", onclick: () => command(s, "resume")}, "Resume"));
  if (live)
    box.append(el("button", {type: "button", class: "danger", "data-action": "stop", onclick: () => command(s, "stop")},
                  compact ? "Stop" : "Stop…"));
  return box;
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

function renderOverview() {
  $("#crumbs").textContent = "";
  const view = $("#view");
  view.textContent = "";
  const tbody = el("tbody", {id: "sessions-body"});
  const table = el("table", {class: "grid", id: "sessions"},
    el("thead", {}, el("tr", {},
      el("th", {}, "#"), el("th", {}, "Session"), el("th", {}, "Symbol"), el("th", {}, "Status"),
      el("th", {class: "num"}, "Equity"), el("th", {class: "num"}, "P&L"), el("th", {class: "num"}, "Return"),
      el("th", {class: "num"}, "Max DD"), el("th", {class: "num"}, "Fills"), el("th", {}, "Equity curve"),
      el("th", {}, ""))),
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
            el("th", {}, "Symbol"), el("th", {class: "num"}, "Last"), el("th", {class: "num"}, "Bid"),
            el("th", {class: "num"}, "Ask"), el("th", {class: "num"}, "Spread"), el("th", {class: "num"}, "Events/s"),
el("th", {}, "Event time"), el("th", {}, "Source"))),
          el("tbody", {id: "feed-body"})),
        el("p", {class: "muted empty", id: "feed-empty"}, "No market data yet.")),
      renderCreateForm()));
  loadMarketInfo();
  const ids = [...state.sessions.keys()].sort((a, b) => a - b);
  for (const id of ids) renderSessionRow(state.sessions.get(id));
  loadSparklines(ids);
}

// One session after the other, so that many sessions do not use up the token's rate limit at once.
async function loadSparklines(ids) {
  for (const id of ids) {
    if (state.route.page !== "overview") return;
    await loadSparkline(id);
  }
}

async function loadSparkline(id) {
  if (state.equityLoaded.has(id)) return;
  state.equityLoaded.add(id);
  try {
    const items = await apiAll(`/sessions/${id}/equity`, 5);
    const pushed = state.equity.get(id) || [];
    const list = items.map((p) => ({t: Math.floor(p.ts_event_ms / 1000), v: num(p.equity)}));
    for (const p of pushed) if (!list.length || p.t > list[list.length - 1].t) list.push(p);
    state.equity.set(id, list);
    const s = state.sessions.get(id);
    if (s && state.route.page === "overview") renderSessionRow(s);
  } catch (_) {
    state.equityLoaded.delete(id); // the sparkline fills from pushes; the next overview asks again
  }
}

function renderSessionRow(s) {
  const tbody = $("#sessions-body");
  if (!tbody) return;
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
    el("td", {class: "num", "data-role": "equity"}, fmtMoney(s.equity)),
    el("td", {class: "num " + signClass(pnl), "data-role": "pnl"}, fmtSigned(pnl)),
    el("td", {class: "num " + signClass(ret), "data-role": "return"}, fmtPct(ret)),
    el("td", {class: "num", "data-role": "drawdown"}, Number.isFinite(dd) ? (dd * 100).toFixed(2) + " %" : "–"),
    el("td", {class: "num", "data-role": "fills"}, s.fills === undefined ? "–" : s.fills),
    el("td", {}, sparkline(points, num(s.initial_cash))),
    el("td", {class: "right"}, actionButtons(s, true)));
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

function renderCreateForm() {
  const select = el("select", {id: "create-strategy", required: true});
  const form = el("form", {class: "create", id: "create-form"},
    el("label", {class: "wide"}, "Strategy", select),
    el("label", {}, "Name", el("input", {id: "create-name", placeholder: "default: the strategy's"})),
    el("label", {}, "Symbol", el("input", {id: "create-symbol", placeholder: "default: the strategy's", size: 10})),
    el("label", {}, "Initial cash", el("input", {id: "create-cash", placeholder: "config default", inputmode: "decimal", size: 10})),
    el("button", {class: "primary", type: "submit"}, "Create session"));
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
      onSessionPush(s);
      loadSparkline(s.id);
    } catch (err) {
      toast("could not create the session: " + err.message, true);
    }
  });
  loadStrategies(select);
  return el("section", {class: "card"}, el("div", {class: "card-head"}, el("h2", {}, "New session")), form);
}

function loadStrategies(select) {
  select.textContent = "";
  if (!state.strategies.length) select.append(el("option", {value: "", disabled: true, selected: true}, "no strategies found (config/strategies/)"));
  for (const s of state.strategies) {
    const value = s.file.replace(/\.ya?ml$/, "");
    select.append(el("option", {value, disabled: !!s.error},
      s.error ? `${s.file} (does not load)` : `${s.name} · ${s.symbol} · ${s.timeframe}`));
  }
}

// ---- commands -------------------------------------------------------------------------------

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

async function command(s, what) {
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
    const summary = await api(`/sessions/${s.id}/${what}`, {method: "POST", body});
    onSessionPush(summary);
  } catch (err) {
    toast(`${what} failed: ${err.message}`, true);
  }
}

// ---- session page ---------------------------------------------------------------------------

const chartOptions = (height) => ({
  height,
  layout: {background: {color: "#ffffff"}, textColor: "#3b4252", fontSize: 11},
  grid: {vertLines: {color: "#f0f2f5"}, horzLines: {color: "#f0f2f5"}},
  rightPriceScale: {borderColor: "#d8dee9"},
  timeScale: {borderColor: "#d8dee9", timeVisible: true, secondsVisible: true},
  crosshair: {mode: 0},
});

const OVERLAY_COLORS = ["#2e86de", "#e67e22", "#8e44ad", "#16a085", "#c0392b", "#7f8c8d"];

function destroyPage() {
  const p = state.page;
  state.page = null;
  if (!p) return;
  p.resizeObserver && p.resizeObserver.disconnect();
  for (const c of p.charts) c.remove();
}

function statBox(label, role) {
  return el("div", {class: "stat"}, el("div", {class: "stat-label"}, label), el("div", {class: "stat-value", "data-role": role}, "–"));
}

function renderSessionPage(id) {
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
  const tfSeconds = timeframeSeconds(strategy ? strategy.timeframe : "");

  const head = el("section", {class: "card session-head", id: "session-head"});
  const stats = el("div", {class: "stats"},
    statBox("Equity", "equity"), statBox("P&L", "pnl"), statBox("Return", "return"), statBox("Max drawdown", "drawdown"),
    statBox("Cash", "cash"), statBox("Position", "position"), statBox("Fees", "fees"), statBox("Fills", "fills"),
    statBox("Last event", "last"));
  const priceBox = el("div", {class: "chart", id: "price-chart"});
  const equityBox = el("div", {class: "chart", id: "equity-chart"});
  const ddBox = el("div", {class: "chart", id: "drawdown-chart"});
  view.append(
    head, el("section", {class: "card"}, stats),
    el("section", {class: "card"},
      el("div", {class: "card-head"}, el("h2", {}, `${s.symbol} · ${tfSeconds >= 60 ? tfSeconds / 60 + "m" : tfSeconds + "s"} candles`),
        el("span", {class: "muted small", id: "overlay-legend"})),
      priceBox),
    el("div", {class: "two"},
      el("section", {class: "card"}, el("div", {class: "card-head"}, el("h2", {}, "Equity")), equityBox),
      el("section", {class: "card"}, el("div", {class: "card-head"}, el("h2", {}, "Drawdown")), ddBox)),
    el("div", {class: "two"},
      el("div", {},
        el("section", {class: "card"}, el("div", {class: "card-head"}, el("h2", {}, "Position")), el("div", {id: "positions"})),
        el("section", {class: "card"}, el("div", {class: "card-head"}, el("h2", {}, "Open orders")), el("div", {id: "orders"}))),
      el("section", {class: "card"}, el("div", {class: "card-head"}, el("h2", {}, "Metrics")), el("div", {id: "metrics"}))),
    el("div", {class: "two"},
      el("section", {class: "card"}, el("div", {class: "card-head"}, el("h2", {}, "Fills"), el("span", {class: "muted small", id: "fills-count"})),
        el("div", {id: "fills", class: "scroll"})),
      el("section", {class: "card"}, el("div", {class: "card-head"}, el("h2", {}, "Decision log")),
        el("div", {id: "decisions", class: "scroll"}))));

  const LW = window.LightweightCharts;
  const price = LW.createChart(priceBox, chartOptions(380));
  const candles = price.addCandlestickSeries({upColor: "#26a69a", downColor: "#ef5350", borderVisible: false,
                                              wickUpColor: "#26a69a", wickDownColor: "#ef5350"});
  const equity = LW.createChart(equityBox, chartOptions(200));
  const equityLine = equity.addAreaSeries({lineColor: "#2e86de", topColor: "rgba(46,134,222,0.25)",
                                           bottomColor: "rgba(46,134,222,0.02)", lineWidth: 2});
  const dd = LW.createChart(ddBox, chartOptions(200));
  const ddLine = dd.addAreaSeries({lineColor: "#c0392b", topColor: "rgba(192,57,43,0.02)",
                                   bottomColor: "rgba(192,57,43,0.25)", lineWidth: 2,
                                   priceFormat: {type: "custom", formatter: (v) => v.toFixed(2) + " %"}});
  const page = {
    id, symbol: s.symbol, tf: tfSeconds, charts: [price, equity, dd], candles, equityLine, ddLine, price,
    bars: new Map(), overlays: new Map(), fills: [], fillIds: new Set(), lastFillId: 0, decisionsAfter: 0, decisions: [],
    refreshing: false, refreshAgain: false,
  };
  state.page = page;
  page.resizeObserver = new ResizeObserver(() => {
    for (const [chart, box] of [[price, priceBox], [equity, equityBox], [dd, ddBox]])
      chart.applyOptions({width: box.clientWidth});
  });
  for (const box of [priceBox, equityBox, ddBox]) page.resizeObserver.observe(box);

  renderSessionHead(s);
  loadSessionPage(page);
}

function renderSessionHead(s) {
  const head = $("#session-head");
  if (!head) return;
  head.textContent = "";
  head.append(
    el("div", {}, el("h1", {}, s.name, " ", statusBadge(s.status)),
      el("div", {class: "muted"}, `#${s.id} · ${s.strategy_name} · ${s.symbol}`, s.failure ? el("span", {class: "error"}, " · " + s.failure) : null)),
    actionButtons(s, false));
  const ret = sessionReturn(s);
  const pnl = num(s.equity) - num(s.initial_cash);
  const set = (role, text, cls) => {
    const e = document.querySelector(`.stat-value[data-role="${role}"]`);
    if (e) (e.textContent = text), (e.className = "stat-value " + (cls || ""));
  };
  set("equity", fmtMoney(s.equity));
  set("pnl", fmtSigned(pnl), signClass(pnl));
  set("return", fmtPct(ret), signClass(ret));
  set("drawdown", s.max_drawdown === undefined ? "–" : (num(s.max_drawdown) * 100).toFixed(2) + " %");
  set("cash", fmtMoney(s.cash));
  set("position", fmtQty(s.position_qty) + " " + s.symbol.replace(/USDT$|BUSD$|USDC$/, ""));
  set("fees", fmtMoney(s.fees));
  set("fills", s.fills === undefined ? "–" : String(s.fills));
  set("last", s.last_event_ms ? fmtTime(s.last_event_ms).slice(11) : "–");
}

function onPageSessionPush(s, before) {
  const page = state.page;
  if (!page) return;
  renderSessionHead(s);
  if (s.last_event_ms) {
    appendEquity(s.id, s.last_event_ms, num(s.equity));
    drawCurves(page);
    // The mark price moves the current candle too, between market pushes.
    if (s.mark_price && num(s.mark_price) > 0) updateBar(page, s.last_event_ms, num(s.mark_price));
  }
  if (!before || before.fills !== s.fills || before.status !== s.status) refreshTables(page);
}

function onPageMarketPush(m) {
  const page = state.page;
  if (m.last_trade && m.last_trade.ts_event_ms >= (page.lastTradeMs || 0)) {
    page.lastTradeMs = m.last_trade.ts_event_ms;
    updateBar(page, m.last_trade.ts_event_ms, num(m.last_trade.price));
  }
}

/// Adds fills (from REST or pushes) not seen yet, kept in fill id order.
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

/// A `fill` push of the open session page: shown at once (it is stored already).
function onFillPush(m) {
  const page = state.page;
  if (!page || page.id !== m.session_id || !m.fill) return;
  if (addFills(page, [m.fill])) renderFills(page);
}

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
  } else {
    bar.high = Math.max(bar.high, px);
    bar.low = Math.min(bar.low, px);
    bar.close = px;
  }
  page.lastBarT = t;
  if (page.historyLoaded) page.candles.update(bar);
}

/// Candles before the first live one, from the equity curve's mark prices (one per equity
/// interval), then the whole series at once.
function loadHistoryBars(page, points) {
  const firstLive = Math.min(...page.bars.keys(), Infinity);
  const history = new Map();
  for (const p of points) {
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
  const firstLiveBar = page.bars.get(firstLive);
  const lastHistory = [...history.values()].pop();
  if (firstLiveBar && lastHistory) {
    firstLiveBar.open = lastHistory.close;
    firstLiveBar.high = Math.max(firstLiveBar.high, firstLiveBar.open);
    firstLiveBar.low = Math.min(firstLiveBar.low, firstLiveBar.open);
  }
  page.bars = new Map([...history, ...page.bars].sort((a, b) => a[0] - b[0]));
  if (!page.lastBarT && page.bars.size) page.lastBarT = [...page.bars.keys()].pop();
  page.historyLoaded = true;
  page.candles.setData([...page.bars.values()]);
}

/// "10s", "1m", "4h", "1d": the API's timeframe of `seconds`.
function timeframeText(seconds) {
  for (const [unit, n] of [["d", 86400], ["h", 3600], ["m", 60]]) if (seconds % n === 0) return seconds / n + unit;
  return seconds + "s";
}

/// History candles from `GET /sessions/{id}/candles` (the broadcaster's bars of the page's
/// timeframe, the forming one last), merged with the live bars already drawn; false when the API
/// has none (an ended session answers 404 no_candles), so the caller falls back.
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

function drawCurves(page) {
  const points = state.equity.get(page.id) || [];
  page.equityLine.setData(points.map((p) => ({time: p.t, value: p.v})));
  let peak = -Infinity;
  const initial = num((state.sessions.get(page.id) || {}).initial_cash);
  if (Number.isFinite(initial)) peak = initial;
  page.ddLine.setData(points.map((p) => {
    peak = Math.max(peak, p.v);
    return {time: p.t, value: peak > 0 ? ((p.v - peak) / peak) * 100 : 0};
  }));
  page.charts[1].timeScale().fitContent();
  page.charts[2].timeScale().fitContent();
}

async function loadSessionPage(page) {
  try {
    const points = await apiAll(`/sessions/${page.id}/equity`);
    if (state.page !== page) return;
    const pushed = state.equity.get(page.id) || [];
    const list = points.map((p) => ({t: Math.floor(p.ts_event_ms / 1000), v: num(p.equity), mark: num(p.mark_price)}));
    for (const p of pushed) if (!list.length || p.t > list[list.length - 1].t) list.push(p);
    state.equity.set(page.id, list);
    state.equityLoaded.add(page.id);
    drawCurves(page);
    // History candles from the candles API; for an ended session (the broadcaster builds none
    // for it any more), from the equity curve's mark prices (sampled every equity interval). The
    // live candles then come from the market pushes' trades.
    if (!(await loadCandleBars(page)) && state.page === page) loadHistoryBars(page, points);
  } catch (e) {
    toast("could not load the equity curve: " + e.message, true);
    loadHistoryBars(page, []);
  }
  await refreshTables(page);
  page.price.timeScale().fitContent();
}

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
      renderDecisions(page, decisions);
      renderOrders(orders);
      renderPositions(positions.items);
      renderMetrics(metrics);
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
    el("thead", {}, el("tr", {}, columns.map((c) => el("th", {class: c.num ? "num" : ""}, c.label)))),
    el("tbody", {}, rows.map((r) => el("tr", {}, columns.map((c) => {
      const v = c.get(r);
      return el("td", {class: (c.num ? "num " : "") + (c.cls ? c.cls(r) : "")}, v);
    })))));
}

function renderFills(page) {
  const rows = page.fills.slice().reverse();
  $("#fills-count").textContent = `${page.fills.length}`;
  const box = $("#fills");
  box.textContent = "";
  box.append(table([
    {label: "#", get: (f) => f.fill_id},
    {label: "Time", get: (f) => el("span", {title: fmtTime(f.ts_event_ms)}, fmtTime(f.ts_event_ms).slice(11))},
    {label: "Side", get: (f) => f.side, cls: (f) => (f.side === "buy" ? "pos" : "neg")},
    {label: "Price", num: true, get: (f) => fmtMoney(f.price)},
    {label: "Qty", num: true, get: (f) => fmtQty(f.qty)},
    {label: "Fee", num: true, get: (f) => fmtMoney(f.fee, 4)},
    {label: "Liq.", get: (f) => f.liquidity},
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

/// Numeric inputs of the decision log ("ema_fast=61234.5 ema_slow=…" or JSON) as overlay lines,
/// when they are on the price's scale (indicators such as RSI are listed, not drawn).
function decisionInputs(text) {
  const out = {};
  try {
    const j = JSON.parse(text);
    if (j && typeof j === "object") {
      for (const [k, v] of Object.entries(j)) if (typeof v === "number" || (typeof v === "string" && v !== "" && !isNaN(v))) out[k] = Number(v);
      return out;
    }
  } catch (_) { /* not JSON: key=value pairs */ }
  for (const m of String(text).matchAll(/([A-Za-z_][\w.]*)\s*[=:]\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)/g)) out[m[1]] = Number(m[2]);
  return out;
}

/// What became of the order a decision sent, from the order's own record and its fills (a decision
/// is logged when it is made, before its order is done): "filled 0.06462 at 61,835.80 (11 fills)".
function orderOutcome(page, orderId) {
  const o = orderId === undefined || !page.orders ? undefined : page.orders.get(orderId);
  if (!o) return "";
  const r = o.report || {};
  const status = r.status || o.status;
  const fills = page.fills.filter((f) => f.order_id === orderId).length;
  if (r.avg_px && Number(r.filled_qty) > 0)
    return `${status} ${fmtQty(r.filled_qty)} at ${fmtMoney(r.avg_px)}` + (fills > 1 ? ` (${fills} fills)` : "");
  return o.reject_reason ? `${status}: ${o.reject_reason}` : status;
}

function renderDecisions(page, fresh) {
  const box = $("#decisions");
  box.textContent = "";
  box.append(table([
    {label: "Time", get: (d) => el("span", {title: fmtTime(d.ts_event_ms)}, fmtTime(d.ts_event_ms).slice(11))},
    {label: "Rule", get: (d) => d.rule},
    {label: "Action", get: (d) => d.action},
    {label: "Inputs", get: (d) => el("code", {class: "small"}, d.inputs)},
    {label: "Order", get: (d) => (d.order_id === undefined ? "" : d.order_id)},
    {label: "Outcome", get: (d) => orderOutcome(page, d.order_id)},
  ], page.decisions.slice().reverse().slice(0, 500), "No decisions yet."));
  // Indicator overlays: the values the strategy saw when it decided.
  const lastPx = [...page.bars.values()].pop();
  for (const d of fresh) {
    const t = Math.floor(d.ts_event_ms / 1000 / page.tf) * page.tf;
    for (const [name, v] of Object.entries(decisionInputs(d.inputs))) {
      if (["open", "high", "low", "close", "volume", "price", "bar low", "bar high"].includes(name)) continue;
      if (!lastPx || !(v > lastPx.close * 0.5 && v < lastPx.close * 1.5)) continue; // not a price-scale value
      let o = page.overlays.get(name);
      if (!o) {
        const color = OVERLAY_COLORS[page.overlays.size % OVERLAY_COLORS.length];
        o = {series: page.price.addLineSeries({color, lineWidth: 2, priceLineVisible: false, lastValueVisible: false, title: name}),
             points: [], color};
        page.overlays.set(name, o);
      }
      const last = o.points[o.points.length - 1];
      if (last && last.time >= t) last.value = v;
      else o.points.push({time: t, value: v});
    }
  }
  for (const o of page.overlays.values()) o.series.setData(o.points);
  const legend = $("#overlay-legend");
  legend.textContent = "";
  for (const [name, o] of page.overlays)
    legend.append(el("span", {class: "legend"}, el("i", {style: `background:${o.color}`}), name));
}

function renderOrders(orders) {
  const open = orders.filter((o) => !["filled", "canceled", "cancelled", "rejected", "expired"].includes(o.status));
  const box = $("#orders");
  box.textContent = "";
  box.append(table([
    {label: "#", get: (o) => o.order_id},
    {label: "Side", get: (o) => o.side, cls: (o) => (o.side === "buy" ? "pos" : "neg")},
    {label: "Type", get: (o) => o.type},
    {label: "Qty", num: true, get: (o) => fmtQty(o.qty)},
    {label: "Status", get: (o) => o.status},
    {label: "Created", get: (o) => fmtTime(o.created_ms)},
  ], open, `No open orders (${orders.length} in all).`));
}

function renderPositions(items) {
  const box = $("#positions");
  box.textContent = "";
  box.append(table([
    {label: "Symbol", get: (p) => p.symbol},
    {label: "Qty", num: true, get: (p) => fmtQty(p.quantity)},
    {label: "Entry", num: true, get: (p) => fmtMoney(p.average_entry_price)},
    {label: "Mark", num: true, get: (p) => fmtMoney(p.mark_price)},
    {label: "Value", num: true, get: (p) => fmtMoney(p.market_value)},
    {label: "Unrealized", num: true, get: (p) => fmtSigned(num(p.unrealized_pnl)), cls: (p) => signClass(num(p.unrealized_pnl))},
  ], items, "Flat."));
}

function renderMetrics(m) {
  const box = $("#metrics");
  box.textContent = "";
  const ratios = new Set(["return", "max_drawdown", "win_rate", "sharpe", "sortino", "profit_factor"]);
  const dl = el("dl", {class: "metrics"});
  for (const [k, v] of Object.entries(m)) {
    if (k === "session_id" || v === null || typeof v === "object") continue;
    let text = String(v);
    if (typeof v === "string" && /^-?\d+\.\d{8}$/.test(v))
      text = k === "return" ? fmtPct(num(v)) : k === "max_drawdown" ? (num(v) * 100).toFixed(2) + " %" : ratios.has(k) ? num(v).toFixed(3) : fmtMoney(v);
    dl.append(el("dt", {}, k.replace(/_/g, " ")), el("dd", {}, text));
  }
  box.append(dl);
}

// ---- start ----------------------------------------------------------------------------------

window.addEventListener("hashchange", route);
setupTokenDialog();
$("#toast").addEventListener("click", () => ($("#toast").hidden = true));
loadToken();
if (!state.token) {
  setConn("no token", false);
  askToken("");
  renderOverview();
} else {
  restart();
}
