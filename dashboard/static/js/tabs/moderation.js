// Moderation: cases filtered by member, type, moderator and date, paged; a case's reason history.
import { get } from "../api.js";
import { caseDetail } from "../case-detail.js";
import { escalationEditor } from "../escalation.js";
import { loadSection } from "../settings-data.js";
import { field, formatDate, h, replace, who } from "../dom.js";

const TYPES = ["", "warn", "timeout", "untimeout", "kick", "ban", "unban", "automod_block", "automod_alert", "automod_timeout"];

export default {
  async render(panel, ctx) {
    const filters = { user_id: "", type: "", moderator_id: "", since: "", until: "" };
    // Keyset paging: the API gives the `before` of the next page; the stack remembers the way back.
    const pages = [null];
    const member = h("input", { type: "text", name: "user_id", inputmode: "numeric", placeholder: "user id", autocomplete: "off" });
    const type = h("select", { name: "type" }, TYPES.map((t) => h("option", { value: t }, t || "any type")));
    const moderator = h("input", { type: "text", name: "moderator_id", inputmode: "numeric", placeholder: "user id", autocomplete: "off" });
    const from = h("input", { type: "date", name: "from" });
    const to = h("input", { type: "date", name: "to" });
    const form = h("form", { class: "row", id: "case-filters", role: "search", "aria-label": "Filter cases" },
      field("Member", member), field("Type", type), field("Moderator", moderator), field("From", from), field("To", to),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Filter"),
        h("button", { type: "reset" }, "Clear")));
    const results = h("div", { id: "case-results", "aria-live": "polite" });
    const detail = h("div", { id: "case-detail" });
    const escalation = h("div", { id: "escalation-slot" });
    replace(panel, h("h2", {}, "Moderation cases"), h("div", { class: "card" }, form), h("div", { class: "card" }, results), detail, escalation);
    loadSection(ctx.guildId, "moderation").then((section) => {
      if (section && ctx.isCurrent()) replace(escalation, escalationEditor(section.values.escalation, ctx));
    }).catch((err) => replace(escalation, h("p", { class: "notice error" }, err.message)));

    async function showCase(number) {
      replace(detail, h("div", { class: "card" }, h("p", { class: "muted" }, "Loading case…")));
      let data;
      try {
        data = await get(`api/cases/${encodeURIComponent(number)}`, { guild_id: ctx.guildId });
      } catch (err) {
        replace(detail, h("p", { class: "notice error", role: "alert" }, err.message));
        return;
      }
      const { card, heading } = caseDetail(data, ctx, {
        onMember: (userId) => { member.value = userId; form.requestSubmit(); },
        onSaved: () => { showCase(number); load(); }, // the list shows the new reason too
      });
      replace(detail, card);
      heading.focus();
    }

    async function load() {
      replace(results, h("p", { class: "muted" }, "Loading cases…"));
      let data;
      try {
        data = await get("api/cases", { guild_id: ctx.guildId, ...filters, before: pages[pages.length - 1] });
      } catch (err) {
        replace(results, h("p", { class: "notice error", role: "alert" }, err.message));
        return;
      }
      if (!ctx.isCurrent()) return;
      const cases = data.cases || [];
      const page = pages.length;
      const prev = h("button", { type: "button", disabled: page <= 1, onclick: () => { pages.pop(); load(); } }, "Newer");
      const next = h("button", { type: "button", disabled: data.next_before == null, onclick: () => { pages.push(data.next_before); load(); } }, "Older");
      replace(results, cases.length ? h("div", { class: "table-wrap" }, h("table", { class: "responsive", id: "cases" },
        h("caption", { class: "visually-hidden" }, "Moderation cases"),
        h("thead", {}, h("tr", {}, ["#", "Type", "Member", "Moderator", "Reason", "When"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, cases.map((c) => h("tr", { dataset: { case: c.number } },
          h("td", { "data-label": "#" }, h("button", { type: "button", class: "link", "aria-label": `Open case ${c.number}`, onclick: () => showCase(c.number) }, `#${c.number}`)),
          h("td", { "data-label": "Type" }, h("span", { class: `badge ${c.type}` }, c.type)),
          h("td", { "data-label": "Member" }, who(c.user_name, c.user_id)),
          h("td", { "data-label": "Moderator" }, who(c.moderator_name, c.moderator_id)),
          h("td", { "data-label": "Reason", class: "reason" }, c.reason || ""),
          h("td", { "data-label": "When" }, formatDate(c.created_at)))))))
        : h("p", { class: "empty" }, "No case matches these filters."),
      h("div", { class: "pager" }, prev, h("span", { id: "case-page" }, `Page ${page}`), next));
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      Object.assign(filters, { user_id: member.value.trim(), type: type.value, moderator_id: moderator.value.trim(),
        since: from.value, until: to.value ? `${to.value}T23:59:59Z` : "" }); // "to" includes that whole day
      pages.length = 1;
      load();
    });
    form.addEventListener("reset", () => {
      Object.keys(filters).forEach((k) => { filters[k] = ""; });
      pages.length = 1;
      setTimeout(load, 0);
    });
    await load();
  },
};
