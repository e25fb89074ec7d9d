// Overview: the guild's counts, cases by type and messages per day over time, the most active members.
import { get } from "../api.js";
import { formatNumber, h, replace, who } from "../dom.js";

function stat(label, value, id) {
  return h("div", { class: "stat", id }, h("span", { class: "value" }, formatNumber(value)), h("span", { class: "label" }, label));
}

const PERIODS = [[7, "7 days"], [30, "30 days"], [90, "90 days"]];

export default {
  async render(panel, ctx) {
    let days = 30;
    let cleanups = [];
    const body = h("div", { id: "overview-body" });
    const periods = h("div", { class: "actions", role: "group", "aria-label": "Period" }, PERIODS.map(([n, label]) =>
      h("button", { type: "button", dataset: { days: n }, onclick: () => { days = n; draw().catch((e) => ctx.notify(e.message)); } }, label)));
    replace(panel, h("div", { class: "row spread" }, h("h2", {}, "Overview"), periods), body);

    async function draw() {
      // The chart code and uPlot load while the figures are on their way, not after.
      const [stats, { lineChart }] = await Promise.all([get("api/stats", { guild_id: ctx.guildId, days }),
        import("../charts.js").then((charts) => { charts.loadUPlot().catch(() => {}); return charts; })]);
      if (!ctx.isCurrent()) return;
      for (const b of periods.children) b.setAttribute("aria-pressed", Number(b.dataset.days) === days ? "true" : "false");
      cleanups.forEach((fn) => fn());
      const dayList = stats.days || [];
      const byType = (stats.cases && stats.cases.by_type) || {};
      const casesInPeriod = Object.values(byType).flat().reduce((a, b) => a + b, 0);
      const top = stats.most_active || [];
      const charts = [h("div", { class: "card" }), h("div", { class: "card" })];
      replace(body,
        h("div", { class: "stats", id: "stats" },
          stat("Members", stats.members ?? "—", "stat-members"),
          stat("Cases ever recorded", stats.cases ? stats.cases.recorded : 0, "stat-cases"),
          stat(`Cases, last ${days} days`, casesInPeriod, "stat-cases-period"),
          stat(`Messages seen, last ${days} days`, stats.messages ? stats.messages.total : 0, "stat-messages")),
        h("div", { class: "grid" }, charts),
        h("div", { class: "card" }, h("h3", {}, "Most active members"),
          top.length ? h("div", { class: "table-wrap" }, h("table", { id: "top-members", class: "responsive" },
            h("thead", {}, h("tr", {}, ["#", "Member", "Messages", "Level", "XP"].map((t) => h("th", { scope: "col" }, t)))),
            h("tbody", {}, top.map((m, i) => h("tr", {}, h("td", { "data-label": "#" }, String(i + 1)),
              h("td", { "data-label": "Member" }, who(m.name, m.user_id)),
              h("td", { "data-label": "Messages" }, formatNumber(m.messages)),
              h("td", { "data-label": "Level" }, formatNumber(m.level)),
              h("td", { "data-label": "XP" }, formatNumber(m.xp)))))))
            : h("p", { class: "empty" }, "No activity recorded yet: the message scan fills this in.")));
      const anyCase = casesInPeriod > 0;
      const anyMessage = stats.messages && stats.messages.total > 0;
      cleanups = [
        await lineChart(charts[0], { title: "Moderation cases per day", days: anyCase ? dayList : [],
          series: Object.entries(byType).map(([type, values]) => ({ label: type, values })) }),
        await lineChart(charts[1], { title: "Messages per day", days: anyMessage ? dayList : [],
          series: [{ label: "messages", values: (stats.messages && stats.messages.per_day) || [] }] }),
      ];
    }
    await draw();
    return () => cleanups.forEach((fn) => fn());
  },
};
