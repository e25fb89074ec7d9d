// Leveling: XP settings and the leaderboard, weekly or all time.
import { get } from "../api.js";
import { formatNumber, h, replace } from "../dom.js";
import { sectionForm } from "../settings-form.js";
import { loadSection } from "../settings-data.js";

export default {
  id: "leveling",
  title: "Leveling",
  async render(panel, ctx) {
    const section = await loadSection(ctx.guildId, "xp");
    const board = h("div", { id: "leaderboard", "aria-live": "polite" });
    const periods = h("div", { class: "actions", role: "group", "aria-label": "Period" });
    let period = "weekly";
    async function load() {
      for (const b of periods.children) b.setAttribute("aria-pressed", b.dataset.period === period ? "true" : "false");
      const data = await get("api/leaderboard", { guild_id: ctx.guildId, period });
      const rows = data.leaderboard || data.entries || [];
      replace(board, rows.length ? h("div", { class: "table-wrap" }, h("table", { id: "leaderboard-table" },
        h("thead", {}, h("tr", {}, ["Rank", "Member", "Level", "XP", "Messages"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, rows.map((r, i) => h("tr", {}, h("td", {}, String(r.rank ?? i + 1)), h("td", {}, r.name || r.username || r.user_id),
          h("td", {}, formatNumber(r.level)), h("td", {}, formatNumber(r.xp)), h("td", {}, formatNumber(r.messages ?? r.message_count)))))))
        : h("p", { class: "empty" }, period === "weekly" ? "Nobody has earned XP this week yet." : "Nobody has earned XP yet."));
    }
    for (const [value, label] of [["weekly", "This week"], ["all", "All time"]]) {
      periods.append(h("button", { type: "button", dataset: { period: value }, onclick: () => { period = value; load().catch((e) => ctx.notify(e.message)); } }, label));
    }
    replace(panel, h("h2", {}, "Leveling"),
      h("div", { class: "card" }, h("h3", {}, "Leaderboard"), periods, board),
      section ? h("div", { class: "card" }, h("h3", {}, section.title), sectionForm(section, ctx, {
        hints: { level_roles: 'Roles given at a level, as JSON: [{"level": 5, "role_id": "123"}]' } })) : null);
    await load();
  },
};
