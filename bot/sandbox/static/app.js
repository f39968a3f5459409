// The sandbox page: chats pushed over a WebSocket, actions sent back over it.
"use strict";

const ORDER = ["anna", "john", "olga", "staff"];
const STEPS = [1, 6, 24, 168];
const page = {
  lang: localStorage.getItem("sandbox-lang") || "ru",
  ui: {},
  state: null,
  current: localStorage.getItem("sandbox-chat") || "anna",
  replyTo: null,
  socket: null,
  rendered: new Map(), // message id -> {json, element} for the chat on screen
  renderedChat: null,
  seen: null, // chat key -> how many bot messages the visitor has had on screen
};

const $ = (id) => document.getElementById(id);

function t(key) {
  let node = page.ui;
  for (const part of key.split(".")) node = node && typeof node === "object" ? node[part] : undefined;
  return typeof node === "string" ? node : key;
}

async function loadTexts() {
  const response = await fetch(`/ui/${page.lang}.json`);
  const flat = await response.json();
  page.ui = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split(".");
    let node = page.ui;
    parts.slice(0, -1).forEach((part) => { node = node[part] = node[part] || {}; });
    node[parts[parts.length - 1]] = value;
  }
  document.documentElement.lang = page.lang;
  document.title = t("page_title");
  document.querySelectorAll("[data-ui]").forEach((el) => { el.textContent = t(el.dataset.ui); });
  document.querySelectorAll("[data-ui-title]").forEach((el) => {
    el.title = t(el.dataset.uiTitle);
    el.setAttribute("aria-label", el.title);
  });
  $("language").textContent = t("language");
  $("input").placeholder = t("placeholder");
  const forward = $("forward");
  forward.replaceChildren();
  for (const hours of STEPS) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = t(`forward_steps.${hours}`);
    button.title = t("forward");
    button.dataset.hours = String(hours);
    button.addEventListener("click", () => send({ op: "forward", hours }));
    forward.append(button);
  }
  if (page.state) renderAll();
}

function send(action) {
  if (page.socket && page.socket.readyState === WebSocket.OPEN) {
    page.socket.send(JSON.stringify(action));
  }
}

function connect() {
  const socket = new WebSocket(`ws://${location.host}/ws`);
  page.socket = socket;
  socket.addEventListener("open", () => { $("offline").hidden = true; });
  socket.addEventListener("message", (event) => {
    const data = JSON.parse(event.data);
    if (data.type === "state") {
      page.state = data;
      renderAll();
    } else if (data.type === "answer") {
      showAnswer(String(data.text), Boolean(data.alert));
    }
  });
  socket.addEventListener("close", () => {
    $("offline").hidden = false;
    setTimeout(connect, 1500);
  });
}

function initials(title) {
  return title.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]).join("").toUpperCase();
}

// Bot messages in a chat: what the visitor has not seen yet shows as a badge on the person.
function botMessages(chat) {
  return chat.messages.filter((m) => !m.outgoing && !m.deleted).length;
}

function markSeen() {
  const state = page.state;
  if (!page.seen) {
    // The page's first sight: what is already there counts as read.
    page.seen = {};
    for (const [key, chat] of Object.entries(state.chats)) page.seen[key] = botMessages(chat);
  }
  page.seen[page.current] = botMessages(state.chats[page.current]);
}

function renderPeople() {
  const nav = $("people");
  nav.replaceChildren();
  for (const key of ORDER) {
    const chat = page.state.chats[key];
    if (!chat) continue;
    const item = document.createElement("button");
    item.type = "button";
    item.className = "person" + (key === page.current ? " active" : "");
    item.dataset.chat = key;
    const avatar = document.createElement("div");
    avatar.className = `avatar avatar-${key}`;
    avatar.textContent = initials(chat.title);
    const label = document.createElement("div");
    label.className = "person-label";
    const name = document.createElement("div");
    name.className = "person-name";
    name.textContent = chat.title;
    const role = document.createElement("div");
    role.className = "person-role";
    role.textContent = t(`role.${key}`);
    label.append(name, role);
    item.append(avatar, label);
    const unread = botMessages(chat) - (page.seen[key] || 0);
    if (unread > 0 && key !== page.current) {
      const badge = document.createElement("span");
      badge.className = "unread";
      badge.textContent = String(unread);
      badge.title = t("unread");
      item.append(badge);
    }
    item.addEventListener("click", () => switchTo(key));
    nav.append(item);
  }
}

