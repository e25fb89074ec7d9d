// Overview: the guild's counts, cases by type and messages per day over time, the most active members.
import { get } from "../api.js";
import { dailySeries, lineChart } from "../charts.js";
import { formatNumber, h, replace } from "../dom.js";

function stat(label, value, id) {
  return h("div", { class: "stat", id }, h("span", { class: "value" }, formatNumber(value)), h("span", { class: "label" }, label));
}

function casesByType(rows) {
  const types = [...new Set(rows.map((r) => r.type))].sort();
  const all = dailySeries(rows.map((r) => ({ day: r.day, count: 0 })));
  return {
    days: all.days,
    series: types.map((type) => {
      const { values } = dailySeries(rows.filter((r) => r.type === type), { from: all.days[0], to: all.days[all.days.length - 1] });
      return { label: type, values };
    }),
  };
}

export default {
  id: "overview",
  title: "Overview",
  async render(panel, ctx) {
    const stats = await get("api/stats", { guild_id: ctx.guildId });
    const counts = stats.counts || stats;
    const messages = dailySeries(stats.messages_per_day || []);
    const cases = casesByType(stats.cases_by_type_per_day || []);
    const top = stats.top_members || [];
    const charts = h("div", { class: "grid" });
    replace(panel, h("h2", {}, "Overview"),
      h("div", { class: "stats", id: "stats" },
        stat("Members", counts.members ?? counts.member_count, "stat-members"),
        stat("Moderation cases", counts.cases ?? counts.cases_total, "stat-cases"),
        stat("Messages seen (period)", counts.messages ?? messages.values.reduce((a, b) => a + b, 0), "stat-messages"),
        counts.warnings !== undefined ? stat("Active warnings", counts.warnings, "stat-warnings") : null),
      charts,
      h("div", { class: "card" }, h("h3", {}, "Most active members"),
        top.length ? h("div", { class: "table-wrap" }, h("table", { id: "top-members" },
          h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "Member"), h("th", {}, "Messages"), h("th", {}, "XP"))),
          h("tbody", {}, top.map((m, i) => h("tr", {}, h("td", {}, String(i + 1)),
            h("td", {}, m.name || m.username || m.user_id), h("td", {}, formatNumber(m.messages ?? "—")),
            h("td", {}, formatNumber(m.xp ?? "—")))))))
          : h("p", { class: "empty" }, "No activity recorded yet: the message scan fills this in.")));
    const cards = [h("div", { class: "card" }), h("div", { class: "card" })];
    charts.append(...cards);
    const cleanups = [
      await lineChart(cards[0], { title: "Moderation cases per day", days: cases.days, series: cases.series }),
      await lineChart(cards[1], { title: "Messages per day", days: messages.days, series: [{ label: "messages", values: messages.values }] }),
    ];
    return () => cleanups.forEach((fn) => fn());
  },
};
