// REST calls to /api/v1 with the bearer token, and the token itself (kept in localStorage).

import {$} from "./format.js";
import {state} from "./state.js";

/// The API's path prefix.
export const API = "/api/v1";
const TOKEN_KEY = "papertrader.token";

/// A refused request: HTTP status and the API's error code and message.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/// `fetch` of an API path with the token; resolves with the JSON answer, throws `ApiError` (a 401
/// also asks for a new token). A 429 is retried a few times after its Retry-After.
export async function api(path, options = {}) {
  const headers = {Authorization: `Bearer ${state.token}`};
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  for (let attempt = 0; ; attempt++) {
    res = await fetch(API + path, {
      method: options.method || "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
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

/// The path of one page of a cursor-paginated route: `path`'s own query (its `after`, if any, is
/// where the first page starts) with `limit=1000`, and `after` replaced by `after` when given.
/// Each parameter appears once: the API answers 400 to a repeated one.
export function pagePath(path, after = null) {
  const cut = path.indexOf("?");
  const params = new URLSearchParams(cut < 0 ? "" : path.slice(cut + 1));
  params.set("limit", "1000");
  if (after !== null && after !== undefined) params.set("after", String(after));
  return (cut < 0 ? path : path.slice(0, cut)) + "?" + params.toString();
}

/// Every page of a cursor-paginated history route, up to `maxPages` of 1000.
export async function apiAll(path, maxPages = 20) {
  const items = [];
  let after = null;
  for (let i = 0; i < maxPages; i++) {
    const page = await api(pagePath(path, after));
    items.push(...page.items);
    if (page.next_after === null || page.next_after === undefined) break;
    after = page.next_after;
  }
  return items;
}

/// Reads the token: `?token=` in the address (stored, then removed from the address bar and
/// history) or the one stored in this browser.
export function loadToken() {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    localStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete("token");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  state.token = localStorage.getItem(TOKEN_KEY) || "";
}

/// Stores a token pasted by the user.
export function saveToken(token) {
  localStorage.setItem(TOKEN_KEY, token);
  state.token = token;
}

/// Opens the token dialog, saying `reason` when there is one.
export function askToken(reason) {
  const d = $("#token-dialog");
  const e = $("#token-error");
  e.hidden = !reason;
  e.textContent = reason || "";
  $("#token-input").value = "";
  if (!d.open) d.showModal();
}

/// A short message at the bottom right, for 4 s (red when `isError`).
export function toast(text, isError = false) {
  const t = $("#toast");
  t.textContent = text;
  t.className = "toast" + (isError ? " toast-error" : "");
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.hidden = true), 4000);
}