function switchTo(key) {
  page.current = key;
  page.replyTo = null;
  localStorage.setItem("sandbox-chat", key);
  renderAll();
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function messageElement(chat, message) {
  const row = document.createElement("div");
  row.className = "row " + (message.outgoing ? "out" : "in");
  row.dataset.id = String(message.id);
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  if (chat.group && message.outgoing && message.sender) {
    const sender = document.createElement("div");
    sender.className = "sender";
    sender.textContent = message.sender;
    bubble.append(sender);
  }
  if (message.reply_to) {
    const quoted = chat.messages.find((m) => m.id === message.reply_to);
    if (quoted) {
      const quote = document.createElement("div");
      quote.className = "quoted";
      quote.textContent = (quoted.text || quoted.document?.name || "").slice(0, 90);
      bubble.append(quote);
    }
  }
  if (message.photo) {
    const image = document.createElement("img");
    image.src = message.photo.url;
    image.alt = message.photo.name;
    image.className = "photo";
    bubble.append(image);
  }
  if (message.document) {
    const doc = document.createElement("a");
    doc.className = "document";
    doc.href = message.document.url;
    doc.download = message.document.name;
    const icon = document.createElement("span");
    icon.className = "document-icon";
    icon.textContent = (message.document.name.split(".").pop() || "").slice(0, 4).toUpperCase();
    const info = document.createElement("span");
    info.className = "document-info";
    const name = document.createElement("span");
    name.className = "document-name";
    name.textContent = message.document.name;
    const size = document.createElement("span");
    size.className = "document-size";
    size.textContent = formatSize(message.document.size);
    info.append(name, size);
    doc.append(icon, info);
    bubble.append(doc);
  }
  if (message.contact) {
    const contact = document.createElement("div");
    contact.className = "contact";
    contact.textContent = `📞 ${t("contact_shared")}: ${message.contact}`;
    bubble.append(contact);
  }
  if (message.text) {
    bubble.append(renderFormatted(message.text, message.entities, (command) => {
      send({ op: "send", chat: page.current, text: command });
    }, page.state.bot_username));
  }
  const meta = document.createElement("div");
  meta.className = "meta";
  const reply = document.createElement("button");
  reply.type = "button";
  reply.className = "reply-button";
  reply.textContent = "↩";
  reply.title = t("reply");
  reply.addEventListener("click", () => startReply(message));
  meta.append(reply);
  if (message.edited) {
    const edited = document.createElement("span");
    edited.textContent = t("edited") + " ";
    meta.append(edited);
  }
  meta.append(document.createTextNode(message.time));
  bubble.append(meta);
  row.append(bubble);
  if (message.buttons.length) {
    const keyboard = document.createElement("div");
    keyboard.className = "inline-keyboard";
    for (const buttons of message.buttons) {
      const line = document.createElement("div");
      line.className = "inline-row";
      for (const button of buttons) {
        const link = button.url ? botLink(button.url, page.state.bot_username) : null;
        const element = document.createElement(button.url && !link ? "a" : "button");
        element.className = "inline-button";
        element.textContent = button.text;
        if (link) {
          element.type = "button";
          element.title = t("bot_link");
          element.addEventListener("click", () => openBotChat(link.start));
        } else if (button.url) {
          if (/^(https?:|tg:)/i.test(button.url)) element.href = button.url;
          element.target = "_blank";
          element.rel = "noopener noreferrer";
        } else {
          element.type = "button";
          element.addEventListener("click", () => {
            send({ op: "press", chat: page.current, message_id: message.id, data: button.data });
          });
        }
        line.append(element);
      }
      keyboard.append(line);
    }
    row.append(keyboard);
  }
  return row;
}

// A URL button to this bot opens the private chat with it, as in Telegram: from the staff
// group, the chat of the organiser who writes there.
function openBotChat(start) {
  const key = page.current === "staff" ? "olga" : page.current;
  switchTo(key);
  if (start) send({ op: "send", chat: key, text: `/start ${start}` });
}

function startReply(message) {
  page.replyTo = message.id;
  $("replying-text").textContent = (message.text || message.document?.name || "").slice(0, 60);
  $("replying").hidden = false;
  $("input").focus();
}

function cancelReply() {
  page.replyTo = null;
  $("replying").hidden = true;
}

function renderMessages(chat) {
  const box = $("messages");
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  if (page.renderedChat !== page.current) {
    box.replaceChildren();
    page.rendered = new Map();
    page.renderedChat = page.current;
  }
  const visible = chat.messages.filter((m) => !m.deleted);
  const keep = new Set(visible.map((m) => m.id));
  for (const [id, entry] of page.rendered) {
    if (!keep.has(id)) {
      entry.element.remove();
      page.rendered.delete(id);
    }
  }
  let previous = null;
  for (const message of visible) {
    const json = JSON.stringify(message);
    const known = page.rendered.get(message.id);
    let element = known ? known.element : null;
    if (!known || known.json !== json) {
      const fresh = messageElement(chat, message);
      if (element) element.replaceWith(fresh);
      element = fresh;
      page.rendered.set(message.id, { json, element });
    }
    const expected = previous ? previous.nextSibling : box.firstChild;
    if (expected !== element) box.insertBefore(element, expected);
    previous = element;
  }
  let empty = box.querySelector(".empty");
  if (!visible.length && !empty) {
    empty = document.createElement("div");
    empty.className = "empty";
    empty.textContent = t("empty");
    box.append(empty);
  } else if (visible.length && empty) {
    empty.remove();
  }
  if (nearBottom || !visible.length) box.scrollTop = box.scrollHeight;
}

function renderKeyboard(chat) {
  const box = $("keyboard");
  box.replaceChildren();
  const keyboard = chat.keyboard;
  if (!keyboard && !chat.messages.length && !chat.group) {
    const start = document.createElement("button");
    start.type = "button";
    start.className = "key key-start";
    start.textContent = t("start");
    start.addEventListener("click", () => send({ op: "send", chat: page.current, text: "/start" }));
    box.append(start);
    return;
  }
  if (!keyboard) return;
  for (const buttons of keyboard.rows) {
    const line = document.createElement("div");
    line.className = "key-row";
    for (const button of buttons) {
      const key = document.createElement("button");
      key.type = "button";
      key.className = "key";
      key.textContent = button.text;
      key.addEventListener("click", () => {
        if (button.contact) send({ op: "contact", chat: page.current });
        else send({ op: "send", chat: page.current, text: button.text });
      });
      line.append(key);
    }
    box.append(line);
  }
  if (keyboard.placeholder) $("input").placeholder = keyboard.placeholder;
}

function renderAll() {
  const state = page.state;
  if (!state.chats[page.current]) page.current = ORDER[0];
  const chat = state.chats[page.current];
  $("clock").textContent = state.clock;
  markSeen();
  renderPeople();
  $("chat-title").textContent = chat.title;
  $("chat-role").textContent = t(`role.${page.current}`);
  $("chat-avatar").textContent = initials(chat.title);
  $("chat-avatar").className = `avatar avatar-${page.current}`;
  $("input").placeholder = t("placeholder");
  renderMessages(chat);
  renderKeyboard(chat);
}

// The input grows with its lines, up to a few, as Telegram's does.
function fitInput() {
  const input = $("input");
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
}

let toastTimer = null;
function showAnswer(text, alert) {
  if (alert) {
    $("alert-text").textContent = text;
    $("alert").hidden = false;
    $("alert-ok").focus();
    return;
  }
  const toast = $("toast");
  toast.textContent = text;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, 2500);
}

document.addEventListener("DOMContentLoaded", () => {
  $("form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("input").value;
    if (!text.trim()) return;
    send({ op: "send", chat: page.current, text, reply_to: page.replyTo });
    $("input").value = "";
    fitInput();
    cancelReply();
  });
  $("cancel-reply").addEventListener("click", cancelReply);
  // Enter sends, as in Telegram; Shift+Enter starts a new line of the same message.
  $("input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("form").requestSubmit();
    }
  });
  $("input").addEventListener("input", fitInput);
  $("alert-ok").addEventListener("click", () => { $("alert").hidden = true; });
  $("language").addEventListener("click", () => {
    page.lang = page.lang === "ru" ? "en" : "ru";
    localStorage.setItem("sandbox-lang", page.lang);
    page.renderedChat = null;
    loadTexts();
  });
  loadTexts().then(connect);
});
