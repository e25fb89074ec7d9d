// Backups: the saved copies (when, who, note, size), a new one with a note, and a restore in three steps as
// /backup restore does: preview the diff, Confirm (managers), then progress until the final report.
import { get, post } from "../api.js";
import { field, formatDate, h, replace, who } from "../dom.js";

const PARTS = [["roles", "Roles"], ["channels", "Channels"], ["settings", "Settings"], ["statussync", "StatusSync data"]];
const POLL_MS = 1500;

function size(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function list(id, title, items, render = String) {
  return h("div", { class: "diff", id }, h("h4", {}, `${title} (${items.length})`),
    items.length ? h("ul", {}, items.map((item) => h("li", {}, render(item)))) : h("p", { class: "muted" }, "None."));
}

function why(pair) {
  return h("span", {}, h("strong", {}, pair[0]), " — ", pair[1]);
}

export default {
  async render(panel, ctx) {
    const manager = Boolean(ctx.guild.manager);
    const me = ctx.user || {};
    const note = h("input", { type: "text", id: "backup-note", maxlength: "200", placeholder: "before the cleanup", disabled: !ctx.canWrite });
    const make = h("button", { type: "submit", id: "backup-create", disabled: !ctx.canWrite }, "Make a backup");
    const table = h("div", { id: "backup-list", "aria-live": "polite" });
    const restore = h("div", { class: "card", id: "restore", hidden: true, "aria-live": "polite" });
    let timer = null;
    const stop = () => { if (timer) clearTimeout(timer); timer = null; };

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

    async function preview(backup) {
      stop();
      restore.hidden = false;
      const picks = PARTS.map(([value, label]) => h("label", { class: "field inline" },
        h("input", { type: "checkbox", value, checked: value !== "statussync", dataset: { part: value } }), label));
      const go = h("button", { type: "button", id: "restore-preview" }, "Preview");
      replace(restore, h("h3", { id: "restore-heading" }, `Restore the backup of ${formatDate(backup.created_at)}`),
        h("p", { class: "muted" }, "Pick what to restore; the preview lists what would change and nothing is done until you confirm."),
        h("div", { class: "row", id: "restore-parts" }, picks), h("div", { class: "actions" }, go), h("div", { id: "restore-diff" }));
      go.addEventListener("click", async () => {
        const parts = picks.map((p) => p.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
        if (!parts.length) { ctx.notify("Pick at least one part to restore."); return; }
        go.disabled = true;
        try {
          const plan = await post(`api/backups/${backup.id}/preview`, { parts }, { guild_id: ctx.guildId });
          if (ctx.isCurrent()) showPlan(plan);
        } catch (err) {
          ctx.notify(err.message);
        } finally {
          go.disabled = false;
        }
      });
    }

    function showPlan(plan) {
      const confirm = h("button", { type: "button", id: "restore-confirm", class: "danger", disabled: plan.empty }, "Confirm restore");
      replace(restore.querySelector("#restore-diff"),
        plan.empty ? h("p", { class: "notice ok", id: "restore-nothing" }, "Nothing to do: the server already matches this backup.") : null,
        h("div", { class: "grid" },
          list("diff-create", "Will be created", plan.create),
          list("diff-change", "Will be changed", plan.change),
          h("div", { class: "diff", id: "diff-kept" }, h("h4", {}, "Left alone"), h("p", {}, `${plan.kept} already as saved.`)),
          list("diff-cannot", "Cannot be done", plan.cannot.map((c) => [c.what, c.why]), why)),
        plan.notes.length ? list("diff-notes", "Done differently", plan.notes.map((n) => [n.what, n.note]), why) : null,
        h("div", { class: "actions" }, confirm));
      confirm.addEventListener("click", async () => {
        confirm.disabled = true;
        try {
          follow(await post(`api/backups/restores/${plan.restore_id}/confirm`, {}, { guild_id: ctx.guildId }));
        } catch (err) {
          ctx.notify(err.message);
          confirm.disabled = false;
        }
      });
    }

    function follow(progress) {
      if (!ctx.isCurrent()) return;
      for (const part of restore.querySelectorAll("#restore-parts, #restore-preview")) part.hidden = true; // this restore is under way
      const bars = Object.entries(progress.counts || {}).filter(([, [, total]]) => total > 0).map(([part, [done, total]]) =>
        h("div", { class: "field" }, h("label", {}, `${part}: ${done} of ${total}`),
          h("progress", { max: String(total), value: String(done), "aria-label": `${part} restored` })));
      const finished = progress.state === "done" || progress.state === "cancelled";
      const report = progress.report;
      replace(restore.querySelector("#restore-diff"),
        h("div", { id: "restore-progress", dataset: { state: progress.state } },
          h("p", {}, finished ? (progress.state === "done" ? `Restore finished ${formatDate(progress.finished_at)}.` : "Restore cancelled.")
            : "Restoring… this page follows it; you can leave, it carries on."),
          bars),
        finished && report ? h("div", { class: "grid", id: "restore-report" },
          list("report-created", "Created", report.created || []),
          list("report-changed", "Changed", report.changed || []),
          list("report-skipped", "Skipped", report.skipped || [], why),
          (report.notes || []).length ? list("report-notes", "Notes", report.notes, why) : null) : null);
      if (finished) { load().catch(() => {}); return; }
      stop();
      timer = setTimeout(async () => {
        try {
          follow(await get(`api/backups/restores/${progress.restore_id}`, { guild_id: ctx.guildId }));
        } catch (err) {
          if (ctx.isCurrent()) ctx.notify(err.message);
        }
      }, POLL_MS);
    }

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
            onclick: () => preview(b) }, "Restore…") : null))))))
        : h("p", { class: "empty", id: "no-backups" }, "No backup yet."));
    }

    const every = (data) => data && data.interval_hours ? `Scheduled: every ${data.interval_hours} hours, keeping ${data.keep}.` : "No scheduled backups (set them in Settings or with /backup schedule).";
    const first = await get("api/backups", { guild_id: ctx.guildId });
    replace(panel, h("h2", {}, "Backups"),
      h("p", { class: "muted", id: "backup-schedule" }, "Copies of the server's roles, channels and settings. ", every(first.schedule)),
      manager ? null : h("p", { class: "notice warn", id: "restore-managers-only" }, "Only server managers can restore a backup."),
      form, h("div", { class: "card" }, h("h3", {}, "Saved backups"), table), restore);
    await load(first);
    return stop;
  },
};
