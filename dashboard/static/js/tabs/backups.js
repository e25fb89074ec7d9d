// Backups: the saved copies (when, who, note, size), a new one with a note, and for managers a restore
// (preview, Confirm, progress: js/backup-restore.js).
import { get, post } from "../api.js";
import { restoreFlow } from "../backup-restore.js";
import { field, formatDate, h, replace, who } from "../dom.js";

function size(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export default {
  async render(panel, ctx) {
    const manager = Boolean(ctx.guild.manager);
    const me = ctx.user || {};
    const note = h("input", { type: "text", id: "backup-note", maxlength: "200", placeholder: "before the cleanup", disabled: !ctx.canWrite });
    const make = h("button", { type: "submit", id: "backup-create", disabled: !ctx.canWrite }, "Make a backup");
    const table = h("div", { id: "backup-list", "aria-live": "polite" });
    const restore = h("div", { class: "card", id: "restore", hidden: true, "aria-live": "polite" });
    const flow = restoreFlow(restore, ctx, () => load());

    const form = h("form", { class: "card", id: "backup-form" }, h("h3", {}, "Make a backup"),
      h("div", { class: "row" }, field("Note", note, "What this copy is for (optional, up to 200 characters).")),
      h("div", { class: "actions" }, make),
      ctx.canWrite ? null : h("p", { class: "muted" }, "Read-only access: you can see the backups, not make or restore one."));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      make.disabled = true;
      try {
        await post("api/backups", { note: note.value.trim() }, { guild_id: ctx.guildId });
        note.value = "";
        ctx.notify("Backup made.", "ok");
        await load();
      } catch (err) {
        ctx.notify(err.message);
      } finally {
        make.disabled = false;
      }
    });

    async function load(known) {
      const data = known || await get("api/backups", { guild_id: ctx.guildId });
      if (!ctx.isCurrent()) return;
      const rows = data.backups || [];
      replace(table, rows.length ? h("div", { class: "table-wrap" }, h("table", { class: "responsive", id: "backups" },
        h("thead", {}, h("tr", {}, ["When", "By", "Note", "Size", ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, rows.map((b) => h("tr", { dataset: { backup: b.id } },
          h("td", { "data-label": "When" }, formatDate(b.created_at)),
          h("td", { "data-label": "By" }, b.author_id ? who(b.author_id === String(me.id) ? me.global_name || me.username : null, b.author_id) : `StatusSync (${b.origin})`),
          h("td", { "data-label": "Note", class: "reason" }, b.note || "—"),
          h("td", { "data-label": "Size" }, size(b.size_bytes)),
          h("td", {}, manager ? h("button", { type: "button", "aria-label": `Restore the backup of ${formatDate(b.created_at)}`,
            onclick: () => flow.preview(b) }, "Restore…") : null))))))
        : h("p", { class: "empty", id: "no-backups" }, "No backup yet."));
    }

    const every = (data) => data && data.interval_hours ? `Scheduled: every ${data.interval_hours} hours, keeping ${data.keep}.` : "No scheduled backups (set them in Settings or with /backup schedule).";
    const first = await get("api/backups", { guild_id: ctx.guildId });
    replace(panel, h("h2", {}, "Backups"),
      h("p", { class: "muted", id: "backup-schedule" }, "Copies of the server's roles, channels and settings. ", every(first.schedule)),
      manager ? null : h("p", { class: "notice warn", id: "restore-managers-only" }, "Only server managers can restore a backup."),
      form, h("div", { class: "card" }, h("h3", {}, "Saved backups"), table), restore);
    await load(first);
    return flow.stop;
  },
};
