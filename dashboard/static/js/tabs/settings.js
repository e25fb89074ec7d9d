// Settings: every section every feature declares, one form each.
import { h, replace } from "../dom.js";
import { sectionForm } from "../settings-form.js";
import { loadSettings } from "../settings-data.js";
import { lookups } from "../lookups.js";

export default {
  async render(panel, ctx) {
    const [sections, found] = await Promise.all([loadSettings(ctx.guildId), lookups(ctx.guildId)]);
    replace(panel, h("h2", {}, "Settings"),
      h("p", { class: "muted" }, "The same settings /config changes in Discord; every change lands in the change log."),
      sections.map((section) => h("div", { class: "card", id: `section-${section.name}` },
        h("h3", {}, section.title), sectionForm(section, ctx, { lookups: found }))));
  },
};
