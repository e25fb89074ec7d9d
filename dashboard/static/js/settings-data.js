// GET /api/settings, as a list of sections {name, title, values, kinds}, whatever order the server declares.
import { get } from "./api.js";

export async function loadSettings(guildId) {
  const data = await get("api/settings", { guild_id: guildId });
  const meta = data.sections || {};
  if (Array.isArray(meta)) return meta.map((s) => ({ name: s.name, title: s.title || s.name, values: s.values || {}, kinds: s.kinds || {} }));
  const values = data.settings || {};
  return Object.keys(values).map((name) => ({
    name, title: (meta[name] && meta[name].title) || name, values: values[name] || {}, kinds: (meta[name] && meta[name].kinds) || {},
  }));
}

export async function loadSection(guildId, name) {
  const sections = await loadSettings(guildId);
  return sections.find((s) => s.name === name) || null;
}
