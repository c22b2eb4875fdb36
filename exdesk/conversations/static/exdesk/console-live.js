/* exdesk agent console, live: one socket to /ws/console/ (docs/chat-protocol.md, "Agent
 * console"). It adds to pages that work without it: the timeline grows by itself, replies
 * and notes go over the socket while it is open (the forms post normally when it is not),
 * the inbox counter and page title follow new chats, and a short beep announces one.
 * No dependencies, no inline script, no HTML from data: every node is built here. */
(function () {
  "use strict";

  const config = document.getElementById("console-live");
  if (!config || !("WebSocket" in window)) return;

  const SYNC_EVERY_MS = 15000;
  const TYPING_EVERY_MS = 3000; // at most one "typing" frame per 3 s while the agent types
  const TYPING_IDLE_MS = 5000; // then "stopped typing" after 5 s without a key
  const TYPING_SHOWN_MS = 8000; // the customer's indicator hides itself if no "stop" comes
  const SOUND_KEY = "exdesk.console.sound";
  const STOP_CODES = [4401, 4403]; // signed out or refused: reconnecting would not help

  const data = config.dataset;
  const kindLabels = {};
  config.querySelectorAll("[data-kind]").forEach((node) => {
    kindLabels[node.dataset.kind] = node.textContent;
  });

  function text(name) {
    return data["i18n" + name] || "";
  }

  // ---- page parts (each optional: every console page has the header, only some the rest)

  const ui = {
    count: document.querySelector("[data-live-count]"),
    countNumber: document.querySelector("[data-live-count-number]"),
    countText: document.querySelector("[data-live-count-text]"),
    presenceForm: document.querySelector("[data-live-presence-form]"),
    presence: document.querySelector("[data-live-presence]"),
    presenceSubmit: document.querySelector("[data-live-presence-submit]"),
    sound: document.querySelector("[data-live-sound]"),
    inboxNotice: document.querySelector("[data-live-inbox-notice]"),
    conversation: document.querySelector("[data-live-conversation]"),
    timeline: document.querySelector("ol.timeline"),
    typing: document.querySelector("[data-live-typing]"),
    read: document.querySelector("[data-live-read]"),
    forms: {
      reply: document.querySelector('form[data-live-form="reply"]'),
      note: document.querySelector('form[data-live-form="note"]'),
    },
  };

  const state = {
    socket: null,
    open: false,
    attempt: 0,
    stopped: false,
    presence: ui.presenceForm ? ui.presenceForm.dataset.presence || null : null,
    conversation: null, // id of the conversation this page shows
    watching: false,
    lastSeq: 0,
    shown: new Set(),
    lastCustomerSeq: 0,
    lastReplySeq: 0,
    customerRead: 0,
    readSent: 0,
    pending: [], // replies and notes sent but not yet acknowledged, in order
    typingSentAt: 0,
    noticeShown: false,
    baseTitle: document.title.replace(/^\(\d+\) /, ""),
  };
  const timers = {};

  function toInt(value) {
    const n = parseInt(value, 10);
    return Number.isFinite(n) && n > 0 ? n : 0;
  }

  // ---- connection

  function socketUrl() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + (data.wsPath || "/ws/console/");
  }

  function connect() {
    window.clearTimeout(timers.reconnect);
    if (state.socket || state.stopped) return;
    let socket;
    try {
      socket = new WebSocket(socketUrl());
    } catch (e) {
      scheduleReconnect();
      return;
    }
    state.socket = socket;
    socket.addEventListener("open", () => onOpen(socket));
    socket.addEventListener("message", (event) => onMessage(socket, event));
    socket.addEventListener("close", (event) => onClose(socket, event));
  }

  function scheduleReconnect() {
    // 0.5 s doubling to 10 s; the random half spreads a server restart's reconnects out.
    const ceiling = Math.min(10000, 500 * 2 ** state.attempt);
    state.attempt += 1;
    timers.reconnect = window.setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
  }

  function isOpen() {
    return state.open && state.socket && state.socket.readyState === WebSocket.OPEN;
  }

  function send(frame) {
    if (!isOpen()) return false;
    try {
      state.socket.send(JSON.stringify(frame));
      return true;
    } catch (e) {
      return false;
    }
  }

  function onOpen(socket) {
    if (socket !== state.socket) return;
    state.open = true;
    state.attempt = 0;
    renderPresenceMode();
    if (state.conversation) {
      const after = {};
      after[String(state.conversation)] = state.lastSeq;
      send({ type: "watch", conversations: [state.conversation], after: after });
      state.watching = true;
      // Unacknowledged messages again, in their order; the server stores each client_id once.
      state.pending.forEach((item) => {
        setBusy(item.form, true);
        showError(item.form, "");
        send(item.frame);
      });
      sendRead();
    }
  }

  function onClose(socket, event) {
    if (socket !== state.socket) return;
    state.socket = null;
    state.open = false;
    state.watching = false;
    hideTyping();
    renderPresenceMode();
    state.pending.forEach((item) => {
      // Kept for the reconnect; "Send" now posts the form instead.
      setBusy(item.form, false);
      showError(item.form, text("ConnectionLost"));
    });
    if (STOP_CODES.indexOf(event.code) !== -1) {
      state.stopped = true;
      return;
    }
    scheduleReconnect();
  }

  function onMessage(socket, event) {
    if (socket !== state.socket) return;
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    if (!frame || typeof frame !== "object") return;
    const handler = handlers[frame.type];
    if (handler) handler(frame);
  }

  const handlers = {
    hello: (frame) => {
      showPresence(frame.presence);
      refreshSummary();
    },
    presence: (frame) => showPresence(frame.status),
    event: (frame) => {
      if (isMine(frame)) appendEvent(frame);
    },
    ack: onAck,
    inbox: onInbox,
    typing: (frame) => {
      if (isMine(frame)) {
        if (frame.active) showTyping();
        else hideTyping();
      }
    },
    read: (frame) => {
      if (!isMine(frame)) return;
      state.customerRead = Math.max(state.customerRead, toInt(frame.seq));
      renderRead();
    },
    error: onError,
  };

  function isMine(frame) {
    return state.conversation !== null && toInt(frame.conversation) === state.conversation;
  }

  // ---- presence

  function showPresence(status) {
    if (!status || !ui.presence) return;
    state.presence = status;
    ui.presence.value = status;
    if (ui.presenceForm) ui.presenceForm.dataset.presence = status;
  }

  function renderPresenceMode() {
    // With the socket open the choice applies at once; without it the form's button posts.
    if (ui.presenceSubmit) ui.presenceSubmit.hidden = isOpen();
  }

  function setupPresence() {
    if (!ui.presenceForm || !ui.presence) return;
    ui.presence.addEventListener("change", () => {
      send({ type: "presence", status: ui.presence.value });
    });
    ui.presenceForm.addEventListener("submit", (event) => {
      if (send({ type: "presence", status: ui.presence.value })) event.preventDefault();
    });
  }

  // ---- inbox counter, title, notice and sound

  function refreshSummary() {
    window.clearTimeout(timers.summary);
    timers.summary = window.setTimeout(() => {
      if (!data.summaryUrl || !window.fetch) return;
      window
        .fetch(data.summaryUrl, {
          credentials: "same-origin",
          cache: "no-store",
          headers: { Accept: "application/json" },
        })
        .then((response) => {
          const type = response.headers.get("Content-Type") || "";
          return response.ok && type.indexOf("json") !== -1 ? response.json() : null;
        })
        .then((summary) => {
          if (summary) renderCount(toInt(summary.unassigned_chats));
        })
        .catch(() => {});
    }, 250);
  }

  function renderCount(n) {
    if (ui.count) {
      if (ui.countNumber) ui.countNumber.textContent = String(n);
      if (ui.countText) ui.countText.textContent = String(n);
      ui.count.hidden = n === 0;
    }
    document.title = (n > 0 ? "(" + n + ") " : "") + state.baseTitle;
  }

  function onInbox(frame) {
    refreshSummary();
    if (frame.reason === "new" && frame.channel === "chat") beep();
    if (ui.inboxNotice && !state.noticeShown) {
      // Not a reload under the agent's cursor: a notice, and the agent chooses when.
      state.noticeShown = true;
      const link = document.createElement("a");
      link.className = "live-notice-action";
      link.href = window.location.pathname + window.location.search;
      link.textContent = text("Refresh");
      ui.inboxNotice.replaceChildren(
        document.createTextNode(text("NewActivity") + " — "),
        link
      );
    }
  }

  let soundChoice = null; // when storage is refused (private mode): for this page only

  function soundOn() {
    try {
      return window.localStorage.getItem(SOUND_KEY) !== "off";
    } catch (e) {
      return soundChoice !== "off";
    }
  }

  function setupSound() {
    if (!ui.sound) return;
    const render = () => ui.sound.setAttribute("aria-pressed", soundOn() ? "true" : "false");
    render();
    ui.sound.hidden = false;
    ui.sound.addEventListener("click", () => {
      const on = !soundOn();
      soundChoice = on ? "on" : "off";
      try {
        window.localStorage.setItem(SOUND_KEY, soundChoice);
      } catch (e) {
        /* storage refused: soundChoice keeps it for this page */
      }
      render();
      if (on) beep(); // a click is a gesture: the browser allows sound from here on
    });
    // The first gesture anywhere unlocks audio for later beeps.
    const unlock = () => {
      if (soundOn()) audio(true);
      document.removeEventListener("pointerdown", unlock, true);
      document.removeEventListener("keydown", unlock, true);
    };
    document.addEventListener("pointerdown", unlock, true);
    document.addEventListener("keydown", unlock, true);
  }

  let audioContext = null;

  function audio(create) {
    try {
      if (!audioContext && create) {
        const Context = window.AudioContext || window.webkitAudioContext;
        if (!Context) return null;
        audioContext = new Context();
      }
      if (audioContext && audioContext.state === "suspended") {
        const resumed = audioContext.resume();
        if (resumed && resumed.catch) resumed.catch(() => {});
      }
    } catch (e) {
      return null; // blocked before a user gesture: no sound, no error
    }
    return audioContext;
  }

  function beep() {
    if (!soundOn()) return;
    try {
      const context = audio(true);
      if (!context) return;
      const start = context.currentTime + 0.01;
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.type = "sine";
      tone.frequency.setValueAtTime(880, start);
      tone.frequency.setValueAtTime(1320, start + 0.09);
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.22);
      tone.connect(gain);
      gain.connect(context.destination);
      tone.start(start);
      tone.stop(start + 0.25);
    } catch (e) {
      /* audio not allowed yet */
    }
  }

  // ---- the conversation page: timeline

  function formatTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return "";
    const pad = (n) => String(n).padStart(2, "0");
    try {
      const options = {
        year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23",
      };
      if (data.timeZone) options.timeZone = data.timeZone;
      const parts = {};
      new Intl.DateTimeFormat("en-GB", options).formatToParts(date).forEach((part) => {
        parts[part.type] = part.value;
      });
      return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute;
    } catch (e) {
      return (
        date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
        " " + pad(date.getHours()) + ":" + pad(date.getMinutes())
      );
    }
  }

  function formatSize(bytes) {
    const lang = document.documentElement.lang || "en";
    const size = Number(bytes) || 0;
    try {
      if (size < 1024) {
        return new Intl.NumberFormat(lang, { style: "unit", unit: "byte", unitDisplay: "long" }).format(size);
      }
      const unit = size < 1024 * 1024 ? "kilobyte" : "megabyte";
      const value = unit === "kilobyte" ? size / 1024 : size / (1024 * 1024);
      return new Intl.NumberFormat(lang, { style: "unit", unit: unit, maximumFractionDigits: 1 }).format(value);
    } catch (e) {
      return size + " B";
    }
  }

  function element(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined && content !== null) node.textContent = String(content);
    return node;
  }

  function safeUrl(url) {
    // Attachment links are the server's own paths; anything else is not linked.
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : null;
  }

  function changeValue(value) {
    if (Array.isArray(value)) return value.length ? value.join(", ") : "—";
    if (value === null || value === undefined || value === "") return "—";
    return String(value);
  }

  function authorOf(frame) {
    if (frame.kind === "customer_message" || frame.kind === "rating") return text("Customer");
    return frame.author || text("System");
  }

  function renderBody(frame) {
    const body = element("div", "event-body");
    String(frame.body).split(/\r\n|\r|\n/).forEach((line, index) => {
      if (index) body.appendChild(document.createElement("br"));
      body.appendChild(document.createTextNode(line));
    });
    return body;
  }

  function renderAttachments(items) {
    const list = element("ul", "attachments");
    list.setAttribute("aria-label", text("Attachments"));
    items.forEach((item) => {
      const url = safeUrl(item && item.url);
      if (!url) return;
      const li = document.createElement("li");
      if (typeof item.type === "string" && item.type.indexOf("image/") === 0) {
        const img = element("img", "thumb");
        img.src = url;
        img.alt = String(item.name || "");
        img.loading = "lazy";
        li.appendChild(img);
      }
      const link = element("a", null, item.name || url);
      link.href = url;
      li.appendChild(link);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(element("span", "muted", "(" + formatSize(item.size) + ")"));
      list.appendChild(li);
    });
    return list.childNodes.length ? list : null;
  }

  function renderEvent(frame, seq) {
    const kind = String(frame.kind || "");
    const li = element("li", "event event-" + kind.replace(/[^a-z_]/g, ""));
    li.dataset.seq = String(seq);
    li.dataset.kind = kind;
    const head = element("p", "event-head");
    head.appendChild(element("strong", null, authorOf(frame)));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(element("span", "muted", kindLabels[kind] || kind));
    head.appendChild(document.createTextNode(" "));
    const time = element("time", null, formatTime(frame.at));
    if (frame.at) time.setAttribute("datetime", String(frame.at));
    head.appendChild(time);
    li.appendChild(head);
    if (kind === "rating") {
      const score = frame.data && typeof frame.data === "object" ? frame.data.score : "";
      li.appendChild(element("p", "change", text("Rating").replace("{score}", String(score))));
    }
    if (frame.body) {
      li.appendChild(renderBody(frame));
      const files = Array.isArray(frame.attachments) ? renderAttachments(frame.attachments) : null;
      if (files) li.appendChild(files);
    } else if (kind !== "rating") {
      const change = frame.data && typeof frame.data === "object" ? frame.data : {};
      li.appendChild(
        element("p", "change", changeValue(change.from) + " → " + changeValue(change.to))
      );
    }
    return li;
  }

  function appendEvent(frame) {
    const seq = toInt(frame.seq);
    if (!seq || state.shown.has(seq) || !ui.timeline) return;
    state.shown.add(seq);
    state.lastSeq = Math.max(state.lastSeq, seq);
    const item = renderEvent(frame, seq);
    // In seq order, even if a catch-up answers after a later event.
    let next = null;
    ui.timeline.querySelectorAll("li[data-seq]").forEach((node) => {
      if (!next && toInt(node.dataset.seq) > seq) next = node;
    });
    ui.timeline.insertBefore(item, next);
    if (frame.kind === "customer_message") {
      state.lastCustomerSeq = Math.max(state.lastCustomerSeq, seq);
      hideTyping();
      sendRead();
    } else if (frame.kind === "agent_reply") {
      state.lastReplySeq = Math.max(state.lastReplySeq, seq);
      renderRead();
    }
  }

  function showTyping() {
    if (!ui.typing) return;
    if (ui.typing.textContent !== text("Typing")) ui.typing.textContent = text("Typing");
    window.clearTimeout(timers.typingShown);
    timers.typingShown = window.setTimeout(hideTyping, TYPING_SHOWN_MS);
  }

  function hideTyping() {
    window.clearTimeout(timers.typingShown);
    if (ui.typing && ui.typing.textContent) ui.typing.textContent = "";
  }

  function renderRead() {
    if (!ui.read) return;
    const read = state.lastReplySeq > 0 && state.customerRead >= state.lastReplySeq;
    const wanted = read ? text("Read") : "";
    if (ui.read.textContent !== wanted) ui.read.textContent = wanted;
  }

  function sendRead() {
    // Only someone who answers tells the customer their message was read.
    if (!ui.forms.reply || !state.watching || document.visibilityState !== "visible") return;
    if (state.lastCustomerSeq > state.readSent) {
      if (send({ type: "read", conversation: state.conversation, seq: state.lastCustomerSeq })) {
        state.readSent = state.lastCustomerSeq;
      }
    }
  }

  function syncNow() {
    if (state.watching && isOpen()) {
      send({ type: "sync", conversation: state.conversation, after: state.lastSeq });
    }
  }

  // ---- the conversation page: reply and note forms

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    const bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
    else bytes.forEach((_, i) => { bytes[i] = Math.floor(Math.random() * 256); });
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function fieldOf(form) {
    return form.querySelector('textarea[name="body"]');
  }

  function errorSlot(form) {
    return form.querySelector("[data-live-error]");
  }

  function showError(form, message) {
    const slot = form && errorSlot(form);
    if (slot && slot.textContent !== message) slot.textContent = message || "";
  }

  function setBusy(form, busy) {
    const button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = busy;
    form.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function goesOverSocket(form) {
    // Files and a status change need the normal form post; so does a closed socket.
    if (!state.watching || !isOpen()) return false;
    const files = form.querySelector('input[type="file"]');
    if (files && files.files && files.files.length) return false;
    const status = form.querySelector('select[name="status"]');
    return !(status && status.value);
  }

  function dropPending(form) {
    state.pending = state.pending.filter((item) => item.form !== form);
    setBusy(form, false);
  }

  function setupForm(kind) {
    const form = ui.forms[kind];
    if (!form || !fieldOf(form)) return;
    form.addEventListener("submit", (event) => {
      if (!goesOverSocket(form)) {
        dropPending(form); // the post carries it now: never send it twice
        return;
      }
      event.preventDefault();
      if (state.pending.some((item) => item.form === form)) return; // already on its way
      const body = fieldOf(form).value;
      const frame = {
        type: kind,
        conversation: state.conversation,
        client_id: newClientId(),
        body: body,
      };
      state.pending.push({ frame: frame, form: form, body: body });
      showError(form, "");
      setBusy(form, true);
      if (kind === "reply") stopTyping();
      send(frame);
    });
    if (kind === "reply") {
      fieldOf(form).addEventListener("input", onAgentTyping);
    }
  }

  function onAck(frame) {
    const index = state.pending.findIndex((item) => item.frame.client_id === frame.client_id);
    if (index === -1) return;
    const item = state.pending.splice(index, 1)[0];
    const field = fieldOf(item.form);
    // Stored: the text may go, unless the agent already typed something else.
    if (field && field.value === item.body) field.value = "";
    showError(item.form, "");
    setBusy(item.form, false);
  }

  function onError(frame) {
    const index = frame.client_id
      ? state.pending.findIndex((item) => item.frame.client_id === frame.client_id)
      : -1;
    if (index !== -1) {
      const item = state.pending.splice(index, 1)[0];
      setBusy(item.form, false);
      showError(item.form, String(frame.message || ""));
      return;
    }
    if (frame.field === "status" && ui.presence) {
      showPresence(state.presence); // the server kept the previous presence
      return;
    }
    if (frame.code === "conversation_refused" && isMine(frame)) {
      // This page's conversation cannot be watched: the forms post normally.
      state.watching = false;
      state.conversation = null;
    }
  }

  function onAgentTyping() {
    if (!state.watching) return;
    const now = Date.now();
    if (now - state.typingSentAt >= TYPING_EVERY_MS) {
      if (send({ type: "typing", conversation: state.conversation, active: true })) {
        state.typingSentAt = now;
      }
    }
    window.clearTimeout(timers.typingIdle);
    timers.typingIdle = window.setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function stopTyping() {
    window.clearTimeout(timers.typingIdle);
    if (state.typingSentAt) {
      send({ type: "typing", conversation: state.conversation, active: false });
      state.typingSentAt = 0;
    }
  }

  function setupConversation() {
    const root = ui.conversation;
    if (!root) return;
    const id = toInt(root.dataset.liveConversation);
    if (!id) return;
    state.conversation = id;
    state.lastSeq = toInt(root.dataset.lastSeq);
    state.customerRead = toInt(root.dataset.customerReadSeq);
    if (ui.timeline) {
      ui.timeline.querySelectorAll("li[data-seq]").forEach((node) => {
        const seq = toInt(node.dataset.seq);
        state.shown.add(seq);
        if (node.dataset.kind === "customer_message") {
          state.lastCustomerSeq = Math.max(state.lastCustomerSeq, seq);
        } else if (node.dataset.kind === "agent_reply") {
          state.lastReplySeq = Math.max(state.lastReplySeq, seq);
        }
      });
    }
    renderRead();
    setupForm("reply");
    setupForm("note");
  }

  // ---- start

  function onVisible() {
    if (document.visibilityState !== "visible") return;
    // Background tabs throttle timers, so a waiting reconnect may be long overdue.
    if (!state.socket && !state.stopped) connect();
    syncNow();
    sendRead();
    refreshSummary();
  }

  function start() {
    setupPresence();
    setupSound();
    setupConversation();
    renderPresenceMode();
    refreshSummary();
    connect();
    timers.sync = window.setInterval(syncNow, SYNC_EVERY_MS);
    document.addEventListener("visibilitychange", onVisible);
    window.addEventListener("online", () => {
      if (!state.socket && !state.stopped) connect();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
