// AI: whether /ask answers here, the system prompt, which channels.
import { h, replace } from "../dom.js";
import { sectionForm } from "../settings-form.js";
import { loadSection } from "../settings-data.js";
import { lookups } from "../lookups.js";

export default {
  async render(panel, ctx) {
    const [section, found] = await Promise.all([loadSection(ctx.guildId, "ai"), lookups(ctx.guildId)]);
    replace(panel, h("h2", {}, "AI answers"),
      h("p", { class: "muted" }, "/ask answers with the configured AI provider; the system prompt sets its tone for this server."),
      section ? h("div", { class: "card" }, sectionForm(section, ctx, { lookups: found,
        hints: { allowed_channel_ids: "Where /ask works (Ctrl or Shift picks several); none: everywhere.", system_prompt: "Added before every question." } }))
        : h("p", { class: "empty" }, "The AI feature is not installed on this server."));
  },
};
