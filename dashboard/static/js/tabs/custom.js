// Custom commands: the list, and an editor whose template renders as a preview while you type (the same
// sandbox /cc uses, with sample values for the options). Saving registers the command on Discord.
import { get, request, post } from "../api.js";
import { field, h, replace } from "../dom.js";
import { rowsEditor } from "../rows-editor.js";

// Discord's option types, by the codes the API stores.
const TYPES = [["string", 3], ["integer", 4], ["number", 10], ["boolean", 5], ["user", 6], ["channel", 7], ["role", 8]]
  .map(([label, value]) => ({ value, label }));

function optionsEditor(rows, ctx, onChange) {
  return rowsEditor({
    id: "cc-options", title: "Options", noun: "option", ctx, rows, inPlace: true, onChange, max: 5,
    note: "Up to 5, required ones first (Discord's rule). In the template: {{ args.<name> }}.",
    columns: [
      { key: "name", name: "Option name", heading: "Name", kind: "text", maxlength: "32", placeholder: "member" },
      { key: "type", name: "Type", heading: "Type", kind: "select", choices: TYPES, cast: Number, fresh: 3 },
      { key: "description", name: "Option description", heading: "Description", kind: "text", maxlength: "100" },
      { key: "required", name: "Required", heading: "Required", kind: "bool", fresh: true },
    ],
    empty: "No option: the command takes no arguments.", addLabel: "Add an option",
  });
}

// The rows as the API stores them; choices an import brought are kept as they were.
function optionsBody(rows) {
  return rows.map((r) => ({ name: r.name, type: r.type, description: r.description, required: Boolean(r.required),
    ...(r.choices ? { choices: r.choices } : {}) }));
}

