// Custom commands: the list, and an editor whose response template renders as a preview while you type.
import { get, post } from "../api.js";
import { field, h, replace } from "../dom.js";

function preview(ctx, template, out) {
  let timer = null;
  let seq = 0;
  const run = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++seq;
      try {
        const answer = await post("api/custom/preview", { response: template.value }, { guild_id: ctx.guildId });
        if (mine !== seq) return;
        out.classList.remove("error");
        out.textContent = answer.rendered ?? answer.text ?? "";
      } catch (err) {
        if (mine !== seq) return;
        out.classList.add("error");
        out.textContent = err.message;
      }
    }, 250);
  };
  template.addEventListener("input", run);
  if (template.value) run();
}

export default {
  id: "custom",
  title: "Custom commands",
  async render(panel, ctx) {
    const data = await get("api/custom", { guild_id: ctx.guildId });
    const commands = data.commands || [];
    const disabled = !ctx.canWrite;
    const name = h("input", { type: "text", id: "cc-name", maxlength: "32", pattern: "[-_a-z0-9]{1,32}", autocomplete: "off", disabled });
    const description = h("input", { type: "text", id: "cc-description", maxlength: "100", disabled });
    const response = h("textarea", { id: "cc-response", rows: 5, maxlength: "2000", disabled });
    const out = h("div", { class: "preview", id: "cc-preview", role: "status", "aria-live": "polite" });
    const status = h("p", { role: "status" });
    const list = h("div", { id: "cc-list" });
    const editing = { name: null };
    const form = h("form", { class: "card", id: "cc-form", "aria-label": "Custom command editor" },
      h("h3", {}, "Add or edit a command"),
      field("Name", name, "Lower-case letters, digits, - and _ (as Discord requires)."),
      field("Description", description),
      field("Response template", response, "Jinja-style: {{ user.name }}, {{ args.x }}; rendered in a sandbox with a budget."),
      h("h4", {}, "Preview"), out,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", disabled }, "Save command")), status);
    preview(ctx, response, out);
    const drawList = () => replace(list, commands.length ? h("div", { class: "table-wrap" }, h("table", { class: "responsive", id: "cc-table" },
      h("thead", {}, h("tr", {}, ["Command", "Description", "Uses", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, commands.map((c) => h("tr", {},
        h("td", { "data-label": "Command" }, h("code", {}, `/${c.name}`)),
        h("td", { "data-label": "Description" }, c.description || ""),
        h("td", { "data-label": "Uses" }, String(c.uses ?? "—")),
        h("td", {}, h("button", { type: "button", onclick: () => {
          editing.name = c.name;
          name.value = c.name; description.value = c.description || ""; response.value = c.response || "";
          response.dispatchEvent(new Event("input"));
          name.focus();
        } }, "Edit")))))))
      : h("p", { class: "empty" }, "No custom command yet."));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      status.textContent = "Saving…";
      try {
        const body = { name: name.value.trim(), description: description.value, response: response.value };
        const answer = await post("api/custom", body, { guild_id: ctx.guildId });
        const saved = answer.command || body;
        const i = commands.findIndex((c) => c.name === saved.name);
        if (i >= 0) commands[i] = saved; else commands.push(saved);
        drawList();
        status.textContent = `Saved /${saved.name}.`;
      } catch (err) {
        status.textContent = err.message;
      }
    });
    drawList();
    replace(panel, h("h2", {}, "Custom commands"), h("div", { class: "card" }, list), form);
  },
};
