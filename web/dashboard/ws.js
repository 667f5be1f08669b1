// The one WebSocket of the page (/api/v1/ws): subscriptions, dispatch of pushes, reconnects, and
// what the page shows while it is down. The token travels as a subprotocol (docs/api.md,
// "WebSocket push"), never in the URL, so it stays out of server and browser logs.

import {API} from "./api.js";
import {$} from "./format.js";
import {state} from "./state.js";

const handlers = {};
let ws = null;
let seq = 0;
let retryMs = 500;
let everOpened = false;

/// Sets what pushes go to: `{session(s), market(m), fill(m), online(reconnected), offline()}`.
export function onPush(h) {
  Object.assign(handlers, h);
}

/// The channels the page needs now: every session, the markets of their symbols, and the open
/// session page's own channel.
function channels() {
  const out = new Set(["sessions"]);
  for (const s of state.sessions.values()) out.add("market:" + s.symbol);
  if (state.route.page === "session") out.add("session:" + state.route.id);
  return [...out];
}

/// Sends the current subscription (when connected).
export function subscribe() {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({op: "subscribe", channels: channels()}));
}

/// "papertrader.bearer." + the token in base64url (no padding): valid in Sec-WebSocket-Protocol
/// whatever bytes the token has.
function tokenProtocol(token) {
  const bytes = new TextEncoder().encode(token);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return "papertrader.bearer." + btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/// Opens (or reopens) the connection with the current token.
export function connect() {
  if (ws) {
    ws.onclose = null;
    ws.close();
    ws = null;
  }
  if (!state.token) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${API}/ws`, ["papertrader.v1", tokenProtocol(state.token)]);
  ws = socket;
  seq = 0;
  if (!state.online) setConn(everOpened ? "reconnecting" : "connecting", false);
  socket.onopen = () => {
    retryMs = 500;
    const wasOffline = everOpened && !state.online;
    everOpened = true;
    setOnline(true);
    subscribe();
    if (wasOffline && handlers.online) handlers.online();
  };
  socket.onmessage = (e) => {
    let m;
    try {
      m = JSON.parse(e.data);
    } catch (_) {
      return;
    }
    if (m.seq !== seq + 1) console.warn("push sequence gap", seq, m.seq);
    seq = m.seq;
    if (m.type === "session" && handlers.session) handlers.session(m.session);
    else if (m.type === "market" && handlers.market) handlers.market(m);
    else if (m.type === "fill" && handlers.fill) handlers.fill(m);
    else if (m.type === "error") console.warn("push error", m.error);
  };
  socket.onclose = () => {
    if (ws !== socket) return;
    setOnline(false);
    // Reconnect with backoff (the server restarted, or the network blinked).
    setTimeout(() => ws === socket && connect(), retryMs);
    retryMs = Math.min(retryMs * 2, 15000);
  };
}

function setConn(text, on) {
  const c = $("#conn");
  c.textContent = text;
  c.className = "pill " + (on ? "pill-on" : "pill-off");
}

/// Live or not: offline, the figures on the page are marked stale (as of the time the connection
/// was lost) and the commands are disabled until it is back.
function setOnline(on) {
  if (state.online === on && (on || state.offlineSinceMs)) return;
  state.online = on;
  if (!on && !state.offlineSinceMs) state.offlineSinceMs = Date.now();
  if (on) state.offlineSinceMs = 0;
  setConn(on ? "live" : "offline", on);
  document.body.classList.toggle("stale", !on && everOpened);
  for (const b of document.querySelectorAll("button[data-action], #create-form button[type=submit]")) b.disabled = !on;
  renderBanner();
  if (!on && handlers.offline) handlers.offline();
}

/// The banner under the top bar: connection lost (figures stale), or the market data ended.
export function renderBanner() {
  const b = $("#banner");
  const sessions = [...state.sessions.values()];
  const ended = sessions.length > 0 && sessions.every((s) => ["finished", "stopped", "failed"].includes(s.status)) &&
                sessions.some((s) => s.status === "finished");
  document.body.classList.toggle("ended", ended);
  if (!state.online && everOpened) {
    const since = new Date(state.offlineSinceMs).toTimeString().slice(0, 8); // this computer's clock
    b.className = "banner banner-offline";
    b.textContent = `Connection to the server lost at ${since}: the figures below are as of then and may be stale; ` +
                    "commands are disabled. Reconnecting…";
    b.hidden = false;
  } else if (ended) {
    b.className = "banner banner-ended";
    b.textContent = "Replay ended: the market data is over and every session has settled. The figures are final.";
    b.hidden = false;
  } else {
    b.hidden = true;
  }
}
