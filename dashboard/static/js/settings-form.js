// A settings section as a form built from the section's own declaration (keys, kinds, title): a new setting
// in a feature shows up here without front-end work. Saves through POST /api/settings/<section>.
import { post } from "./api.js";
import { field, h, nextId } from "./dom.js";

export function humanize(key) {
  const text = String(key).replace(/_ids?$/, (m) => (m === "_ids" ? " (ids)" : "")).replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function kindOf(value, declared) {
  if (declared) return declared;
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return "int";
  if (Array.isArray(value)) return "list";
  return "text";
}

function isScalarList(list) {
  return list.every((item) => item === null || ["string", "number"].includes(typeof item));
}

function picker(id, key, kind, value, disabled, choices) {
  const known = choices.some((c) => String(c.id) === String(value ?? ""));
  return h("select", { id, name: key, disabled, dataset: { kind } },
    h("option", { value: "" }, kind === "channel" ? "(no channel)" : "(no role)"),
    choices.map((c) => h("option", { value: c.id, selected: String(c.id) === String(value) }, kind === "channel" ? `#${c.name}` : `@${c.name}`)),
    value && !known ? h("option", { value, selected: true }, `${value} (not found on Discord)`) : null);
}

// Several channels or roles: a list box (Ctrl/Shift or Space to pick more than one); unknown ids kept.
export function multiPicker(id, name, kind, values, disabled, choices) {
  const chosen = new Set((values || []).map(String));
  const known = new Set(choices.map((c) => String(c.id)));
  const label = (c) => (kind === "channel" ? `#${c.name}` : `@${c.name}`);
  return h("select", { id, name, multiple: true, size: String(Math.min(8, Math.max(3, choices.length))), disabled, dataset: { kind, format: "multi" } },
    choices.map((c) => h("option", { value: c.id, selected: chosen.has(String(c.id)) }, label(c))),
    [...chosen].filter((v) => !known.has(v)).map((v) => h("option", { value: v, selected: true }, `${v} (not found on Discord)`)));
}

export function pickedValues(select) {
  return Array.from(select.selectedOptions, (o) => o.value);
}

// Which list of ids a list setting holds, by its declared kind or its name (allowed_channel_ids).
function listOf(key, kind) {
  if (kind === "roles" || /_role_ids$|^roles$/.test(key)) return "role";
  if (kind === "channels" || /_channel_ids$|^channels$/.test(key)) return "channel";
  return null;
}

function control(key, kind, value, disabled, lookups) {
  const id = nextId(`set-${key}`);
  if (kind === "bool") return h("input", { type: "checkbox", id, name: key, checked: Boolean(value), disabled });
  if (kind === "int") return h("input", { type: "number", id, name: key, value: value ?? "", step: "1", inputmode: "numeric", disabled });
  const choices = lookups && (kind === "channel" ? lookups.channels : kind === "role" ? lookups.roles : null);
  if (choices) return picker(id, key, kind, value, disabled, choices);
  const many = (kind === "list" || kind === "roles" || kind === "channels") && listOf(key, kind);
  const manyChoices = many && lookups && (many === "channel" ? lookups.channels : lookups.roles);
  if (manyChoices && (!Array.isArray(value) || isScalarList(value))) return multiPicker(id, key, many, value, disabled, manyChoices);
  if (kind === "channel" || kind === "role") {
    return h("input", { type: "text", id, name: key, value: value ?? "", inputmode: "numeric", pattern: "\\d{1,20}",
      placeholder: kind === "channel" ? "channel id (empty: none)" : "role id (empty: none)", autocomplete: "off", disabled });
  }
  if (kind === "list" || kind === "roles") {
    const list = Array.isArray(value) ? value : [];
    const scalar = isScalarList(list);
    const text = scalar ? list.join("\n") : JSON.stringify(list, null, 2);
    return h("textarea", { id, name: key, rows: Math.min(10, Math.max(3, text.split("\n").length + 1)), disabled,
      dataset: { format: scalar ? "lines" : "json" }, spellcheck: "false", value: text });
  }
  const long = typeof value === "string" && (value.length > 80 || /prompt|message|template/.test(key));
  return long ? h("textarea", { id, name: key, rows: 4, disabled, value: value ?? "" })
    : h("input", { type: "text", id, name: key, value: value ?? "", maxlength: "2000", disabled });
}

function read(input, kind, original) {
  if (kind === "bool") return input.checked;
  const raw = input.value;
  if (kind === "int") {
    if (raw.trim() === "") return original;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new Error(`${humanize(input.name)} must be a whole number.`);
    return n;
  }
  if (kind === "channel" || kind === "role") return raw.trim() === "" ? null : raw.trim();
  if (input.dataset.format === "multi") return pickedValues(input);
  if (kind === "list" || kind === "roles") {
    if (input.dataset.format === "json" || raw.trim().startsWith("[")) {
      try { return raw.trim() ? JSON.parse(raw) : []; } catch (err) { throw new Error(`${humanize(input.name)} is not valid JSON: ${err.message}`); }
    }
    return raw.split("\n").map((line) => line.trim()).filter(Boolean);
  }
  return raw;
}

// section: {name, title, values, kinds}; keys: which keys to show (default all); onSaved(values)
// lookups: {channels, roles} from lookups.js, for pickers instead of id fields.
export function sectionForm(section, ctx, { keys, onSaved, hints = {}, lookups = null } = {}) {
  const values = { ...section.values };
  const kinds = section.kinds || {};
  const shown = keys || Object.keys(values);
  const disabled = !ctx.canWrite;
  const status = h("p", { class: "form-status", role: "status", "aria-live": "polite" });
  const inputs = {};
  const rows = shown.map((key) => {
    const kind = kindOf(values[key], kinds[key]);
    const input = control(key, kind, values[key], disabled, lookups);
    inputs[key] = { input, kind };
    if (kind === "bool") {
      return h("div", { class: "field inline" }, input, h("label", { for: input.id }, humanize(key)),
        hints[key] ? h("small", { class: "hint" }, hints[key]) : null);
    }
    return field(humanize(key), input, hints[key] || (kind === "list" && input.dataset.format === "lines" ? "One per line." : null));
  });
  const save = h("button", { type: "submit", class: "primary", disabled }, "Save");
  const form = h("form", { class: "settings-form", dataset: { section: section.name }, "aria-label": section.title || section.name },
    rows, h("div", { class: "actions" }, save,
      disabled ? h("span", { class: "hint" }, "Read-only access: a manager can give your role write access.") : null), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.className = "form-status";
    const changed = {};
    try {
      for (const [key, { input, kind }] of Object.entries(inputs)) {
        const value = read(input, kind, values[key]);
        if (JSON.stringify(value) !== JSON.stringify(values[key])) changed[key] = value;
      }
    } catch (err) {
      status.className = "form-status notice error";
      status.textContent = err.message;
      return;
    }
    if (!Object.keys(changed).length) {
      status.textContent = "Nothing changed.";
      return;
    }
    save.disabled = true;
    status.textContent = "Saving…";
    try {
      const answer = await post(`api/settings/${encodeURIComponent(section.name)}`, changed, { guild_id: ctx.guildId });
      Object.assign(values, (answer && (answer.values || answer.settings)) || changed);
      status.className = "form-status notice ok";
      status.textContent = "Saved.";
      if (onSaved) onSaved(values);
    } catch (err) {
      status.className = "form-status notice error";
      status.textContent = err.message;
    } finally {
      save.disabled = disabled;
    }
  });
  return form;
}
