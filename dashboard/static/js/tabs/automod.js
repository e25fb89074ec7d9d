// Automod: each rule's switch, action and threshold; the word list; a live tester through the same engine.
import { get, post } from "../api.js";
import { field, h, replace } from "../dom.js";

const ACTIONS = ["delete", "warn", "timeout", "alert"];
const LISTS = { bad_words: "Blocked words", patterns: "Regular expressions (RE2)", blocked_domains: "Blocked link domains",
  allowed_domains: "Allowed link domains", allowed_invites: "Allowed invite codes" };

function lines(text) {
  return text.split("\n").map((l) => l.trim()).filter(Boolean);
}

function ruleRow(rule, ctx, onSaved) {
  const disabled = !ctx.canWrite;
  const enabled = h("input", { type: "checkbox", checked: rule.enabled, disabled, id: `rule-${rule.type}-enabled` });
  const action = h("select", { disabled, id: `rule-${rule.type}-action` }, (rule.actions || ACTIONS).map((a) => h("option", { value: a, selected: a === rule.action }, a)));
  const threshold = rule.threshold === null || rule.threshold === undefined ? null
    : h("input", { type: "number", value: rule.threshold, step: "1", disabled, id: `rule-${rule.type}-threshold` });
  const duration = h("input", { type: "number", value: rule.duration ?? 600, step: "1", min: "1", disabled, id: `rule-${rule.type}-duration` });
  const alert = h("input", { type: "text", value: rule.alert_channel_id ?? "", inputmode: "numeric", placeholder: "channel id", disabled, id: `rule-${rule.type}-alert` });
  const durationField = field("Timeout (seconds)", duration);
  const alertField = field("Alert channel", alert);
  const status = h("span", { role: "status", class: "hint" });
  const sync = () => { durationField.hidden = action.value !== "timeout"; alertField.hidden = action.value !== "alert"; };
  action.addEventListener("change", sync);
  sync();
  const save = h("button", { type: "submit", class: "primary", disabled }, "Save");
  const form = h("form", { class: "card rule", dataset: { rule: rule.type }, "aria-label": `Rule ${rule.type}` },
    h("h3", {}, rule.type.replace(/_/g, " ")), rule.summary ? h("p", { class: "muted" }, rule.summary) : null,
    h("div", { class: "row" },
      h("div", { class: "field inline" }, enabled, h("label", { for: enabled.id }, "On")),
      field("Action", action),
      threshold ? field(rule.threshold_label || "Threshold", threshold) : null,
      durationField, alertField),
    h("div", { class: "actions" }, save, status));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { enabled: enabled.checked, action: action.value };
    if (threshold) body.threshold = Number(threshold.value);
    if (action.value === "timeout") body.duration = Number(duration.value);
    if (action.value === "alert") body.alert_channel_id = alert.value.trim() || null;
    status.textContent = "Saving…";
    try {
      await post(`api/automod/rules/${encodeURIComponent(rule.type)}`, body, { guild_id: ctx.guildId });
      status.textContent = "Saved.";
      onSaved();
    } catch (err) {
      status.textContent = err.message;
    }
  });
  return form;
}

function listEditor(key, items, ctx) {
  const disabled = !ctx.canWrite;
  const area = h("textarea", { id: `list-${key}`, rows: 6, disabled, spellcheck: "false", value: items.join("\n") });
  const status = h("span", { role: "status", class: "hint" });
  let saved = items.slice();
  const form = h("form", { class: "card", dataset: { list: key } }, field(LISTS[key] || key, area, "One per line; * is a wildcard in words."),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", disabled }, "Save list"), status));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const now = lines(area.value);
    const add = now.filter((w) => !saved.includes(w));
    const remove = saved.filter((w) => !now.includes(w));
    if (!add.length && !remove.length) { status.textContent = "Nothing changed."; return; }
    status.textContent = "Saving…";
    try {
      const answer = await post(`api/automod/lists/${encodeURIComponent(key)}`, { add, remove }, { guild_id: ctx.guildId });
      saved = (answer && answer.items) || now;
      area.value = saved.join("\n");
      status.textContent = "Saved.";
    } catch (err) {
      status.textContent = err.message;
    }
  });
  return form;
}

function tester(ctx) {
  const text = h("textarea", { id: "automod-test-text", rows: 3, placeholder: "Type a message to see what automod would do" });
  const verdict = h("div", { id: "automod-verdict", class: "preview", role: "status", "aria-live": "polite" }, "Type a message to test it.");
  let timer = null;
  let seq = 0;
  text.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++seq;
      if (!text.value.trim()) { replace(verdict, "Type a message to test it."); return; }
      try {
        const answer = await post("api/automod/test", { text: text.value }, { guild_id: ctx.guildId });
        if (mine !== seq) return;
        const hits = answer.violations || answer.matches || [];
        replace(verdict, hits.length
          ? [h("span", { class: "verdict hit" }, `Automod would act: ${hits.length} rule${hits.length > 1 ? "s" : ""}`),
            h("ul", {}, hits.map((v) => h("li", {}, `${v.rule || v.type}: ${v.action}${v.reason ? ` — ${v.reason}` : ""}`)))]
          : h("span", { class: "verdict clean" }, "No rule fires on this message."));
      } catch (err) {
        if (mine === seq) replace(verdict, err.message);
      }
    }, 250);
  });
  return h("div", { class: "card", id: "automod-tester" }, h("h3", {}, "Live tester"), field("Message", text), verdict);
}

export default {
  id: "automod",
  title: "Automod",
  async render(panel, ctx) {
    const draw = async () => {
      const data = await get("api/automod", { guild_id: ctx.guildId });
      const rules = data.rules || [];
      const lists = data.lists || {};
      replace(panel, h("h2", {}, "Automod"),
        h("p", { class: "muted" }, "Rules are written into Discord's own AutoMod where Discord can enforce them; the scan enforces the rest."),
        tester(ctx),
        h("div", { class: "grid" }, rules.map((rule) => ruleRow(rule, ctx, () => {}))),
        h("h3", {}, "Lists"), h("div", { class: "grid" }, Object.entries(lists).map(([key, items]) => listEditor(key, items, ctx))));
    };
    await draw();
  },
};
