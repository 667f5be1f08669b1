// How figures read on the dashboard: money with its currency and grouped thousands, the same on
// chart axes as in tables; times with their date and time zone (UTC, the exchange's event time);
// exact decimal arithmetic for amounts derived from fills (notional, round-trip P&L).

/// `document.querySelector`.
export const $ = (sel, root = document) => root.querySelector(sel);

/// Builds an element: el("td", {class: "num"}, "text", child, …). Attributes that are
/// undefined, null or false are left out; `on…` attributes become listeners.
export function el(tag, attrs = {}, ...children) {
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

/// A decimal string of the API (or a number) as a number; NaN for a missing value.
export const num = (s) => (s === undefined || s === null || s === "" ? NaN : Number(s));

const grouped = (n, digits) =>
  n.toLocaleString("en-US", {minimumFractionDigits: digits, maximumFractionDigits: digits});

/// The quote currency of a Binance symbol ("BTCUSDT" → "USDT"); "" when unknown.
export function quoteAsset(symbol) {
  const m = /(USDT|USDC|BUSD|FDUSD|TUSD|EUR|TRY|BTC|ETH|BNB)$/.exec(symbol || "");
  return m && m[1] !== symbol ? m[1] : "";
}

/// The base asset of a Binance symbol ("BTCUSDT" → "BTC").
export function baseAsset(symbol) {
  const q = quoteAsset(symbol);
  return q ? symbol.slice(0, -q.length) : symbol || "";
}

/// A price or amount: grouped, 2 decimals ("61,772.18"); "–" when missing.
export function fmtMoney(s, digits = 2) {
  const n = num(s);
  return Number.isFinite(n) ? grouped(n, digits) : "–";
}

/// An amount with its currency: "10,012.40 USDT".
export function fmtCcy(s, ccy, digits = 2) {
  const t = fmtMoney(s, digits);
  return t === "–" || !ccy ? t : `${t} ${ccy}`;
}

/// A signed amount: "+12.40", "−3.10" (a real minus sign), "0.00".
export function fmtSigned(n, digits = 2) {
  if (!Number.isFinite(n)) return "–";
  return (n > 0 ? "+" : n < 0 ? "−" : "") + grouped(Math.abs(n), digits);
}

/// A signed amount with its currency.
export function fmtSignedCcy(n, ccy, digits = 2) {
  const t = fmtSigned(n, digits);
  return t === "–" || !ccy ? t : `${t} ${ccy}`;
}

/// A fraction as a signed percentage: 0.0123 → "+1.23 %".
export function fmtPct(ratio, digits = 2) {
  return Number.isFinite(ratio) ? fmtSigned(ratio * 100, digits) + " %" : "–";
}

/// A fraction as a percentage without sign: 0.0123 → "1.23 %".
export function fmtRatioPct(ratio, digits = 2) {
  return Number.isFinite(ratio) ? grouped(ratio * 100, digits) + " %" : "–";
}

/// A quantity: up to 8 decimals, trailing zeros dropped ("0.147").
export function fmtQty(s) {
  const n = num(s);
  if (!Number.isFinite(n)) return "–";
  return n.toFixed(8).replace(/\.?0+$/, "") || "0";
}

/// An event time with date and zone: "2024-08-09 00:01:02 UTC"; "–" for 0.
export function fmtTime(ms) {
  if (!ms) return "–";
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

/// An event time in a table whose header says UTC: "08-09 00:01:02.345".
export function fmtTableTime(ms) {
  if (!ms) return "–";
  return new Date(ms).toISOString().replace("T", " ").slice(5, 23);
}

/// A duration: "3 h 12 min", "45 s", "2 d 4 h".
export function fmtDuration(ms) {
  if (!Number.isFinite(ms)) return "–";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/// "pos", "neg" or "" by sign, for colouring.
export const signClass = (n) => (n > 0 ? "pos" : n < 0 ? "neg" : "");

/// Seconds of a strategy timeframe ("5s", "1m", "1h", "1d"); 60 when unknown.
export function timeframeSeconds(tf) {
  const m = /^(\d+)([smhdw])$/.exec(tf || "");
  if (!m) return 60;
  return Number(m[1]) * {s: 1, m: 60, h: 3600, d: 86400, w: 604800}[m[2]];
}

/// "10s", "1m", "4h", "1d": the API's timeframe of `seconds`.
export function timeframeText(seconds) {
  for (const [unit, n] of [["d", 86400], ["h", 3600], ["m", 60]]) if (seconds % n === 0) return seconds / n + unit;
  return seconds + "s";
}

/// Numbers inside a decision's inputs text, formatted like the rest of the page: prices grouped
/// with 2 decimals ("ema_fast=61,233.90"), others with up to 4 decimals ("rsi=28.4567"), values
/// below 1 (quantities) with 6 significant digits ("0.00012"). An event time the core writes as
/// "ts 1682964299999 ms" (cooldowns, the daily loss limit) reads as "2023-05-01 18:04:59 UTC";
/// "order 2490" stays an id.
export function fmtInputs(text) {
  const pattern = /\bts (\d{1,15}) ms\b|\b(order \d+)\b|(?<![\w.@])(?:-?\d+\.\d+(?:e-?\d+)?|-?\d{4,})(?![\w@])/g;
  return String(text).replace(pattern, (s, ms, order) => {
    if (ms !== undefined) return fmtTime(Number(ms));
    if (order !== undefined) return order; // an id, not an amount
    const n = Number(s);
    if (!Number.isFinite(n)) return s;
    if (Math.abs(n) >= 100) return grouped(n, 2);
    if (Math.abs(n) >= 1) return n.toLocaleString("en-US", {maximumFractionDigits: 4});
    return n.toLocaleString("en-US", {maximumSignificantDigits: 6}); // quantities: 0.00012
  });
}

// ---- exact amounts ----------------------------------------------------------------------------

const SCALE = 100000000n; // the API's 8 decimals (DESIGN decision 4)

/// A decimal string ("61234.56000000", "-0.5") as raw units of 1e-8 (BigInt); 0n when missing.
export function toRaw(s) {
  if (s === undefined || s === null || s === "") return 0n;
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(String(s).trim());
  if (!m) return 0n;
  const frac = ((m[3] || "") + "00000000").slice(0, 8);
  const v = BigInt(m[2] || "0") * SCALE + BigInt(frac);
  return m[1] ? -v : v;
}

/// Raw units of 1e-8 as a number (for display).
export const rawToNumber = (raw) => Number(raw) / 1e8;

/// price × quantity of two decimal strings, in raw units, rounded half to even like the server.
export function mulRaw(a, b) {
  const p = toRaw(a) * toRaw(b);
  const neg = p < 0n;
  const abs = neg ? -p : p;
  let q = abs / SCALE;
  const r = abs % SCALE;
  if (r * 2n > SCALE || (r * 2n === SCALE && q % 2n === 1n)) q += 1n;
  return neg ? -q : q;
}
