// The one caller of the dashboard's JSON API: same origin, CSRF token on every POST, errors in plain words.

export const ROOT = new URL("../../", import.meta.url); // .../dashboard/
let csrfToken = null;

export function setCsrfToken(token) {
  csrfToken = token || null;
}

export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code || "";
  }
}

const PLAIN = {
  401: "Your session expired — log in again.",
  403: "You don't have access to this.",
  404: "Not found — it may have been deleted.",
  409: "Someone changed this at the same time — reload and try again.",
  413: "That is too large to save.",
  429: "Too many requests — wait a moment and try again.",
  503: "The service is busy or the database is unreachable — try again in a moment.",
};

export function url(path, query) {
  const target = new URL(path.replace(/^\//, ""), ROOT);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") target.searchParams.set(key, value);
  }
  return target;
}

function describe(status, body) {
  const server = body && typeof body.error === "string" ? body.error : "";
  if (status === 401) return PLAIN[401];
  if (status === 403) return server ? `You don't have access: ${server}` : PLAIN[403];
  return server || PLAIN[status] || `The server answered ${status}.`;
}

export async function request(path, { method = "GET", query, body } = {}) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin", redirect: "error" };
  if (method !== "GET" && method !== "HEAD") {
    if (csrfToken) headers["X-CSRF-Token"] = csrfToken;
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
  }
  let response;
  try {
    response = await fetch(url(path, query), init);
  } catch (err) {
    throw new ApiError(0, "Can't reach the dashboard — check your connection and try again.");
  }
  const fresh = response.headers.get("X-CSRF-Token");
  if (fresh) csrfToken = fresh;
  let data = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    try { data = await response.json(); } catch (err) { data = null; }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, describe(response.status, data), data && data.code);
    if (response.status === 401) document.dispatchEvent(new CustomEvent("session-expired", { detail: { error, method } }));
    throw error;
  }
  if (data && typeof data.csrf_token === "string") csrfToken = data.csrf_token;
  return data;
}

export const get = (path, query) => request(path, { query });
export const post = (path, body, query) => request(path, { method: "POST", body, query });
