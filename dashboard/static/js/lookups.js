// The guild's channels and roles for pickers, fetched once per server view; null when Discord can't say
// (the forms fall back to an id field).
import { get } from "./api.js";

const cache = new Map();

export function lookups(guildId) {
  if (!cache.has(guildId)) {
    const load = (path, key) => get(path, { guild_id: guildId }).then((d) => d[key] || []).catch(() => null);
    cache.set(guildId, Promise.all([load("api/channels", "channels"), load("api/roles", "roles")])
      .then(([channels, roles]) => ({ channels, roles })));
    setTimeout(() => cache.delete(guildId), 60000); // Discord's view is cached 60 s on the server too
  }
  return cache.get(guildId);
}
