// Reputation: the cooldowns that keep rep meaningful, and (when the API lists it) who holds the most.
import { ApiError, get } from "../api.js";
import { formatNumber, h, replace, who } from "../dom.js";
import { sectionForm } from "../settings-form.js";
import { loadSection } from "../settings-data.js";
import { lookups } from "../lookups.js";

async function topHolders(guildId) {
  try {
    return await get("api/rep", { guild_id: guildId });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null; // an API without the rep list: show settings only
    throw err;
  }
}

export default {
  async render(panel, ctx) {
    const [section, top, found] = await Promise.all([loadSection(ctx.guildId, "rep"), topHolders(ctx.guildId), lookups(ctx.guildId)]);
    const rows = (top && top.entries) || [];
    replace(panel, h("h2", {}, "Reputation"),
      top ? h("div", { class: "card" }, h("h3", {}, "Most reputation"),
        rows.length ? h("div", { class: "table-wrap" }, h("table", { id: "rep-table" },
          h("thead", {}, h("tr", {}, ["Place", "Member", "Reputation"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, rows.map((r, i) => h("tr", {}, h("td", {}, String(r.place ?? i + 1)),
            h("td", {}, who(r.name, r.user_id)), h("td", {}, formatNumber(r.rep)))))))
          : h("p", { class: "empty" }, "Nobody has been given reputation yet (/rep give).")) : null,
      section ? h("div", { class: "card" }, h("h3", {}, section.title), sectionForm(section, ctx, { lookups: found,
        hints: { cooldown_hours: "Hours before a member can give rep again.",
          pair_cooldown_hours: "Hours before the same giver can rep the same member again." } })) : null);
  },
};