export default {
  async render(panel, ctx) {
    const data = await get("api/custom", { guild_id: ctx.guildId });
    const commands = data.commands || [];
    const disabled = !ctx.canWrite;
    let editing = null; // the name being edited, or null for a new command
    const name = h("input", { type: "text", id: "cc-name", maxlength: "32", pattern: "[\\-_a-z0-9]{1,32}", autocomplete: "off", required: true, disabled });
    const description = h("input", { type: "text", id: "cc-description", maxlength: "100", disabled });
    const template = h("textarea", { id: "cc-template", rows: 5, maxlength: "4000", disabled, spellcheck: "false" });
    const optionRows = [];
    const optionsSlot = h("div", {});
    const ephemeral = h("input", { type: "checkbox", id: "cc-ephemeral", disabled });
    const cooldown = h("input", { type: "number", id: "cc-cooldown", min: "0", step: "1", value: "0", disabled });
    const out = h("div", { class: "preview", id: "cc-preview", role: "status", "aria-live": "polite" }, "The preview shows here as you type.");
    const status = h("div", { role: "status", "aria-live": "polite", id: "cc-status" });
    const heading = h("h3", { id: "cc-heading", tabindex: "-1" }, "New command");
    const list = h("div", { id: "cc-list" });
    const save = h("button", { type: "submit", class: "primary", disabled }, "Save command");
    const cancel = h("button", { type: "button", hidden: true }, "New command instead");
    const form = h("form", { class: "card", id: "cc-form", "aria-labelledby": "cc-heading" }, heading,
      field("Name", name, "Lower-case letters, digits, - and _ (Discord's rule for command names)."),
      field("Description", description, "Shown in Discord's command picker."),
      field("Response template", template, "{{ user.name }}, {{ args.member.mention }}, {{ random(1, 6) }}… rendered in a sandbox with a budget."),
      h("details", {}, h("summary", {}, "Options, privacy, cooldown"),
        optionsSlot,
        h("div", { class: "field inline" }, ephemeral, h("label", { for: ephemeral.id }, "Only the person who runs it sees the answer")),
        field("Cooldown (seconds)", cooldown)),
      h("h4", {}, "Preview"), out,
      h("div", { class: "actions" }, save, cancel), status);

    let timer = null;
    let seq = 0;
    const runPreview = () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const mine = ++seq;
        if (!template.value) { out.classList.remove("error"); out.textContent = "The preview shows here as you type."; return; }
        try {
          const answer = await post("api/custom/preview", { template: template.value, options: optionsBody(optionRows.filter((r) => r.name && r.description)) }, { guild_id: ctx.guildId });
          if (mine !== seq) return;
          out.classList.remove("error");
          out.textContent = answer.rendered ?? "";
        } catch (err) {
          if (mine !== seq) return;
          out.classList.add("error");
          out.textContent = err.message;
        }
      }, 250);
    };
    template.addEventListener("input", runPreview);
    const drawOptions = () => replace(optionsSlot, optionsEditor(optionRows, ctx, runPreview));
    drawOptions();

    function edit(command) {
      editing = command ? command.name : null;
      heading.textContent = command ? `Edit /${command.name}` : "New command";
      name.value = command ? command.name : "";
      name.disabled = disabled || Boolean(command); // a command's name is its Discord identity: remove and re-add to rename
      description.value = (command && command.description) || "";
      template.value = (command && command.template) || "";
      optionRows.splice(0, optionRows.length, ...((command && command.options) || []).map((o) => ({ ...o })));
      drawOptions();
      ephemeral.checked = Boolean(command && command.ephemeral);
      cooldown.value = String((command && command.cooldown_seconds) || 0);
      cancel.hidden = !command;
      status.textContent = "";
      runPreview();
    }
    cancel.addEventListener("click", () => edit(null));

    const drawList = () => replace(list, commands.length ? h("div", { class: "table-wrap" }, h("table", { class: "responsive", id: "cc-table" },
      h("thead", {}, h("tr", {}, ["Command", "Description", "On Discord", "", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, commands.map((c) => {
        const remove = h("button", { type: "button", class: "danger", disabled, "aria-label": `Remove /${c.name}` }, "Remove");
        remove.addEventListener("click", async () => {
          if (remove.dataset.armed !== "yes") { remove.dataset.armed = "yes"; remove.textContent = `Really remove /${c.name}?`; return; }
          try {
            await request(`api/custom/${encodeURIComponent(c.name)}`, { method: "DELETE", query: { guild_id: ctx.guildId } });
            commands.splice(commands.indexOf(c), 1);
            if (editing === c.name) edit(null);
            drawList();
            status.className = "notice ok";
            status.textContent = `Removed /${c.name}.`;
          } catch (err) {
            status.className = "notice error";
            status.textContent = err.message;
          }
        });
        return h("tr", {},
          h("td", { "data-label": "Command" }, h("code", {}, `/${c.name}`)),
          h("td", { "data-label": "Description" }, c.description || ""),
          h("td", { "data-label": "On Discord" }, c.registered ? "registered" : (c.state || "pending")),
          h("td", {}, h("button", { type: "button", "aria-label": `Edit /${c.name}`, onclick: () => { edit(c); heading.focus(); } }, "Edit")),
          h("td", {}, remove));
      }))))
      : h("p", { class: "empty" }, "No custom command yet. Write one below."));

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { description: description.value || null, template: template.value, options: optionsBody(optionRows),
        ephemeral: ephemeral.checked, cooldown_seconds: Number(cooldown.value) || 0 };
      status.className = "";
      status.textContent = "Saving and registering on Discord…";
      try {
        const answer = editing
          ? await post(`api/custom/${encodeURIComponent(editing)}`, body, { guild_id: ctx.guildId })
          : await post("api/custom", { name: name.value.trim(), ...body }, { guild_id: ctx.guildId });
        const saved = answer.command;
        const i = commands.findIndex((c) => c.name === saved.name);
        if (i >= 0) commands[i] = saved; else commands.push(saved);
        drawList();
        edit(saved);
        status.className = "notice ok";
        status.textContent = `Saved /${saved.name}.`;
      } catch (err) {
        status.className = "notice error";
        status.textContent = err.message;
      }
    });
    drawList();
    replace(panel, h("h2", {}, "Custom commands"), h("div", { class: "card" }, list), form);
  },
};
