// Automod: each rule's switch, action, threshold and exemptions; its lists; a live tester through the same
// engine /automod test uses. Saving pushes the rules into Discord's own AutoMod; the answer says how it went.
import { get, post } from "../api.js";
import { field, h, replace } from "../dom.js";
import { lookups } from "../lookups.js";
import { multiPicker, pickedValues } from "../settings-form.js";

const lines = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean);
const title = (kind) => kind.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

function discordNote(status, answer) {
  const said = (answer && answer.discord && answer.discord.lines) || [];
  status.className = `notice ${answer && answer.discord && answer.discord.pushed === false ? "error" : "ok"}`;
  replace(status, h("strong", {}, "Saved."), said.length ? h("ul", {}, said.map((l) => h("li", {}, l))) : null);
}

function fail(status, err) {
  status.className = "notice error";
  status.textContent = err.message;
}

function ruleForm(rule, spec, actions, ctx, found) {
  const channelList = found.channels;
  const disabled = !ctx.canWrite;
  const id = (part) => `rule-${rule.type}-${part}`;
  const enabled = h("input", { type: "checkbox", checked: rule.enabled, disabled, id: id("enabled") });
  const action = h("select", { disabled, id: id("action") }, actions.map((a) => h("option", { value: a, selected: a === rule.action }, a)));
  const limits = spec && spec.threshold;
  const threshold = limits ? h("input", { type: "number", value: rule.threshold ?? limits.default, min: limits.min, max: limits.max, step: "1", disabled, id: id("threshold") }) : null;
  const duration = h("input", { type: "number", value: Math.round((rule.duration || 600) / 60), min: "1", max: "40320", step: "1", disabled, id: id("duration") });
  const alert = channelList
    ? h("select", { disabled, id: id("alert") }, h("option", { value: "" }, "(pick a channel)"),
      channelList.map((c) => h("option", { value: c.id, selected: String(c.id) === String(rule.alert_channel_id) }, `#${c.name}`)))
    : h("input", { type: "text", value: rule.alert_channel_id ?? "", inputmode: "numeric", placeholder: "channel id", disabled, id: id("alert") });
  const ids = (kind, values, choices) => (choices ? multiPicker(id(kind), kind, kind.slice(0, -1), values, disabled, choices)
    : h("textarea", { rows: 2, disabled, id: id(kind), value: (values || []).join("\n"), spellcheck: "false" }));
  const roles = ids("roles", rule.exempt_roles, found.roles);
  const channels = ids("channels", rule.exempt_channels, found.channels);
  const picked = (el) => (el.tagName === "SELECT" ? pickedValues(el) : lines(el.value));
  const durationField = field("Timeout (minutes)", duration);
  const alertField = field("Alert channel", alert);
  const status = h("div", { role: "status", "aria-live": "polite" });
  const sync = () => { durationField.hidden = action.value !== "timeout"; alertField.hidden = action.value !== "alert"; };
  action.addEventListener("change", sync);
  sync();
  const form = h("form", { class: "card rule", dataset: { rule: rule.type }, "aria-labelledby": id("title") },
    h("h3", { id: id("title") }, title(rule.type)), spec ? h("p", { class: "muted" }, `Fires on ${spec.summary}.`) : null,
    h("div", { class: "field inline" }, enabled, h("label", { for: enabled.id }, "Rule on")),
    h("div", { class: "row" }, field("Action", action), threshold ? field(`Threshold (${limits.meaning})`, threshold) : null),
    durationField, alertField,
    h("details", {}, h("summary", {}, "Exemptions"),
      field("Exempt roles", roles, roles.tagName === "SELECT" ? "Ctrl or Shift picks several (at most 20)." : "Role ids, one per line (at most 20)."),
      field("Exempt channels", channels, channels.tagName === "SELECT" ? "Ctrl or Shift picks several (at most 50)." : "Channel ids, one per line (at most 50).")),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", disabled }, "Save rule")), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { enabled: enabled.checked, action: action.value, exempt_roles: picked(roles), exempt_channels: picked(channels) };
    if (threshold) body.threshold = Number(threshold.value);
    if (action.value === "timeout") body.duration = Number(duration.value) * 60;
    if (action.value === "alert") body.alert_channel_id = alert.value.trim() || null;
    status.className = "";
    status.textContent = "Saving…";
    try {
      discordNote(status, await post(`api/automod/rules/${encodeURIComponent(rule.type)}`, body, { guild_id: ctx.guildId }));
    } catch (err) {
      fail(status, err);
    }
  });
  return form;
}

