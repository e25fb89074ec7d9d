// What every screen shares: the notice area for errors said plainly, and the readiness marks.
import { ApiError } from "./api.js";
import { h, replace } from "./dom.js";

const noticeBox = document.getElementById("notice");

export function notify(message, kind = "error", actions = []) {
  if (!message) { replace(noticeBox); return; }
  replace(noticeBox, h("div", { class: `notice ${kind}` }, h("p", {}, message),
    actions.length ? h("div", { class: "actions" }, actions) : null));
}

export function markReady(what) {
  document.documentElement.dataset.ready = what;
  if (!markReady.done) {
    markReady.done = true;
    performance.mark("dashboard-ready");
    // The frame after the first screen is in the DOM: when a user first sees something to use (bench/).
    requestAnimationFrame(() => setTimeout(() => performance.mark("dashboard-painted"), 0));
  }
}

export function showError(err, panel) {
  if (err instanceof ApiError && err.status === 401) return; // the session-expired handler shows the login
  const message = err instanceof ApiError ? err.message : "Something went wrong in the page. Reload and try again.";
  if (!(err instanceof ApiError)) console.error(err);
  if (panel) replace(panel, h("p", { class: "notice error", role: "alert" }, message));
  else notify(message);
}
