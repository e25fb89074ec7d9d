// Reputation: who holds the most rep, and the cooldowns.
import { get } from "../api.js";
import { formatNumber, h, replace } from "../dom.js";
import { sectionForm } from "../settings-form.js";
import { loadSection } from "../settings-data.js";

export default {
  id: "reputation",
  title: "Reputation",
  async render(panel, ctx) {
    const [section, top] = await Promise.all([loadSection(ctx.guildId, "rep"),
      get("api/rep", { guild_id: ctx.guildId }).catch((err) => ({ error: err }))]);
    const rows = top.top || top.entries || [];
    replace(panel, h("h2", {}, "Reputation"),
      h("div", { class: "card" }, h("h3", {}, "Most reputation"),
        top.error ? h("p", { class: "notice error" }, top.error.message)
          : rows.length ? h("div", { class: "table-wrap" }, h("table", { id: "rep-table" },
            h("thead", {}, h("tr", {}, ["#", "Member", "Reputation"].map((t) => h("th", { scope: "col" }, t)))),
            h("tbody", {}, rows.map((r, i) => h("tr", {}, h("td", {}, String(i + 1)), h("td", {}, r.name || r.username || r.user_id),
              h("td", {}, formatNumber(r.rep ?? r.points)))))))
            : h("p", { class: "empty" }, "Nobody has given reputation yet (/rep give).")),
      section ? h("div", { class: "card" }, h("h3", {}, section.title), sectionForm(section, ctx, {
        hints: { cooldown_hours: "Hours before a member can give rep again.", pair_cooldown_hours: "Hours before the same member can get rep from the same giver again." } })) : null);
  },
};
