// Telegram text plus entities -> DOM, with text nodes only: nothing is parsed as HTML.
// Offsets and lengths are UTF-16 code units, as JavaScript strings count them.
"use strict";

const SAFE_LINK = /^(https?:|tg:|mailto:)/i;

function commandLink(command, onCommand) {
  const link = document.createElement("a");
  link.href = "#";
  link.className = "command";
  link.addEventListener("click", (event) => {
    event.preventDefault();
    onCommand(command);
  });
  return link;
}

// A t.me link to this bot (the fake server's getMe username: no such bot in Telegram)
// stays on the page: {start: PARAMETER or null}, else null.
function botLink(href, botUsername) {
  const match = /^https:\/\/t\.me\/([A-Za-z0-9_]+)\/?(?:\?start=([A-Za-z0-9_-]{1,64}))?$/.exec(href);
  if (!match || match[1].toLowerCase() !== botUsername.toLowerCase()) return null;
  return { start: match[2] || null };
}

// A link to this bot opens its chat with /start PARAMETER (or /start), as Telegram would.
function deepLinkCommand(href, botUsername) {
  const link = botLink(href, botUsername);
  if (!link) return null;
  return link.start ? `/start ${link.start}` : "/start";
}

function entityElement(entity, text, onCommand, botUsername) {
  const slice = text.slice(entity.offset, entity.offset + entity.length);
  switch (entity.type) {
    case "bold": return document.createElement("b");
    case "italic": return document.createElement("i");
    case "underline": return document.createElement("u");
    case "strikethrough": return document.createElement("s");
    case "code": return document.createElement("code");
    case "pre": return document.createElement("pre");
    case "blockquote":
    case "expandable_blockquote": return document.createElement("blockquote");
    case "spoiler": {
      const span = document.createElement("span");
      span.className = "spoiler";
      span.addEventListener("click", () => span.classList.add("revealed"));
      return span;
    }
    case "text_link":
    case "url": {
      const href = entity.type === "url" ? slice : String(entity.url || "");
      const command = deepLinkCommand(href, botUsername);
      if (command) return commandLink(command, onCommand);
      if (!SAFE_LINK.test(href)) return document.createElement("span");
      const link = document.createElement("a");
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      return link;
    }
    case "bot_command": return commandLink(slice, onCommand);
    default: {
      const span = document.createElement("span");
      span.className = "entity-" + String(entity.type).replace(/[^a-z_]/g, "");
      return span;
    }
  }
}

function appendEntities(parent, text, entities, from, to, onCommand, botUsername) {
  let position = from;
  let index = 0;
  while (index < entities.length) {
    const entity = entities[index];
    const start = Math.max(entity.offset, position);
    const end = Math.min(entity.offset + entity.length, to);
    const inner = [];
    let next = index + 1;
    while (next < entities.length && entities[next].offset < end) {
      const child = entities[next];
      const childEnd = Math.min(child.offset + child.length, end);
      inner.push({ ...child, length: childEnd - child.offset });
      next += 1;
    }
    if (start > position) parent.append(document.createTextNode(text.slice(position, start)));
    if (end > start) {
      const element = entityElement(entity, text, onCommand, botUsername);
      appendEntities(element, text, inner, start, end, onCommand, botUsername);
      parent.append(element);
      position = end;
    }
    index = next;
  }
  if (position < to) parent.append(document.createTextNode(text.slice(position, to)));
}

// A container element holding the formatted text.
function renderFormatted(text, entities, onCommand, botUsername) {
  const container = document.createElement("div");
  container.className = "text";
  const sorted = [...(entities || [])]
    .filter((e) => Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  appendEntities(container, text, sorted, 0, text.length, onCommand, botUsername);
  return container;
}

window.renderFormatted = renderFormatted;
window.botLink = botLink;