function listForm(key, meta, items, ctx) {
  const disabled = !ctx.canWrite;
  const area = h("textarea", { id: `list-${key}`, rows: 6, disabled, spellcheck: "false", value: items.join("\n") });
  const status = h("div", { role: "status", "aria-live": "polite" });
  let saved = items.slice();
  const hint = key === "words" ? "One per line; * is a wildcard (cat*, *cat*)." : key === "patterns" ? "One RE2 expression per line." : "One per line.";
  const form = h("form", { class: "card", dataset: { list: key } }, field(title(meta.title || key), area, hint),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", disabled }, "Save list")), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const now = lines(area.value);
    const add = now.filter((w) => !saved.includes(w));
    const remove = saved.filter((w) => !now.includes(w));
    if (!add.length && !remove.length) { status.className = ""; status.textContent = "Nothing changed."; return; }
    status.className = "";
    status.textContent = "Saving…";
    try {
      const answer = await post(`api/automod/lists/${encodeURIComponent(key)}`, { add, remove }, { guild_id: ctx.guildId });
      saved = answer.items || now;
      area.value = saved.join("\n");
      discordNote(status, answer);
      if (answer.refused && answer.refused.length) {
        status.append(h("p", {}, "Not added:"), h("ul", {}, answer.refused.map((r) => h("li", {}, `${r.item}: ${r.reason}`))));
      }
    } catch (err) {
      fail(status, err);
    }
  });
  return form;
}

function tester(ctx) {
  const text = h("textarea", { id: "automod-test-text", rows: 3, maxlength: "4000", placeholder: "Type a message to see what automod would do with it" });
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
        const results = answer.results || [];
        const firing = results.filter((r) => r.fires);
        replace(verdict,
          firing.length ? h("p", { class: "verdict hit" }, `Automod acts: ${firing.map((r) => r.rule).join(", ")}`)
            : h("p", { class: "verdict clean" }, "No rule fires on this message."),
          h("ul", {}, results.length ? results.map((r) => h("li", { class: r.fires ? "verdict hit" : "" }, `${r.rule}: ${r.detail}`))
            : (answer.lines || []).map((l) => h("li", {}, l))));
      } catch (err) {
        if (mine === seq) replace(verdict, err.message);
      }
    }, 200);
  });
  return h("div", { class: "card", id: "automod-tester" }, h("h3", {}, "Live tester"),
    h("p", { class: "muted" }, "Runs your saved rules on the text, as the scan would."), field("Message", text), verdict);
}

export default {
  async render(panel, ctx) {
    const [data, found] = await Promise.all([get("api/automod", { guild_id: ctx.guildId }), lookups(ctx.guildId)]);
    const rules = data.rules || [];
    const byType = Object.fromEntries(rules.map((r) => [r.type, r]));
    const specs = data.rule_types || {};
    const listed = Object.entries(data.lists || {}).map(([key, meta]) => {
      const rule = byType[meta.rule];
      return listForm(key, meta, (rule && rule.config && rule.config[meta.field]) || [], ctx);
    });
    replace(panel, h("h2", {}, "Automod"),
      h("p", { class: "muted" }, "Rules go into Discord's own AutoMod where Discord can enforce them (instantly); the scan enforces the rest every few minutes."),
      tester(ctx),
      h("h3", {}, "Rules"),
      h("div", { class: "grid" }, rules.map((rule) => ruleForm(rule, specs[rule.type], data.actions || ["delete", "warn", "timeout", "alert"], ctx, found))),
      h("h3", {}, "Lists"),
      h("div", { class: "grid" }, listed));
  },
};
