// The dashboard's shell: who is logged in, which server, which tab (#/guild/<id>/<tab>).
import { ApiError, get, setCsrfToken, url } from "./api.js";
import { h, initials, replace } from "./dom.js";
import { SESSION_EXPIRED, loginLink, loginScreen, returnAfterLogin } from "./login.js";
import { markReady, notify, showError } from "./shell.js";
import { mountTabs } from "./tabs.js";
import { initThemeToggle } from "./theme-toggle.js";
import { TABS } from "./tabs/index.js";

const screen = document.getElementById("screen");
const userBox = document.getElementById("user-box");
const currentGuild = document.getElementById("current-guild");
const state = { user: null, guilds: null, guildView: null, cleanup: null };

function showLogin(message) {
  state.user = null;
  state.guildView = null;
  replace(userBox);
  replace(currentGuild);
  notify("");
  replace(screen, loginScreen(message));
  markReady("login");
}

function showUser(user) {
  const name = user.global_name || user.username || "you";
  replace(userBox, h("span", { class: "guild-icon", "aria-hidden": "true" }, initials(name)),
    h("span", { id: "user-name" }, name),
    h("a", { class: "button", href: url("auth/logout").href, id: "logout" }, "Log out"));
}


async function loadGuilds() {
  const data = await get("api/guilds");
  return { guilds: data.guilds || [], invitable: data.invitable || [] };
}

async function showPicker() {
  state.guildView = null;
  replace(currentGuild);
  document.title = "StatusSync dashboard";
  if (!state.guilds) state.guilds = await loadGuilds();
  const { guilds, invitable } = state.guilds;
  const list = h("ul", { class: "guilds", id: "guild-list" }, guilds.map((guild) =>
    h("li", {}, h("a", { class: "button guild-card", href: `#/guild/${guild.id}/overview`, dataset: { guild: guild.id } },
      h("span", { class: "guild-icon", "aria-hidden": "true" }, initials(guild.name)),
      h("span", {}, h("span", { class: "name" }, guild.name), h("br"),
        h("small", { class: "muted" }, guild.access === "read" ? "read-only" : "manage"))))));
  // Servers you manage where the bot isn't yet: Discord's own invite page (a link, never fetched).
  const invites = invitable.filter((g) => /^https?:\/\//.test(g.invite_url || ""));
  replace(screen, h("div", { class: "card" }, h("h1", {}, "Pick a server"),
    guilds.length ? list : h("p", { class: "empty", id: "no-guilds" },
      "No server to show: you need Manage Server (or a role a manager gave dashboard access) in a server where StatusSync is.")),
    invites.length ? h("div", { class: "card", id: "invitable" }, h("h2", {}, "Add StatusSync to a server"),
      h("ul", { class: "guilds" }, invites.map((guild) => h("li", {}, h("div", { class: "guild-card button", dataset: { guild: guild.id } },
        h("span", { class: "guild-icon", "aria-hidden": "true" }, initials(guild.name)),
        h("span", { class: "name" }, guild.name),
        h("a", { class: "button", href: guild.invite_url, rel: "noopener", "aria-label": `Invite StatusSync to ${guild.name}` }, "Invite")))))) : null);
  markReady("picker");
}

async function showGuild(guildId, tabId) {
  if (!state.guilds) state.guilds = await loadGuilds();
  const guild = state.guilds.guilds.find((g) => String(g.id) === guildId);
  if (!guild) {
    notify("You don't have access to that server's dashboard (or StatusSync is not in it).");
    location.hash = "#/";
    return;
  }
  const tab = TABS.find((t) => t.id === tabId) || TABS[0];
  replace(currentGuild, guild.name);
  document.title = `${tab.title} · ${guild.name} · StatusSync`;
  if (!state.guildView || state.guildView.guildId !== guildId) {
    const root = h("div", { id: "guild-view" });
    replace(screen, guild.access === "read"
      ? h("p", { class: "notice", id: "read-only" }, "You have read-only access to this server's dashboard: you can look, not change.") : null, root);
    const tabs = mountTabs(root, TABS, {
      selected: tab.id,
      onSelect: (id) => { location.hash = `#/guild/${guildId}/${id}`; },
    });
    state.guildView = { guildId, tabs, tabId: null };
  }
  const view = state.guildView;
  view.tabs.show(tab.id);
  if (view.tabId === tab.id) return;
  view.tabId = tab.id;
  if (state.cleanup) { state.cleanup(); state.cleanup = null; }
  notify("");
  const panel = view.tabs.panel;
  panel.dataset.tab = tab.id;
  panel.dataset.state = "loading"; // tests and the paint bench wait on "ready"
  replace(panel, h("p", { class: "muted" }, "Loading…"));
  const ctx = {
    guild, guildId, canWrite: guild.access !== "read", user: state.user, notify,
    isCurrent: () => state.guildView === view && view.tabId === tab.id,
  };
  try {
    const cleanup = await (await tab.load()).default.render(panel, ctx);
    if (!ctx.isCurrent()) { if (typeof cleanup === "function") cleanup(); return; }
    if (typeof cleanup === "function") state.cleanup = cleanup;
    panel.dataset.state = "ready";
    markReady("guild");
    prefetchTabs();
  } catch (err) {
    if (ctx.isCurrent()) {
      panel.dataset.state = "error";
      showError(err, panel);
    }
  }
}

// Once a tab is up, the others load in idle time so switching tabs waits only for their data.
function prefetchTabs() {
  if (prefetchTabs.done) return;
  prefetchTabs.done = true;
  const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 200));
  idle(() => TABS.forEach((tab) => tab.load().catch(() => {})));
}


async function route() {
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  try {
    if (parts[0] === "guild" && /^\d{1,20}$/.test(parts[1] || "")) await showGuild(parts[1], parts[2] || "overview");
    else await showPicker();
  } catch (err) {
    showError(err);
  }
}

async function boot() {
  initThemeToggle(document.getElementById("theme-toggle"));
  // The server list is asked for at once (not after /auth/user answers): one round trip less to the picker.
  const guilds = loadGuilds();
  guilds.catch(() => {});
  try {
    const user = await get("auth/user");
    state.user = user.user || user;
    if (user.csrf_token) setCsrfToken(user.csrf_token);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) showLogin("");
    else replace(screen, h("p", { class: "notice error", role: "alert" }, err.message || String(err)));
    return;
  }
  showUser(state.user);
  try { state.guilds = await guilds; } catch (err) { state.guilds = null; } // asked again by the picker
  document.addEventListener("session-expired", (event) => {
    // A failed save keeps the form as typed: the user logs in (in another tab, say) and saves again.
    if (event.detail && event.detail.method !== "GET") notify(SESSION_EXPIRED, "error", [loginLink("Log in again")]);
    else showLogin(SESSION_EXPIRED);
  });
  returnAfterLogin();
  window.addEventListener("hashchange", route);
  await route();
}

boot();
