// GET /api/settings, as a list of sections {name, title, values, kinds}, whatever order the server declares.
import { get } from "./api.js";

export async function loadSettings(guildId) {
  const data = await get("api/settings", { guild_id: guildId });
  // {sections: {name: {title, values, kinds}}}, in the order the features declare them
  return Object.entries(data.sections || {}).map(([name, s]) => ({
    name, title: s.title || name, values: s.values || {}, kinds: s.kinds || {},
  }));
}

export async function loadSection(guildId, name) {
  const sections = await loadSettings(guildId);
  return sections.find((s) => s.name === name) || null;
}
