// A list setting edited as rows (level roles, escalation steps): one control per column, add, remove, save.
import { h, replace } from "./dom.js";

// columns: [{key, name, heading, kind: "int" | "text" | "bool" | "select", min, max, maxlength,
//            choices: [{value, label}] | null, cast (a select's value from its text)}]
function control(column, row, label, disabled, changed) {
  const value = row[column.key];
  const set = (v) => { row[column.key] = v; changed(); };
  if (column.kind === "bool") {
    return h("input", { type: "checkbox", checked: Boolean(value), "aria-label": label, disabled, onchange: (e) => set(e.target.checked) });
  }
  if (column.kind === "select" && column.choices) {
    const known = column.choices.some((c) => String(c.value) === String(value ?? ""));
    return h("select", { "aria-label": label, disabled, onchange: (e) => set(column.cast ? column.cast(e.target.value) : e.target.value) },
      h("option", { value: "" }, `(pick ${column.name.toLowerCase()})`),
      column.choices.map((c) => h("option", { value: c.value, selected: String(c.value) === String(value ?? "") }, c.label)),
      value && !known ? h("option", { value, selected: true }, `${value} (not found)`) : null);
  }
  if (column.kind === "int") {
    return h("input", { type: "number", step: "1", min: column.min, max: column.max, value: value ?? "", "aria-label": label, disabled,
      oninput: (e) => set(e.target.value === "" ? null : Number(e.target.value)) });
  }
  return h("input", { type: "text", value: value ?? "", "aria-label": label, placeholder: column.placeholder, maxlength: column.maxlength,
    disabled, oninput: (e) => set(e.target.value.trim()) });
}

// Without `save` the editor has no button of its own: the caller reads `rows` (edited in place) and hears
// of every change through onChange.
export function rowsEditor({ id, title, noun, columns, rows: initial, empty, addLabel, saveLabel, check, save, ctx, note,
  onChange = () => {}, inPlace = false, max = 100 }) {
  const rows = inPlace ? initial : (initial || []).map((r) => ({ ...r }));
  const disabled = !ctx.canWrite;
  const body = h("tbody");
  const status = h("div", { role: "status", "aria-live": "polite" });
  const draw = () => replace(body, rows.length ? rows.map((row, i) => h("tr", {},
    columns.map((column) => h("td", { "data-label": column.heading }, control(column, row, `${column.name} for ${noun} ${i + 1}`, disabled, onChange))),
    h("td", {}, h("button", { type: "button", class: "danger", disabled, "aria-label": `Remove ${noun} ${i + 1}`,
      onclick: () => { rows.splice(i, 1); draw(); onChange(); } }, "Remove"))))
    : h("tr", {}, h("td", { colspan: String(columns.length + 1), class: "empty" }, empty)));
  draw();
  const fresh = () => Object.fromEntries(columns.map((c) => [c.key, c.fresh !== undefined ? c.fresh : c.kind === "int" ? null : ""]));
  const add = h("button", { type: "button", disabled, onclick: () => {
    if (rows.length >= max) { status.className = "notice error"; status.textContent = `At most ${max}.`; return; }
    rows.push(fresh()); draw(); onChange();
  } }, addLabel);
  const saveButton = save && h("button", { type: "button", class: "primary", disabled, onclick: async () => {
    const problem = check(rows);
    if (problem) { status.className = "notice error"; status.textContent = problem; return; }
    status.className = "";
    status.textContent = "Saving…";
    try {
      const said = await save(rows);
      status.className = "notice ok";
      status.textContent = said || "Saved.";
    } catch (err) {
      status.className = "notice error";
      status.textContent = err.message;
    }
  } }, saveLabel);
  return h("div", { class: "card", id }, h("h3", {}, title), note ? h("p", { class: "muted" }, note) : null,
    h("div", { class: "table-wrap" }, h("table", { class: "responsive" },
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c.heading)), h("th", {}, h("span", { class: "visually-hidden" }, "Actions")))),
      body)),
    h("div", { class: "actions" }, add, saveButton), status);
}
