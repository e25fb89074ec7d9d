// The sandbox page: who you are, the channels, the command form, modals; the channel view refreshes every
// second so deferred answers fill in and scans show their effect.
import { buildOptions, leafPaths, readValues } from "./form.js";
import { openModal, submitModal } from "./modal.js";
import { el, renderMessage } from "./render.js";

const $ = (id) => document.getElementById(id);
const ANSWERS = { 4: "answered", 5: "deferred: the answer fills in when the work is done", 6: "acknowledged; the message changes when the work is done", 7: "the message was updated" };
const state = { world: null, channel: null, who: null, leaves: [], modal: null, busy: false };

async function api(path, body) {
  const response = await fetch("/sandbox/api/" + path, body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  let data = {};
  try { data = await response.json(); } catch (e) { data = { error: "the server did not answer with JSON" }; }
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function status(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "hint";
}

const entities = (type, channelTypes) => {
  const w = state.world;
  if (type === 6) return w.members.map((m) => ({ label: m.name + " (" + m.username + ")", value: m.id }))
    .concat(w.bans.map((b) => ({ label: b.name + " (banned)", value: b.id })));
  if (type === 8) return w.roles.filter((r) => r.id !== w.guild.id).map((r) => ({ label: "@" + r.name, value: r.id }));
  if (type === 7) return w.channels.filter((c) => !channelTypes || channelTypes.includes(c.type))
    .map((c) => ({ label: (c.type === 4 ? "▸ " : "#") + c.name, value: c.id }));
  return entities(6).concat(entities(8));
};

const actions = {
  entitiesFor: (componentType) => ({ 5: entities(6), 6: entities(8), 7: entities(9), 8: entities(7) }[componentType] || []),
  click: async (message, customId, values) => {
    try {
      const result = await api("components", { as: state.who, key: message.key, custom_id: customId, values });
      answered(result, message.key);
    } catch (error) { status(error.message, true); }
  },
};

function answered(result, key) {
  if (result.error) status(result.error + (result.detail ? ": " + result.detail : ""), true);
  else if (result.type === 9) openModal(state, result.modal, key);
  else status(ANSWERS[result.type] || "answered", false);
  loadWorld().then(refresh);  // /cc add registers a guild command; moderation changes members and bans
}

async function loadWorld() {
  state.world = await api("world" + (state.who ? "?as=" + state.who : ""));
  $("guild-name").textContent = state.world.guild.name;
  renderWho();
  renderChannels();
  renderMembers();
  renderCommands();
}

function renderWho() {
  const who = $("who");
  if (!state.who) state.who = state.world.defaults.user_id;
  who.replaceChildren(...state.world.members.filter((m) => !m.bot).map((m) => {
    const option = el("option", null, m.name + (m.top_role ? " — " + m.top_role : ""));
    option.value = m.id;
    return option;
  }));
  who.value = state.who;
}

function renderChannels() {
  const nav = $("channels");
  if (!state.channel) state.channel = state.world.defaults.channel_id;
  const byParent = (parent) => state.world.channels.filter((c) => c.type !== 4 && c.parent_id === parent);
  const groups = [[null, byParent(null)]].concat(state.world.channels.filter((c) => c.type === 4).map((c) => [c, byParent(c.id)]));
  nav.replaceChildren();
  for (const [category, channels] of groups) {
    if (!channels.length) continue;
    if (category) nav.append(el("div", "category", category.name.toUpperCase()));
    for (const channel of channels) {
      const button = el("button", "channel" + (channel.id === state.channel ? " active" : ""), "# " + channel.name);
      button.type = "button";
      button.dataset.channel = channel.id;
      if (!channel.visible) { button.classList.add("hidden-channel"); button.title = "you can't see this channel"; }
      button.addEventListener("click", () => { state.channel = channel.id; renderChannels(); refresh(); });
      nav.append(button);
    }
  }
  const current = state.world.channels.find((c) => c.id === state.channel) || {};
  $("channel-name").textContent = "# " + (current.name || "");
  $("channel-topic").textContent = current.topic || "";
  $("message-text").placeholder = "Message #" + (current.name || "");
}

function renderMembers() {
  $("members").replaceChildren(...state.world.members.map((m) => {
    const item = el("li", null, m.name);
    if (m.color) item.style.color = "#" + m.color.toString(16).padStart(6, "0");
    if (m.bot) item.append(el("span", "badge", "APP"));
    if (m.owner) item.append(el("span", "hint", " (owner)"));
    if (m.timed_out_until && new Date(m.timed_out_until) > new Date()) item.append(el("span", "hint", " (timed out)"));
    return item;
  }));
}

function renderCommands() {
  const w = state.world;  // the form's lists come from the commands, members and bans: rebuild when they change
  const signature = JSON.stringify([w.commands.map((c) => [c.name, c.version]), w.members.map((m) => m.id), w.bans.map((b) => b.id)]);
  if (signature === state.commandSignature) return;  // keep what the user typed in the form
  state.commandSignature = signature;
  const select = $("command");
  const chosen = select.value;
  select.replaceChildren(...state.world.commands.map((c) => { const o = el("option", null, "/" + c.name); o.value = c.name; return o; }));
  if (chosen && state.world.commands.some((c) => c.name === chosen)) select.value = chosen;
  commandChanged(false);
}

function currentCommand() {
  return state.world.commands.find((c) => c.name === $("command").value);
}

function commandChanged(resetSub = true) {
  const command = currentCommand();
  if (!command) return;
  state.leaves = leafPaths(command);
  const sub = $("subcommand");
  const keep = resetSub ? "" : sub.value;
  $("subcommand-label").hidden = state.leaves.length === 1 && state.leaves[0][0].length === 0;
  sub.replaceChildren(...state.leaves.map(([path], i) => { const o = el("option", null, path.join(" ")); o.value = String(i); return o; }));
  if (keep && Number(keep) < state.leaves.length) sub.value = keep;
  subcommandChanged();
}

function subcommandChanged() {
  const leaf = state.leaves[Number($("subcommand").value) || 0];
  $("command-description").textContent = leaf[1].description || "";
  buildOptions($("options"), leaf[1], { entities, autocomplete });
}

function commandBody(values, focused) {
  const leaf = state.leaves[Number($("subcommand").value) || 0];
  return { as: state.who, channel_id: state.channel, name: $("command").value, path: leaf[0], options: values, focused };
}

async function autocomplete(focused) {
  try {
    const result = await api("commands", commandBody(await readValues($("options"), focused), focused));
    return result.choices || [];
  } catch (error) { status(error.message, true); return []; }
}

async function sendCommand(event) {
  event.preventDefault();
  status("sending…", false);
  try {
    answered(await api("commands", commandBody(await readValues($("options")))), null);
  } catch (error) { status(error.message, true); }
}

async function refresh() {
  if (state.busy || !state.channel) return;
  state.busy = true;
  try {
    const { messages, hidden } = await api(`channels/${state.channel}/messages?as=${state.who}`);
    const list = $("messages");
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 30;
    if (hidden) list.replaceChildren(el("li", "hint", "You can't see this channel: its permissions hide it from your roles. Pick a moderator to look in."));
    else list.replaceChildren(...messages.map((m) => renderMessage(m, state.world, actions)));
    if (atBottom) list.scrollTop = list.scrollHeight;
  } catch (error) { status(error.message, true); } finally { state.busy = false; }
}

async function say(event) {
  event.preventDefault();
  const content = $("message-text").value;
  if (!content.trim()) return;
  try {
    await api("messages", { as: state.who, channel_id: state.channel, content });
    $("message-text").value = "";
    refresh();
  } catch (error) { $("job-result").textContent = error.message; }
}

async function runJob(name) {
  $("job-result").textContent = "running " + name + "…";
  try {
    $("job-result").textContent = (await api("jobs/" + name, {})).summary;
    await loadWorld();
    refresh();
  } catch (error) { $("job-result").textContent = error.message; }
}

document.addEventListener("DOMContentLoaded", async () => {
  $("who").addEventListener("change", () => { state.who = $("who").value; loadWorld().then(refresh); });
  $("command").addEventListener("change", () => commandChanged(true));
  $("subcommand").addEventListener("change", subcommandChanged);
  $("command-form").addEventListener("submit", sendCommand);
  $("composer").addEventListener("submit", say);
  $("message-text").addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) say(e); });
  $("run-scan").addEventListener("click", () => runJob("scan"));
  $("run-expire").addEventListener("click", () => runJob("expire"));
  $("reset").addEventListener("click", async () => {
    if (!window.confirm("Put the server back as it started? (members, messages and bans; the database keeps cases, XP and settings)")) return;
    await api("reset", {});
    state.channel = null;
    await loadWorld();
    refresh();
  });
  $("modal-form").addEventListener("submit", (event) => submitModal(event, state, api, answered, status));
  $("modal-cancel").addEventListener("click", () => $("modal").close());
  await loadWorld();
  await refresh();
  document.body.dataset.ready = "true";
  setInterval(refresh, 1000);
});
