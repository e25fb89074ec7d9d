// Access: which roles may read, or read and change, this server's dashboard (managers always can).
import { get, post } from "../api.js";
import { field, formatDate, h, replace } from "../dom.js";

export default {
  async render(panel, ctx) {
    const data = await get("api/access", { guild_id: ctx.guildId });
    const roles = data.roles || []; // null when Discord didn't list them: a role id field instead of a picker
    const roleName = (id) => (roles.find((r) => String(r.id) === String(id)) || {}).name;
    const shown = (list) => (list || []).map((g) => ({ role_id: String(g.role_id), level: g.level, name: roleName(g.role_id),
      granted: g.granted_at ? `${formatDate(g.granted_at)}${g.granted_by ? ` by ${g.granted_by}` : ""}` : "not saved yet" }));
    const grants = shown(data.grants);
    const disabled = !ctx.canWrite;
    const body = h("tbody");
    const status = h("p", { role: "status" });
    const draw = () => replace(body, grants.length ? grants.map((g, i) => h("tr", {},
      h("td", { "data-label": "Role" }, g.name ? `${g.name} (${g.role_id})` : g.role_id),
      h("td", { "data-label": "Access" }, h("select", { "aria-label": `Access for ${g.name || g.role_id}`, disabled,
        onchange: (e) => { g.level = e.target.value; } },
        h("option", { value: "read", selected: g.level === "read" }, "read only"),
        h("option", { value: "write", selected: g.level === "write" }, "read and write"))),
      h("td", { "data-label": "Granted", class: "muted" }, g.granted),
      h("td", {}, h("button", { type: "button", class: "danger", disabled, onclick: () => { grants.splice(i, 1); draw(); } }, "Remove"))))
      : h("tr", {}, h("td", { colspan: "4", class: "empty" }, "Only members with Manage Server can open this dashboard.")));
    const role = roles.length
      ? h("select", { id: "access-role", disabled }, roles.map((r) => h("option", { value: r.id }, r.name)))
      : h("input", { type: "text", id: "access-role", inputmode: "numeric", placeholder: "role id", disabled });
    const level = h("select", { id: "access-level", disabled }, h("option", { value: "read" }, "read only"), h("option", { value: "write" }, "read and write"));
    const add = h("button", { type: "button", disabled, onclick: () => {
      const id = role.value.trim();
      if (!/^\d{1,20}$/.test(id)) { status.textContent = "Pick a role (a role id is a number)."; return; }
      const existing = grants.find((g) => g.role_id === id);
      if (existing) existing.level = level.value;
      else grants.push({ role_id: id, level: level.value, name: roleName(id), granted: "not saved yet" });
      draw();
    } }, "Add role");
    const save = h("button", { type: "button", class: "primary", disabled, onclick: async () => {
      status.textContent = "Saving…";
      try {
        const answer = await post("api/access", { grants: grants.map(({ role_id, level }) => ({ role_id, level })) }, { guild_id: ctx.guildId });
        grants.splice(0, grants.length, ...shown(answer.grants));
        draw();
        status.textContent = "Saved. Members with these roles see this server in their dashboard within a minute.";
      } catch (err) {
        status.textContent = err.message;
      }
    } }, "Save access");
    draw();
    replace(panel, h("h2", {}, "Dashboard access"),
      h("p", { class: "muted" }, "Members with Manage Server or Administrator always have full access. Give other roles read-only or read-and-write access here."),
      h("div", { class: "card" }, h("div", { class: "table-wrap" }, h("table", { class: "responsive", id: "access-table" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Role"), h("th", { scope: "col" }, "Access"), h("th", { scope: "col" }, "Granted"), h("th", {}, h("span", { class: "visually-hidden" }, "Actions")))), body)),
        h("div", { class: "row" }, field("Role", role), field("Access", level), h("div", { class: "actions" }, add)),
        h("div", { class: "actions" }, save), status));
  },
};
