// A restore in the Backups tab, as /backup restore does it: pick parts and preview the diff, Confirm
// (managers), then its progress polled until the final report.
import { get, post } from "./api.js";
import { formatDate, h, replace } from "./dom.js";

const PARTS = [["roles", "Roles"], ["channels", "Channels"], ["settings", "Settings"], ["statussync", "StatusSync data"]];
const POLL_MS = 1500;

function list(id, title, items, render = String) {
  return h("div", { class: "diff", id }, h("h4", {}, `${title} (${items.length})`),
    items.length ? h("ul", {}, items.map((item) => h("li", {}, render(item)))) : h("p", { class: "muted" }, "None."));
}

function why(pair) {
  return h("span", {}, h("strong", {}, pair[0]), " — ", pair[1]);
}

// `restore` is the card it draws in; `reload` refreshes the list once a restore ends. Returns {preview, stop}.
export function restoreFlow(restore, ctx, reload) {
  let timer = null;
  const stop = () => { if (timer) clearTimeout(timer); timer = null; };

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
    if (finished) { reload().catch(() => {}); return; }
    stop();
    timer = setTimeout(async () => {
      try {
        follow(await get(`api/backups/restores/${progress.restore_id}`, { guild_id: ctx.guildId }));
      } catch (err) {
        if (ctx.isCurrent()) ctx.notify(err.message);
      }
    }, POLL_MS);
  }

  return { preview, stop };
}
