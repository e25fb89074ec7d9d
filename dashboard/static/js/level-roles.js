// Level roles as MEE6 and Carl-bot show them: a row per reward (at level N, give role R), saved as the xp
// section's level_roles through the same settings route /config levelrole changes.
import { post } from "./api.js";
import { h, replace } from "./dom.js";

export function levelRolesEditor(rewards, roles, ctx) {
  const rows = (rewards || []).map((r) => ({ level: r.level, role_id: String(r.role_id) }));
  const disabled = !ctx.canWrite;
  const body = h("tbody");
  const status = h("div", { role: "status", "aria-live": "polite" });
  const roleControl = (row, i) => (roles
    ? h("select", { "aria-label": `Role for reward ${i + 1}`, disabled, onchange: (e) => { row.role_id = e.target.value; } },
      h("option", { value: "" }, "(pick a role)"),
      roles.map((r) => h("option", { value: r.id, selected: String(r.id) === row.role_id }, `@${r.name}`)),
      row.role_id && !roles.some((r) => String(r.id) === row.role_id) ? h("option", { value: row.role_id, selected: true }, `${row.role_id} (not found)`) : null)
    : h("input", { type: "text", inputmode: "numeric", value: row.role_id, "aria-label": `Role id for reward ${i + 1}`, disabled,
      oninput: (e) => { row.role_id = e.target.value.trim(); } }));
  const draw = () => replace(body, rows.length ? rows.map((row, i) => h("tr", {},
    h("td", { "data-label": "Level" }, h("input", { type: "number", min: "1", max: "1000", step: "1", value: row.level ?? "", disabled,
      "aria-label": `Level for reward ${i + 1}`, oninput: (e) => { row.level = e.target.value === "" ? null : Number(e.target.value); } })),
    h("td", { "data-label": "Role" }, roleControl(row, i)),
    h("td", {}, h("button", { type: "button", class: "danger", disabled, onclick: () => { rows.splice(i, 1); draw(); } }, "Remove"))))
    : h("tr", {}, h("td", { colspan: "3", class: "empty" }, "No level role yet.")));
  draw();
  const add = h("button", { type: "button", disabled, onclick: () => { rows.push({ level: null, role_id: "" }); draw(); } }, "Add a level role");
  const save = h("button", { type: "button", class: "primary", disabled, onclick: async () => {
    const bad = rows.find((r) => !Number.isInteger(r.level) || r.level < 1 || r.level > 1000 || !/^\d{1,20}$/.test(r.role_id));
    if (bad) { status.className = "notice error"; status.textContent = "Each row needs a level from 1 to 1000 and a role."; return; }
    status.className = "";
    status.textContent = "Saving…";
    try {
      await post("api/settings/xp", { level_roles: rows.map((r) => ({ level: r.level, role_id: r.role_id })) }, { guild_id: ctx.guildId });
      status.className = "notice ok";
      status.textContent = "Saved. Members get the role when they reach the level (the bot's role must be above it).";
    } catch (err) {
      status.className = "notice error";
      status.textContent = err.message;
    }
  } }, "Save level roles");
  return h("div", { class: "card", id: "level-roles" }, h("h3", {}, "Level roles"),
    h("div", { class: "table-wrap" }, h("table", { class: "responsive" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "At level"), h("th", { scope: "col" }, "Give role"), h("th", {}, h("span", { class: "visually-hidden" }, "Actions")))), body)),
    h("div", { class: "actions" }, add, save), status);
}
