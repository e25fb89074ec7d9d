// Warnings that escalate (Dyno's and Zeppelin's "N warnings within D days → action"), saved as the
// moderation section's escalation steps with the same checks /config escalation runs.
import { post } from "./api.js";
import { rowsEditor } from "./rows-editor.js";

const ACTIONS = ["timeout", "kick", "ban"].map((a) => ({ value: a, label: a }));

export function escalationEditor(steps, ctx) {
  return rowsEditor({
    id: "escalation", title: "Escalation", noun: "step", ctx,
    note: "When a member collects this many warnings within the days given, StatusSync takes the action (a timeout needs a duration such as 1h or 2d; a ban may have one).",
    rows: (steps || []).map((s) => ({ warnings: s.warnings, within_days: s.within_days, action: s.action, duration: s.duration || "" })),
    columns: [
      { key: "warnings", name: "Warnings", heading: "Warnings", kind: "int", min: "1", max: "100" },
      { key: "within_days", name: "Within days", heading: "Within days", kind: "int", min: "1", max: "3650" },
      { key: "action", name: "Action", heading: "Action", kind: "select", choices: ACTIONS },
      { key: "duration", name: "Duration", heading: "Duration", kind: "text", placeholder: "1h, 2d…" },
    ],
    empty: "No escalation: warnings stay warnings.", addLabel: "Add a step", saveLabel: "Save escalation",
    check: (rows) => (rows.some((r) => !Number.isInteger(r.warnings) || !Number.isInteger(r.within_days) || !r.action)
      ? "Each step needs a number of warnings, a number of days and an action." : null),
    save: async (rows) => {
      await post("api/settings/moderation", { escalation: rows.map((r) => ({ warnings: r.warnings, within_days: r.within_days,
        action: r.action, ...(r.duration ? { duration: r.duration } : {}) })) }, { guild_id: ctx.guildId });
      return "Saved.";
    },
  });
}
