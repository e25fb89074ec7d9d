// Settings: every section every feature declares, one form each; lists of rows get their own editor.
import { h, replace } from "../dom.js";
import { escalationEditor } from "../escalation.js";
import { levelRolesEditor } from "../level-roles.js";
import { lookups } from "../lookups.js";
import { sectionForm } from "../settings-form.js";
import { loadSettings } from "../settings-data.js";

// section.key → (values, lookups, ctx) → an editor card; the generic form leaves these keys out.
const EDITORS = {
  "xp.level_roles": (value, found, ctx) => levelRolesEditor(value, found.roles, ctx),
  "moderation.escalation": (value, found, ctx) => escalationEditor(value, ctx),
};

export default {
  async render(panel, ctx) {
    const [sections, found] = await Promise.all([loadSettings(ctx.guildId), lookups(ctx.guildId)]);
    replace(panel, h("h2", {}, "Settings"),
      h("p", { class: "muted" }, "The same settings /config changes in Discord; every change lands in the change log."),
      sections.map((section) => {
        const special = Object.keys(section.values).filter((key) => EDITORS[`${section.name}.${key}`]);
        const plain = Object.keys(section.values).filter((key) => !special.includes(key));
        return [h("div", { class: "card", id: `section-${section.name}` }, h("h3", {}, section.title),
          plain.length ? sectionForm(section, ctx, { lookups: found, keys: plain }) : null),
        special.map((key) => EDITORS[`${section.name}.${key}`](section.values[key], found, ctx))];
      }));
  },
};
