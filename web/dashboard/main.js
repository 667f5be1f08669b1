// The papertrader dashboard (docs/dashboard.md): plain ES modules, no framework, no build step.
// The first picture of each page comes over REST (/api/v1); from then on every change arrives as
// a WebSocket push (/api/v1/ws) — nothing here polls. This module boots the page, routes between
// the overview (overview.js) and a session's page (session.js), and hands pushes to them.

import {api, askToken, loadToken, saveToken, toast} from "./api.js";
import {$, num} from "./format.js";
import {onMarketPush, renderOverview, renderSessionRow} from "./overview.js";
import {destroyPage, onFillPush, onPageMarketPush, onPageSessionPush, reloadPage, renderSessionPage} from "./session.js";
import {appendEquity, state} from "./state.js";
import {connect, onPush, renderBanner, subscribe} from "./ws.js";

// For diagnostics and the browser test (tests/browser): the page's state, read-only by convention.
window.papertrader = {state};

/// A summary (REST row, command answer or push) folded into the page.
function onSession(s) {
  const known = state.sessions.get(s.id);
  const merged = Object.assign({}, known || {}, s);
  state.sessions.set(s.id, merged);
  if (s.last_event_ms && s.equity !== undefined) appendEquity(s.id, s.last_event_ms, num(s.equity));
  if (!known) subscribe(); // a new session: maybe a new market channel
  if (state.route.page === "overview") renderSessionRow(merged, onSession);
  if (state.route.page === "session" && state.route.id === s.id) onPageSessionPush(merged, known);
  if (!known || known.status !== merged.status) renderBanner();
}

onPush({
  session: onSession,
  market: (m) => onPageMarketPush(onMarketPush(m)),
  fill: onFillPush,
  // Back after an outage: what was missed is read again (the subscription re-sends summaries).
  online: () => {
    if (state.route.page === "session") reloadPage();
    else reloadSessions().then(() => state.route.page === "overview" && route());
  },
});

function parseRoute() {
  const m = /^#\/session\/(\d+)$/.exec(location.hash);
  return m ? {page: "session", id: Number(m[1])} : {page: "overview"};
}

async function reloadSessions() {
  try {
    const page = await api("/sessions?limit=1000");
    for (const s of page.items) state.sessions.set(s.id, Object.assign(state.sessions.get(s.id) || {}, s));
  } catch (e) {
    if (e.status !== 401) toast("could not load the sessions: " + e.message, true);
  }
}

async function restart() {
  state.sessions.clear();
  state.equity.clear();
  state.equityLoaded.clear();
  await reloadSessions();
  try {
    state.strategies = (await api("/strategies")).items;
  } catch (_) {
    state.strategies = [];
  }
  connect();
  route();
  renderBanner();
}

function route() {
  $("#toast").hidden = true; // it spoke of the page being left
  destroyPage();
  state.route = parseRoute();
  subscribe();
  if (state.route.page === "session") renderSessionPage(state.route.id, onSession);
  else renderOverview(onSession);
}

function setupTokenDialog() {
  $("#token-button").addEventListener("click", () => askToken(""));
  $("#token-cancel").addEventListener("click", () => $("#token-dialog").close());
  $("#token-form").addEventListener("submit", () => {
    const t = $("#token-input").value.trim();
    if (!t) return;
    saveToken(t);
    restart();
  });
}

window.addEventListener("hashchange", route);
setupTokenDialog();
$("#toast").addEventListener("click", () => ($("#toast").hidden = true));
loadToken();
if (!state.token) {
  $("#conn").textContent = "no token";
  askToken("");
  renderOverview(onSession);
} else {
  restart();
}
