// Messages as Discord shows them: content (mentions, **bold**, `code`), embeds, attachments, components.
// Everything is built with DOM nodes and textContent: no user text ever becomes HTML.

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

const MENTION = /<(@!?|#|@&)(\d+)>|\*\*([^*]+)\*\*|`([^`]+)`|<t:(-?\d{1,12})(?::([tTdDfFR]))?>/g;

export function richText(text, world) {
  const out = document.createDocumentFragment();
  let last = 0;
  for (const match of String(text || "").matchAll(MENTION)) {
    out.append(document.createTextNode(text.slice(last, match.index)));
    if (match[3] !== undefined) out.append(el("strong", null, match[3]));
    else if (match[4] !== undefined) out.append(el("code", null, match[4]));
    else if (match[5] !== undefined) out.append(el("time", "timestamp", timestamp(Number(match[5]), match[6] || "f")));
    else out.append(el("span", "mention", mentionName(match[1], match[2], world)));
    last = match.index + match[0].length;
  }
  out.append(document.createTextNode(String(text || "").slice(last)));
  return out;
}

function timestamp(seconds, style) {
  const moment = new Date(seconds * 1000);
  if (style === "R") {
    const minutes = Math.round((moment - Date.now()) / 60000);
    const [n, unit] = Math.abs(minutes) >= 1440 ? [Math.round(minutes / 1440), "day"] : Math.abs(minutes) >= 60 ? [Math.round(minutes / 60), "hour"] : [minutes, "minute"];
    return new Intl.RelativeTimeFormat("en", { numeric: "auto" }).format(n, unit);
  }
  if (style === "d" || style === "D") return moment.toLocaleDateString();
  if (style === "t" || style === "T") return moment.toLocaleTimeString();
  return moment.toLocaleString();
}

function mentionName(kind, id, world) {
  if (kind === "#") return "#" + ((world.channels.find((c) => c.id === id) || {}).name || "unknown-channel");
  if (kind === "@&") return "@" + ((world.roles.find((r) => r.id === id) || {}).name || "unknown-role");
  return "@" + ((world.members.find((m) => m.id === id) || {}).name || "unknown-user");
}

function safeUrl(url) {
  return /^(https?:\/\/|\/sandbox\/cdn\/)/.test(url || "") ? url : null;
}

function imageFor(url, attachments) {
  if (url && url.startsWith("attachment://")) {
    const found = attachments.find((a) => a.filename === url.slice(13));
    return found ? found.url : null;
  }
  return safeUrl(url);
}

function renderEmbed(embed, message, world) {
  const box = el("div", "embed");
  if (embed.color) box.style.borderLeftColor = "#" + Number(embed.color).toString(16).padStart(6, "0");
  if (embed.author && embed.author.name) box.append(el("div", "embed-author", embed.author.name));
  if (embed.title) box.append(el("div", "embed-title", embed.title));
  if (embed.description) {
    const description = el("div", "embed-description");
    description.append(richText(embed.description, world));
    box.append(description);
  }
  if (embed.fields && embed.fields.length) {
    const fields = el("div", "embed-fields");
    for (const field of embed.fields) {
      const item = el("div", field.inline ? "embed-field inline" : "embed-field");
      item.append(el("div", "embed-field-name", field.name));
      const value = el("div", "embed-field-value");
      value.append(richText(field.value, world));
      item.append(value);
      fields.append(item);
    }
    box.append(fields);
  }
  const image = embed.image && imageFor(embed.image.url, message.attachments);
  if (image) {
    const img = el("img", "embed-image");
    img.src = image;
    img.alt = embed.title || "embed image";
    box.append(img);
  }
  if (embed.footer && embed.footer.text) box.append(el("div", "embed-footer", embed.footer.text));
  return box;
}

function renderAttachment(attachment, usedByEmbeds) {
  const image = /^image\//.test(attachment.content_type || "") || /\.(png|jpe?g|gif|webp)$/i.test(attachment.filename);
  if (image && usedByEmbeds.has(attachment.filename)) return null;
  if (image) {
    const img = el("img", "attachment");
    img.src = attachment.url;
    img.alt = attachment.description || attachment.filename;
    img.title = attachment.filename;
    return img;
  }
  const link = el("a", "attachment-file", "File: " + attachment.filename);
  link.href = attachment.url;
  link.download = attachment.filename;
  return link;
}

const BUTTON_STYLES = { 1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link" };

function renderComponents(message, actions) {
  const box = el("div", "components");
  for (const row of message.components) {
    const line = el("div", "action-row");
    for (const part of row.components || []) {
      if (part.type === 2) {
        const button = el("button", "component " + (BUTTON_STYLES[part.style] || "secondary"),
          (part.emoji && part.emoji.name ? part.emoji.name + " " : "") + (part.label || ""));
        button.type = "button";
        button.disabled = !!part.disabled;
        if (part.style === 5) button.addEventListener("click", () => { const u = safeUrl(part.url); if (u) window.open(u, "_blank", "noopener"); });
        else button.addEventListener("click", () => actions.click(message, part.custom_id));
        line.append(button);
      } else if ([3, 5, 6, 7, 8].includes(part.type)) {
        line.append(renderSelect(message, part, actions));
      }
    }
    box.append(line);
  }
  return box;
}

function renderSelect(message, part, actions) {
  const select = el("select", "component select-menu");
  select.disabled = !!part.disabled;
  select.multiple = (part.max_values || 1) > 1;
  select.setAttribute("aria-label", part.placeholder || "select");
  if (!select.multiple) select.append(el("option", null, part.placeholder || "Make a selection"));
  const choices = part.type === 3 ? part.options || [] : actions.entitiesFor(part.type);
  for (const choice of choices) {
    const option = el("option", null, choice.label);
    option.value = choice.value;
    select.append(option);
  }
  select.addEventListener("change", () => {
    const values = [...select.selectedOptions].map((o) => o.value).filter((v) => v);
    if (values.length) actions.click(message, part.custom_id, values);
  });
  return select;
}

export function renderMessage(message, world, actions) {
  const item = el("li", "message" + (message.ephemeral ? " ephemeral" : ""));
  item.dataset.key = message.key;
  if (message.interaction) {
    const { user, action, label } = message.interaction;
    item.append(el("div", "used", `${user} ${action} ${label}`));
  }
  const head = el("div", "message-head");
  const member = world.members.find((m) => m.id === message.author.id);
  const name = el("span", "author", (member && member.name) || message.author.name || "unknown");
  if (member && member.color) name.style.color = "#" + member.color.toString(16).padStart(6, "0");
  head.append(name);
  if (message.author.bot) head.append(el("span", "badge", "APP"));
  head.append(el("time", "hint", new Date(message.timestamp).toLocaleTimeString()));
  item.append(head);
  if (message.loading) item.append(el("div", "loading", "StatusSync is thinking…"));
  if (message.content) {
    const content = el("div", "content");
    content.append(richText(message.content, world));
    if (message.edited && !message.interaction) content.append(el("span", "hint", " (edited)"));  // a deferred answer filling in is no edit
    item.append(content);
  }
  const usedByEmbeds = new Set();
  for (const embed of message.embeds) {
    if (embed.image && (embed.image.url || "").startsWith("attachment://")) usedByEmbeds.add(embed.image.url.slice(13));
    item.append(renderEmbed(embed, message, world));
  }
  for (const attachment of message.attachments) {
    const node = renderAttachment(attachment, usedByEmbeds);
    if (node) item.append(node);
  }
  if (message.components.length) item.append(renderComponents(message, actions));
  if (message.ephemeral) item.append(el("div", "ephemeral-note", "Only you can see this"));
  return item;
}
