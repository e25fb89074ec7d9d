// The login screen and what an ended session says; the page you were on comes back after logging in.
import { url } from "./api.js";
import { h } from "./dom.js";

// A failed login (cancelled, forged state, Discord down) is a page the server renders (dashboard/auth.py);
// what the page itself must say is that a session ended.
export const SESSION_EXPIRED = "Your session expired — log in again.";

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
