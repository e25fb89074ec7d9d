// AI: whether /ask can answer (a provider configured), how much it answered, the tier's limits, and the
// ai settings (on/off, system prompt, channels).
import { get } from "../api.js";
import { formatNumber, h, replace } from "../dom.js";
import { lookups } from "../lookups.js";
import { sectionForm } from "../settings-form.js";
import { loadSection } from "../settings-data.js";

function limit(value) {
  return value === null || value === undefined ? "no limit" : formatNumber(value);
}

export default {
  async render(panel, ctx) {
    const [section, found, usage, { lineChart, loadUPlot }] = await Promise.all([
      loadSection(ctx.guildId, "ai"), lookups(ctx.guildId), get("api/ai", { guild_id: ctx.guildId, days: 30 }),
      import("../charts.js")]);
    loadUPlot().catch(() => {});
    const today = usage.answers.length ? usage.answers[usage.answers.length - 1] : 0;
    const chart = h("div", { class: "card" });
    replace(panel, h("h2", {}, "AI answers"),
      usage.configured ? null : h("p", { class: "notice warn", id: "ai-not-configured" },
        "No AI provider is configured on this StatusSync (AI_API_BASE), so /ask answers \"not configured\". The settings below apply once it is."),
      h("div", { class: "stats", id: "ai-stats" },
        h("div", { class: "stat" }, h("span", { class: "value" }, formatNumber(today)), h("span", { class: "label" }, "answers today")),
        h("div", { class: "stat" }, h("span", { class: "value" }, limit(usage.limits.answers_per_day)), h("span", { class: "label" }, "answers a day (this server's tier)")),
        h("div", { class: "stat" }, h("span", { class: "value" }, limit(usage.limits.answers_per_member_day)), h("span", { class: "label" }, "answers a day per member")),
        h("div", { class: "stat" }, h("span", { class: "value" }, formatNumber(usage.tokens.reduce((a, b) => a + b, 0))), h("span", { class: "label" }, "tokens, last 30 days"))),
      chart,
      section ? h("div", { class: "card" }, h("h3", {}, section.title), sectionForm(section, ctx, { lookups: found,
        hints: { allowed_channel_ids: "Where /ask works (Ctrl or Shift picks several); none: everywhere.", system_prompt: "Added before every question." } }))
        : h("p", { class: "empty" }, "The AI feature is not installed on this server."));
    const any = usage.answers.some((n) => n > 0);
    return lineChart(chart, { title: "Answers per day", days: any ? usage.days : [], series: [{ label: "answers", values: usage.answers }] });
  },
};
