// One moderation case: its details, its reason history, and (with write access) re-wording the reason the
// way /case reason does — the old reason stays in the history.
import { post } from "./api.js";
import { field, formatDate, h, replace, who } from "./dom.js";

function history(entries) {
  if (!entries.length) return h("p", { class: "empty" }, "The reason has not been changed since the case was opened.");
  return h("ol", { class: "history", id: "reason-history" }, entries.map((entry) =>
    h("li", {}, h("small", { class: "muted" }, `${formatDate(entry.changed_at)}${entry.author_id ? ` by ${who(entry.author_name, entry.author_id)}` : ""}`),
      h("div", {}, h("span", { class: "muted" }, "from: "), h("span", { class: "reason" }, entry.old_reason || "no reason")),
      h("div", {}, h("span", { class: "muted" }, "to: "), h("span", { class: "reason" }, entry.new_reason || "no reason")))));
}

function reasonForm(c, ctx, onSaved) {
  const text = h("textarea", { id: "case-new-reason", rows: 2, maxlength: "512", required: true, value: c.reason || "" });
  const status = h("p", { role: "status", "aria-live": "polite" });
  const form = h("form", { id: "case-reason-form" }, field("New reason", text, "At most 512 characters; the old reason stays in the history."),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Save reason")), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!text.value.trim() || text.value === (c.reason || "")) { status.textContent = "Write the new reason first."; return; }
    status.className = "";
    status.textContent = "Saving…";
    try {
      onSaved(await post(`api/cases/${encodeURIComponent(c.number)}/reason`, { reason: text.value }, { guild_id: ctx.guildId }));
    } catch (err) {
      status.className = "notice error";
      status.textContent = err.message;
    }
  });
  return h("details", {}, h("summary", {}, "Change the reason"), form);
}

// data: {case, history} as GET /api/cases/<n> answers; onMember(user_id) filters the list by that member.
export function caseDetail(data, ctx, { onMember, onSaved }) {
  const c = data.case;
  const heading = h("h3", { tabindex: "-1", id: "case-heading" }, `Case #${c.number}`);
  const card = h("div", { class: "card" });
  replace(card, heading,
    h("dl", { class: "pairs" },
      h("dt", {}, "Type"), h("dd", {}, h("span", { class: `badge ${c.type}` }, c.type)),
      h("dt", {}, "Member"), h("dd", {}, who(c.user_name, c.user_id)),
      h("dt", {}, "Moderator"), h("dd", {}, who(c.moderator_name, c.moderator_id)),
      h("dt", {}, "When"), h("dd", {}, formatDate(c.created_at)),
      c.expires_at ? [h("dt", {}, "Until"), h("dd", {}, formatDate(c.expires_at))] : null,
      c.source ? [h("dt", {}, "Source"), h("dd", {}, c.source)] : null,
      h("dt", {}, "Reason"), h("dd", { class: "reason", id: "case-reason" }, c.reason || "no reason given")),
    h("div", { class: "actions" }, h("button", { type: "button", id: "member-cases", onclick: () => onMember(String(c.user_id)) },
      "All cases of this member")),
    ctx.canWrite ? reasonForm(c, ctx, onSaved) : null,
    h("h3", {}, "Reason history"), history(data.history || []));
  return { card, heading };
}
