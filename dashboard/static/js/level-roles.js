// Level roles as MEE6 and Carl-bot show them: a row per reward (at level N, give role R), saved as the xp
// section's level_roles through the settings route /config levelrole changes too.
import { post } from "./api.js";
import { rowsEditor } from "./rows-editor.js";

export function levelRolesEditor(rewards, roles, ctx) {
  return rowsEditor({
    id: "level-roles", title: "Level roles", noun: "reward", ctx,
    rows: (rewards || []).map((r) => ({ level: r.level, role_id: String(r.role_id) })),
    columns: [
      { key: "level", name: "Level", heading: "At level", kind: "int", min: "1", max: "1000" },
      { key: "role_id", name: "Role", heading: "Give role", kind: roles ? "select" : "text", placeholder: "role id",
        choices: roles && roles.map((r) => ({ value: r.id, label: `@${r.name}` })) },
    ],
    empty: "No level role yet.", addLabel: "Add a level role", saveLabel: "Save level roles",
    check: (rows) => (rows.some((r) => !Number.isInteger(r.level) || r.level < 1 || r.level > 1000 || !/^\d{1,20}$/.test(r.role_id || ""))
      ? "Each row needs a level from 1 to 1000 and a role." : null),
    save: async (rows) => {
      await post("api/settings/xp", { level_roles: rows.map((r) => ({ level: r.level, role_id: r.role_id })) }, { guild_id: ctx.guildId });
      return "Saved. Members get the role when they reach the level (the bot's role must be above it).";
    },
  });
}
