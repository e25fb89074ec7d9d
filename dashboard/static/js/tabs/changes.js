// Change log: who changed which setting, from what to what, when, and whether from the dashboard or /config.
import { get } from "../api.js";
import { field, formatDate, h, replace, who } from "../dom.js";
import { loadSettings } from "../settings-data.js";

function shown(value) {
  if (value === null || value === undefined) return "(none)";
  return typeof value === "string" ? value : JSON.stringify(value);
}

export default {
  async render(panel, ctx) {
    const list = h("div", { id: "change-list", "aria-live": "polite" });
    const more = h("button", { type: "button", id: "changes-more", hidden: true }, "Older changes");
    const sections = await loadSettings(ctx.guildId).catch(() => []);
    const only = h("select", { id: "changes-section" }, h("option", { value: "" }, "every setting"),
      sections.map((s) => h("option", { value: s.name }, s.title)),
      [["automod", "Automod rules and lists"], ["custom", "Custom commands"], ["access", "Dashboard access"]].map(([v, t]) => h("option", { value: v }, t)));
    replace(panel, h("h2", {}, "Change log"),
      h("p", { class: "muted" }, "Every settings change, from this dashboard or from /config in Discord."),
      h("div", { class: "card" }, h("div", { class: "row" }, field("Show", only)), list, h("div", { class: "pager" }, more)));
    const rows = [];
    let cursor = null;
    only.addEventListener("change", () => {
      rows.length = 0;
      cursor = null;
      load().catch((err) => ctx.notify(err.message));
    });
    async function load() {
      const data = await get("api/changes", { guild_id: ctx.guildId, before: cursor, section: only.value });
      if (!ctx.isCurrent()) return;
      rows.push(...(data.changes || []));
      cursor = data.next_before ?? null;
      more.hidden = !cursor;
      replace(list, rows.length ? h("div", { class: "table-wrap" }, h("table", { class: "responsive", id: "changes" },
        h("thead", {}, h("tr", {}, ["When", "Who", "Setting", "From", "To", "Where"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, rows.map((c) => h("tr", {},
          h("td", { "data-label": "When" }, formatDate(c.changed_at)),
          h("td", { "data-label": "Who" }, c.actor_id ? who(c.actor_name, c.actor_id) : "StatusSync"),
          h("td", { "data-label": "Setting" }, h("code", {}, c.section === "custom" ? `custom command ${c.key}` : `${c.section}.${c.key}`)),
          h("td", { "data-label": "From", class: "reason" }, shown(c.old)),
          h("td", { "data-label": "To", class: "reason" }, shown(c.new)),
          h("td", { "data-label": "Where" }, c.source === "command" ? "/config" : c.source))))))
        : h("p", { class: "empty" }, "No setting has been changed yet."));
    }
    more.addEventListener("click", () => load().catch((err) => ctx.notify(err.message)));
    await load();
  },
};
