// The login screen, and what a failed or expired login says; the page you were on comes back afterwards.
import { url } from "./api.js";
import { h } from "./dom.js";

// What the login callback can send back in ?error=, said plainly.
export const LOGIN_ERRORS = {
  access_denied: "You cancelled the Discord login (access denied), so you are not logged in. Nothing was shared with StatusSync.",
  invalid_state: "The login link was stale or tampered with. Log in again.",
  state: "The login link was stale or tampered with. Log in again.",
  expired: "Your session expired — log in again.",
  session_expired: "Your session expired — log in again.",
  login_failed: "Discord did not complete the login. Try again in a moment.",
  not_configured: "Discord login is not configured on this server.",
};

const RETURN_KEY = "statussync-return";

// The page you were on comes back after the login (the server only knows /dashboard/, not the #tab).
export function loginLink(text = "Log in with Discord") {
  const link = h("a", { class: "button primary", href: url("auth/login").href, id: "login" }, text);
  link.addEventListener("click", () => {
    try { if (location.hash.length > 2) sessionStorage.setItem(RETURN_KEY, location.hash); } catch (err) { /* not kept */ }
  });
  return link;
}

export function returnAfterLogin() {
  try {
    const back = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    if (back && /^#\/guild\/\d{1,20}\/[a-z]{1,20}$/.test(back) && !location.hash) history.replaceState(null, "", back);
  } catch (err) { /* storage blocked */ }
}

export function loginScreen(message) {
  return h("div", { class: "hero card", id: "login-screen" },
    h("img", { src: "static/logo.svg", alt: "" }),
    h("h1", {}, "StatusSync dashboard"),
    message ? h("p", { class: "notice error", role: "alert", id: "login-message" }, message)
      : h("p", { class: "muted" }, "Manage moderation, automod, leveling and more for your servers."),
    h("p", {}, loginLink(message ? "Log in again" : "Log in with Discord")),
    h("p", { class: "hint" }, "StatusSync asks Discord only for your name and your server list (scopes identify and guilds)."));
}
