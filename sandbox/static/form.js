// The slash command form, generated from the commands the simulated Discord has registered: subcommands,
// options with their types, choices and autocomplete (real autocomplete interactions, answered by the app).
import { el } from "./render.js";

const T = { SUB: 1, GROUP: 2, STRING: 3, INTEGER: 4, BOOLEAN: 5, USER: 6, CHANNEL: 7, ROLE: 8, MENTIONABLE: 9, NUMBER: 10, ATTACHMENT: 11 };

export function leafPaths(command) {
  // [[path names], node] for every runnable leaf: the command itself, its subcommands, group subcommands.
  const nested = (command.options || []).filter((o) => o.type === T.SUB || o.type === T.GROUP);
  if (!nested.length) return [[[], command]];
  const out = [];
  for (const option of nested) {
    if (option.type === T.SUB) out.push([[option.name], option]);
    else for (const sub of option.options || []) out.push([[option.name, sub.name], sub]);
  }
  return out;
}

function entitySelect(items, required) {
  const select = el("select");
  if (!required) select.append(el("option", null, "—"));
  for (const item of items) {
    const option = el("option", null, item.label);
    option.value = item.value;
    select.append(option);
  }
  return select;
}

export function buildOptions(container, node, ctx) {
  container.replaceChildren();
  for (const option of node.options || []) {
    const label = el("label", "option");
    label.append(el("span", "option-name", option.name + (option.required ? " *" : "")));
    label.append(el("span", "hint", option.description));
    let input;
    if (option.choices && option.choices.length) {
      input = entitySelect(option.choices.map((c) => ({ label: c.name, value: String(c.value) })), option.required);
    } else if (option.type === T.BOOLEAN) {
      input = entitySelect([{ label: "true", value: "true" }, { label: "false", value: "false" }], option.required);
    } else if (option.type === T.USER) {
      input = entitySelect(ctx.entities(T.USER), option.required);
    } else if (option.type === T.CHANNEL) {
      input = entitySelect(ctx.entities(T.CHANNEL, option.channel_types), option.required);
    } else if (option.type === T.ROLE) {
      input = entitySelect(ctx.entities(T.ROLE), option.required);
    } else if (option.type === T.MENTIONABLE) {
      input = entitySelect(ctx.entities(T.USER).concat(ctx.entities(T.ROLE)), option.required);
    } else if (option.type === T.ATTACHMENT) {
      input = el("input");
      input.type = "file";
    } else {
      input = el(option.type === T.STRING && (option.max_length || 0) > 200 ? "textarea" : "input");
      if (option.type === T.INTEGER || option.type === T.NUMBER) {
        input.type = "number";
        input.step = option.type === T.INTEGER ? "1" : "any";
        if (option.min_value !== undefined) input.min = option.min_value;
        if (option.max_value !== undefined) input.max = option.max_value;
      }
      if (option.max_length) input.maxLength = option.max_length;
      if (option.autocomplete) attachAutocomplete(input, option, ctx);
    }
    input.name = option.name;
    input.dataset.option = option.name;
    input.dataset.type = option.type;
    label.append(input);
    container.append(label);
  }
}

function attachAutocomplete(input, option, ctx) {
  const list = el("datalist");
  list.id = "ac-" + option.name + "-" + Math.random().toString(36).slice(2, 8);
  input.setAttribute("list", list.id);
  input.autocomplete = "off";
  input.after(list);
  let timer = null;
  const ask = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const choices = await ctx.autocomplete(option.name);
      list.replaceChildren(...choices.map((c) => { const o = el("option", null, c.name); o.value = String(c.value); return o; }));
      input.dataset.choices = String(choices.length);
      input.closest("label").append(list);
    }, 200);
  };
  input.addEventListener("input", ask);
  input.addEventListener("focus", ask);
}

export async function readValues(container, focused) {
  const values = {};
  for (const input of container.querySelectorAll("[data-option]")) {
    if (input.type === "file") {
      if (input.files.length && input.dataset.option !== focused) values[input.dataset.option] = await fileValue(input.files[0]);
    } else if (input.value !== "" && input.value !== "—") {
      values[input.dataset.option] = input.value;
    } else if (input.dataset.option === focused) {
      values[input.dataset.option] = "";
    }
  }
  return values;
}

function fileValue(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve({ filename: file.name, content_type: file.type || "application/octet-stream",
      base64: String(reader.result).split(",", 2)[1] || "" });
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
