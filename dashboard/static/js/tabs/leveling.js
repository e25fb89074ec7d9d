// Leveling: the leaderboard (this week or all time, paged) and the XP settings.
import { get } from "../api.js";
import { formatNumber, h, replace, who } from "../dom.js";
import { sectionForm } from "../settings-form.js";
import { loadSection } from "../settings-data.js";
import { levelRolesEditor } from "../level-roles.js";
import { lookups } from "../lookups.js";

export default {
  async render(panel, ctx) {
    const [section, found] = await Promise.all([loadSection(ctx.guildId, "xp"), lookups(ctx.guildId)]);
    const board = h("div", { id: "leaderboard", "aria-live": "polite" });
    const periods = h("div", { class: "actions", role: "group", "aria-label": "Period" });
    let period = "weekly";
    let page = 1;
    async function load() {
      for (const b of periods.children) b.setAttribute("aria-pressed", b.dataset.period === period ? "true" : "false");
      const data = await get("api/leaderboard", { guild_id: ctx.guildId, period, page });
      if (!ctx.isCurrent()) return;
      const rows = data.entries || [];
      page = data.page || page;
      const pager = (data.pages || 1) > 1 ? h("div", { class: "pager" },
        h("button", { type: "button", disabled: page <= 1, onclick: () => { page -= 1; load().catch((e) => ctx.notify(e.message)); } }, "Previous"),
        h("span", {}, `Page ${page} of ${data.pages}`),
        h("button", { type: "button", disabled: page >= data.pages, onclick: () => { page += 1; load().catch((e) => ctx.notify(e.message)); } }, "Next")) : null;
      replace(board, rows.length ? [h("p", { class: "muted" }, `${formatNumber(data.members)} members ranked.`),
        h("div", { class: "table-wrap" }, h("table", { id: "leaderboard-table", class: "responsive" },
          h("thead", {}, h("tr", {}, ["Place", "Member", "Level", "XP"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, rows.map((r) => h("tr", {}, h("td", { "data-label": "Place" }, String(r.place)),
            h("td", { "data-label": "Member" }, who(r.name, r.user_id)),
            h("td", { "data-label": "Level" }, formatNumber(r.level)), h("td", { "data-label": "XP" }, formatNumber(r.xp))))))), pager]
        : h("p", { class: "empty" }, period === "weekly" ? "Nobody has earned XP this week yet." : "Nobody has earned XP yet."));
    }
    for (const [value, label] of [["weekly", "This week"], ["all", "All time"]]) {
      periods.append(h("button", { type: "button", dataset: { period: value },
        onclick: () => { period = value; page = 1; load().catch((e) => ctx.notify(e.message)); } }, label));
    }
    replace(panel, h("h2", {}, "Leveling"),
      h("div", { class: "card" }, h("h3", {}, "Leaderboard"), periods, board),
      section ? [levelRolesEditor(section.values.level_roles, found.roles, ctx),
        h("div", { class: "card" }, h("h3", {}, section.title), sectionForm(section, ctx, { lookups: found,
          keys: Object.keys(section.values).filter((key) => key !== "level_roles"),
          hints: { announce_channel_id: "Where level-ups are announced (empty: the channel the member spoke in)." } }))] : null);
    await load();
  },
};
