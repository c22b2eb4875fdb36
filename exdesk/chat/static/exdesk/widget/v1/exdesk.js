/*
 * exdesk customer chat widget, v1. Embedded by an exchange with one <script> tag.
 * The WebSocket contract is docs/chat-protocol.md. Plain ES2019, no dependencies, no build.
 * Every piece of data reaches the page through textContent or attribute setters, never HTML.
 */
(function () {
  "use strict";

  if (window.exdeskWidget) return; // embedded twice: the first copy wins

  const script =
    document.currentScript || document.querySelector('script[src*="/widget/v1/exdesk.js"]');
  if (!script) return;

  const BASE = new URL(script.src, window.location.href).origin;
  const KEYS = { token: "exdesk.token", seq: "exdesk.seq", pending: "exdesk.pending", lang: "exdesk.lang" };
  // Each language is named in its own language, so these are not translated.
  const LANGUAGES = [["en", "English"], ["zh-Hans", "简体中文"]];
  const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];
  const SYNC_EVERY_MS = 15000;
  const TYPING_THROTTLE_MS = 3000;
  const TYPING_SHOWN_MS = 6000;

  // ---- storage: localStorage can be missing or throw (privacy modes, blocked storage) ----

  const store = {
    get(key) {
      try { return window.localStorage.getItem(key); } catch (e) { return null; }
    },
    set(key, value) {
      try { window.localStorage.setItem(key, value); } catch (e) { /* chat still works */ }
    },
    remove(key) {
      try { window.localStorage.removeItem(key); } catch (e) { /* nothing to forget */ }
    },
  };

  function readPending() {
    try {
      const list = JSON.parse(store.get(KEYS.pending) || "[]");
      return Array.isArray(list) ? list.filter((m) => m && typeof m.client_id === "string") : [];
    } catch (e) {
      return [];
    }
  }

  // ---- settings: data-* on the tag win over window.exdeskSettings ----

  function readSettings() {
    const fromPage = window.exdeskSettings || {};
    const data = script.dataset;
    const given = (value) => value !== undefined && value !== null && value !== "";
    const pick = (a, b) => (given(a) ? String(a) : given(b) ? String(b) : null);
    return {
      uid: pick(data.uid, fromPage.uid),
      userHash: pick(data.userHash, fromPage.userHash),
      name: pick(data.name, fromPage.name),
      email: pick(data.email, fromPage.email),
      language: pick(data.language, fromPage.language),
      // The page the chat starts from (e.g. a help-center article), shown to the agent.
      contextTitle: pick(data.contextTitle, (fromPage.context || {}).title),
      contextUrl: pick(data.contextUrl, (fromPage.context || {}).url),
    };
  }

  function normaliseLanguage(value) {
    if (!value) return null;
    return /^zh/i.test(value) ? "zh-Hans" : "en";
  }

  const settings = readSettings();
  const state = {
    // A switch made in the widget is the customer's own choice, so it beats the page's hint.
    lang: normaliseLanguage(store.get(KEYS.lang)) || normaliseLanguage(settings.language) ||
      normaliseLanguage(navigator.language) || "en",
    strings: {},
    token: store.get(KEYS.token),
    lastSeq: Number(store.get(KEYS.seq)) || 0,
    seqAtLoad: Number(store.get(KEYS.seq)) || 0, // replayed history is not "new"
    pending: readPending(),
    seen: new Set(),
    socket: null,
    ready: false, // welcome received on the current socket
    stopped: false, // refused: no automatic reconnect
    attempt: 0,
    historyLoaded: false,
    conversation: null,
    status: null,
    open: true,
    reason: null,
    rating: null,
    lastError: null,
    agentSeq: 0,
    readSent: 0,
    staffReadSeq: 0,
    leave: null, // a leave_message frame waiting for left_message
    pendingScore: null,
    typingActive: false,
    typingSentAt: 0,
    isOpen: false,
    wantOpen: false,
  };
  const timers = {};
  const ui = {};
  const i18nArgs = new WeakMap();

  // ---- strings ----

  function t(key, params) {
    const template = state.strings[key] || key;
    return template.replace(/\{(\w+)\}/g, (whole, name) =>
      params && params[name] !== undefined && params[name] !== null ? String(params[name]) : whole);
  }

  // Remember the key on the element so a language switch can re-render it in place.
  function setText(node, key, params) {
    node.dataset.i18n = key;
    if (params) i18nArgs.set(node, params); else i18nArgs.delete(node);
    node.textContent = t(key, params);
  }

  function clearText(node) {
    delete node.dataset.i18n;
    i18nArgs.delete(node);
    node.textContent = "";
  }

  function setLabel(node, key) {
    node.dataset.i18nLabel = key;
    node.setAttribute("aria-label", t(key));
  }

  function retranslate() {
    ui.root.lang = state.lang;
    ui.root.querySelectorAll("[data-i18n]").forEach((node) => {
      node.textContent = t(node.dataset.i18n, i18nArgs.get(node));
    });
    ui.root.querySelectorAll("[data-i18n-label]").forEach((node) => {
      node.setAttribute("aria-label", t(node.dataset.i18nLabel));
    });
  }

  function fetchStrings(lang) {
    return fetch(BASE + "/widget/v1/i18n/" + lang + ".json", { credentials: "omit" }).then((response) => {
      if (!response.ok) throw new Error("exdesk: strings " + response.status);
      return response.json();
    });
  }

  // ---- DOM helpers: attributes and text nodes only ----

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach((name) => {
      const value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") setText(node, value);
      else if (name === "label") setLabel(node, value);
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach((child) => child && node.append(child));
    return node;
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  function field(id, labelKey, control) {
    control.id = id;
    return el("div", { class: "field" }, [el("label", { for: id, text: labelKey }), control]);
  }

  // ---- building the widget ----

  function buildLauncher() {
    ui.badge = el("span", { class: "badge", text: "new_message", hidden: true });
    ui.launcher = el("button", {
      type: "button", class: "launcher", "data-testid": "exdesk-launcher",
      "aria-expanded": "false", "aria-controls": "exdesk-panel",
    }, [
      el("span", { class: "launcher-icon", "aria-hidden": "true" }),
      el("span", { text: "launcher" }),
      ui.badge,
    ]);
    ui.launcher.addEventListener("click", () => (state.isOpen ? closePanel() : openPanel()));
    return ui.launcher;
  }

  function buildHeader() {
    ui.langSelect = el("select", { id: "exdesk-lang", class: "lang-select" },
      LANGUAGES.map(([code, name]) => el("option", { value: code, lang: code }, [name])));
    ui.langSelect.value = state.lang;
    ui.langSelect.addEventListener("change", () => switchLanguage(ui.langSelect.value));
    const close = el("button", { type: "button", class: "close", label: "close" },
      [el("span", { "aria-hidden": "true" }, ["×"])]);
    close.addEventListener("click", closePanel);
    return el("div", { class: "header" }, [
      el("h2", { class: "title", text: "panel_title" }),
      el("div", { class: "lang" }, [el("label", { for: "exdesk-lang", text: "language" }), ui.langSelect]),
      close,
    ]);
  }

  function buildOffline() {
    const input = (type, name, autocomplete, maxlength) =>
      el("input", { type, name, autocomplete, maxlength, required: true });
    ui.leaveSubmit = el("button", { type: "submit", class: "primary", text: "leave_submit" });
    ui.leaveForm = el("form", {
      class: "leave", "data-testid": "exdesk-leave", "aria-labelledby": "exdesk-leave-title",
    }, [
      el("h3", { id: "exdesk-leave-title", text: "leave_title" }),
      el("p", { text: "leave_intro" }),
      el("p", { class: "hint", text: "leave_required" }),
      field("exdesk-leave-name", "your_name", input("text", "name", "name", 200)),
      field("exdesk-leave-email", "your_email", input("email", "email", "email", 254)),
      field("exdesk-leave-body", "message_label",
        el("textarea", { name: "body", required: true, rows: 4, maxlength: 4000 })),
      ui.leaveSubmit,
    ]);
    ui.leaveForm.elements.name.value = settings.name || "";
    ui.leaveForm.elements.email.value = settings.email || "";
    ui.leaveForm.addEventListener("submit", submitLeave);
    ui.offlineReason = el("p", { class: "offline-reason" });
    ui.leaveThanks = el("p", { class: "done", role: "status" });
    // The help center's callback form, for those who would rather talk (new tab: the chat stays).
    ui.callbackLink = el("a", { href: callbackUrl(), target: "_blank", rel: "noopener", text: "callback_link" });
    ui.offline = el("div", { class: "offline", hidden: true },
      [ui.offlineReason, ui.leaveForm, ui.leaveThanks, el("p", {}, [ui.callbackLink])]);
    return ui.offline;
  }

  function callbackUrl() {
    return BASE + "/help/" + (state.lang === "zh-Hans" ? "zh-hans" : "en") + "/callback/";
  }

  function buildEnded() {
    const scores = [1, 2, 3, 4, 5].map((score) => el("label", { class: "score" }, [
      el("input", { type: "radio", name: "score", value: score, required: true }),
      el("span", {}, [String(score)]),
    ]));
    ui.rateForm = el("form", { class: "rate" }, [
      el("fieldset", { "aria-describedby": "exdesk-rating-hint" }, [
        el("legend", { text: "rating_legend" }),
        el("p", { id: "exdesk-rating-hint", class: "hint", text: "rating_hint" }),
        el("div", { class: "scores" }, scores),
      ]),
      field("exdesk-comment", "rating_comment",
        el("textarea", { name: "comment", rows: 2, maxlength: 1000 })),
      el("button", { type: "submit", class: "primary", "data-testid": "exdesk-rate", text: "rating_submit" }),
    ]);
    ui.rateForm.addEventListener("submit", submitRating);
    const email = el("input", {
      type: "email", name: "email", required: true, autocomplete: "email",
      "data-testid": "exdesk-transcript-email",
    });
    email.value = settings.email || "";
    ui.transcriptForm = el("form", { class: "transcript" }, [
      field("exdesk-transcript-email", "your_email", email),
      el("button", { type: "submit", class: "secondary", text: "transcript_submit" }),
    ]);
    ui.transcriptForm.addEventListener("submit", submitTranscript);
    ui.rateThanks = el("p", { class: "done", role: "status" });
    ui.transcriptDone = el("p", { class: "done", role: "status" });
    ui.ended = el("div", { class: "ended", hidden: true },
      [ui.rateForm, ui.rateThanks, ui.transcriptForm, ui.transcriptDone]);
    return ui.ended;
  }

  function buildComposer() {
    ui.input = el("textarea", {
      rows: 2, maxlength: 4000, "data-testid": "exdesk-input", "aria-describedby": "exdesk-input-hint",
    });
    ui.input.addEventListener("keydown", onComposerKey);
    ui.input.addEventListener("input", onTypingInput);
    ui.input.addEventListener("blur", stopTyping);
    ui.file = el("input", {
      type: "file", id: "exdesk-file", class: "file-input", "data-testid": "exdesk-file", disabled: true,
    });
    ui.file.addEventListener("change", () => ui.file.files[0] && uploadFile(ui.file.files[0]));
    ui.endButton = el("button", {
      type: "button", class: "secondary", "data-testid": "exdesk-end", text: "end_chat", disabled: true,
    });
    ui.endButton.addEventListener("click", () => sendNow({ type: "end" }));
    ui.upload = el("p", { class: "upload-status", role: "status" });
    ui.composer = el("form", { class: "composer" }, [
      field("exdesk-input", "message_label", ui.input),
      el("p", { id: "exdesk-input-hint", class: "hint", text: "message_hint" }),
      ui.upload,
      el("div", { class: "actions" }, [
        ui.file,
        el("label", { for: "exdesk-file", class: "attach", text: "attach" }),
        ui.endButton,
        el("button", { type: "submit", class: "primary send", "data-testid": "exdesk-send", text: "send" }),
      ]),
    ]);
    ui.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      submitComposer();
    });
    return ui.composer;
  }

  function buildPanel() {
    ui.connection = el("p", { class: "connection", role: "status" });
    ui.queue = el("p", { class: "queue", role: "status", "data-testid": "exdesk-queue", hidden: true });
    ui.incident = el("div", { class: "incident", role: "status", "data-testid": "exdesk-incident", hidden: true });
    ui.campaign = el("div", { class: "campaign", role: "note", "data-testid": "exdesk-campaign", hidden: true });
    ui.intro = el("p", { class: "intro", text: "intro" });
    ui.log = el("div", {
      class: "log", role: "log", "aria-live": "polite", label: "log_label", "data-testid": "exdesk-log",
    });
    ui.typing = el("p", { class: "typing", "aria-live": "polite", "data-testid": "exdesk-typing" });
    ui.newChat = el("button", {
      type: "button", class: "secondary new-chat", text: "start_new_chat", hidden: true,
    });
    ui.newChat.addEventListener("click", startNewChat);
    ui.error = el("p", { class: "error", "aria-live": "assertive", "data-testid": "exdesk-error" });
    // The scrolling area is focusable so keyboard users can scroll the conversation.
    ui.body = el("div", { class: "body", tabindex: "0" }, [
      ui.incident, ui.campaign, el("p", { class: "notice", text: "security_notice" }), ui.connection, ui.queue,
      buildOffline(),
      ui.intro, ui.log, ui.typing, buildEnded(), ui.newChat,
    ]);
    ui.panel = el("div", {
      id: "exdesk-panel", class: "panel", role: "dialog", "aria-modal": "false", label: "dialog_label",
      hidden: true,
    }, [buildHeader(), ui.body, ui.error, buildComposer()]);
    ui.panel.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      event.stopPropagation();
      closePanel();
    });
    return ui.panel;
  }

  function mount() {
    const host = document.getElementById("exdesk-widget") ||
      document.body.appendChild(el("div", { id: "exdesk-widget" }));
    const shadow = host.shadowRoot || host.attachShadow({ mode: "open" });
    // Stay hidden until the stylesheet is in, so the page never flashes an unstyled widget.
    ui.root = el("aside", { class: "exdesk", lang: state.lang, label: "region_label", hidden: true },
      [buildLauncher(), buildPanel()]);
    const sheet = el("link", { rel: "stylesheet", href: BASE + "/widget/v1/exdesk.css" });
    const reveal = () => { ui.root.hidden = false; };
    sheet.addEventListener("load", reveal);
    sheet.addEventListener("error", reveal);
    window.setTimeout(reveal, 4000);
    shadow.append(sheet, ui.root);
    state.pending.forEach((message) => placeBubble(messageBubble(pendingEvent(message), "sending")));
    renderMode();
  }

  // ---- panel ----

  function openPanel() {
    if (!ui.panel) { state.wantOpen = true; return; }
    show(ui.panel, true);
    ui.launcher.setAttribute("aria-expanded", "true");
    state.isOpen = true;
    show(ui.badge, false);
    if (!state.socket && !state.stopped) connect();
    focusFirst();
    scrollToEnd(true);
    sendRead();
  }

  function closePanel() {
    if (!ui.panel) { state.wantOpen = false; return; }
    if (!state.isOpen) return;
    show(ui.panel, false);
    ui.launcher.setAttribute("aria-expanded", "false");
    state.isOpen = false;
    stopTyping();
    ui.launcher.focus();
  }

  function focusFirst() {
    if (!ui.composer.hidden && !ui.input.disabled) ui.input.focus();
    else if (!ui.offline.hidden && !ui.leaveForm.hidden) ui.leaveForm.elements.name.focus();
    else ui.body.focus();
  }

  function scrollToEnd(force) {
    const body = ui.body;
    const nearEnd = body.scrollHeight - body.scrollTop - body.clientHeight < 120;
    // Follow new messages, unless the customer scrolled up to read older ones.
    if (force || nearEnd) body.scrollTop = body.scrollHeight;
  }

  // What is visible follows the conversation's state: offline form, chat, or ended.
  function renderMode() {
    const offline = !state.open && !state.conversation;
    const ended = state.status === "solved" || state.status === "closed";
    show(ui.offline, offline);
    if (offline) {
      const reason = state.reason === "closed_hours" ? "offline_closed_hours" : "offline_no_agents";
      setText(ui.offlineReason, reason);
    }
    show(ui.composer, !offline && state.lastError !== "identity_refused");
    show(ui.intro, !offline && !ui.log.querySelector("[data-testid]"));
    show(ui.ended, ended);
    show(ui.rateForm, ended && state.rating === null);
    show(ui.newChat, ended || (state.stopped && state.lastError !== "identity_refused"));
    ui.file.disabled = !state.token;
    ui.endButton.disabled = !state.conversation || ended;
  }

  // ---- connection ----

  function connect() {
    window.clearTimeout(timers.reconnect);
    if (state.socket) return;
    state.ready = false;
    setText(ui.connection, state.attempt ? "reconnecting" : "connecting");
    let socket;
    try {
      socket = new WebSocket(BASE.replace(/^http/, "ws") + "/ws/chat/");
    } catch (e) {
      scheduleReconnect();
      return;
    }
    state.socket = socket;
    socket.addEventListener("open", () => sendHello(socket));
    socket.addEventListener("message", (event) => onFrame(event.data));
    socket.addEventListener("close", (event) => onClose(socket, event));
  }

  function disconnect() {
    const socket = state.socket;
    state.socket = null; // onClose ignores a socket that is no longer current
    state.ready = false;
    if (socket) socket.close(1000);
  }

  function scheduleReconnect() {
    // 0.5 s doubling to 10 s; the random half spreads a server restart's reconnects out.
    const ceiling = Math.min(10000, 500 * 2 ** state.attempt);
    state.attempt += 1;
    setText(ui.connection, "reconnecting");
    timers.reconnect = window.setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
  }

  function send(frame) {
    const socket = state.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    if (frame.type !== "hello" && !state.ready) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  function sendHello(socket) {
    if (socket !== state.socket) return;
    // A fresh page has drawn nothing yet, so its first hello asks for the whole history.
    const frame = {
      type: "hello", token: state.token || null,
      after: state.token && state.historyLoaded ? state.lastSeq : 0, language: state.lang,
    };
    if (settings.uid && settings.userHash) { frame.uid = settings.uid; frame.user_hash = settings.userHash; }
    if (settings.name) frame.name = settings.name;
    if (settings.email) frame.email = settings.email;
    socket.send(JSON.stringify(frame));
  }

  function onClose(socket, event) {
    if (socket !== state.socket) return;
    state.socket = null;
    state.ready = false;
    state.typingActive = false;
    if (event.code === 4403) {
      state.stopped = true;
      clearText(ui.connection);
      if (state.lastError === "identity_refused") setText(ui.error, "identity_refused");
      else forgetConversation(); // the stored token is refused: let the customer start afresh
      renderMode();
      return;
    }
    if (!state.stopped) scheduleReconnect();
  }

  const handlers = {
    welcome: onWelcome, event: onEvent, ack: onAck, queue: renderQueue, typing: onTyping,
    read: onStaffRead, rated: onRated, transcript_sent: onTranscriptSent, left_message: onLeftMessage,
    bot_feedback_saved: () => {}, error: onError, notice: (frame) => renderNotice(frame.notice),
  };

  // A declared incident: its title and latest word, in the widget's language.
  function renderNotice(notice) {
    ui.incident.textContent = "";
    if (!notice || !notice.title) { show(ui.incident, false); return; }
    const lang = String(state.lang || "").toLowerCase().startsWith("zh") ? "zh-hans" : "en";
    ui.incident.append(
      el("strong", {}, [String(notice.title[lang] || notice.title.en || "")]),
      el("p", {}, [String((notice.text && (notice.text[lang] || notice.text.en)) || "")]),
    );
    show(ui.incident, true);
  }

  // A security-awareness campaign: its title, short text and article, in the widget's language.
  function renderCampaign(campaign) {
    ui.campaign.textContent = "";
    state.campaign = campaign || null;
    if (!campaign || !campaign.title) { show(ui.campaign, false); return; }
    const lang = String(state.lang || "").toLowerCase().startsWith("zh") ? "zh-hans" : "en";
    ui.campaign.append(
      el("strong", {}, [String(campaign.title[lang] || campaign.title.en || "")]),
      el("p", {}, [String((campaign.text && (campaign.text[lang] || campaign.text.en)) || "")]),
    );
    const article = campaign.article && campaign.article[lang];
    let href = null;
    try { href = article && article.url ? new URL(String(article.url), BASE + "/") : null; } catch (e) { href = null; }
    if (href && (href.protocol === "https:" || href.protocol === "http:")) {
      ui.campaign.append(el("p", {}, [el("a", {
        href: href.href, target: "_blank", rel: "noopener noreferrer", "data-testid": "exdesk-campaign-link",
      }, [String(article.title || href.href)])]));
    }
    show(ui.campaign, true);
  }

  function onFrame(data) {
    let frame;
    try { frame = JSON.parse(data); } catch (e) { return; }
    if (frame && handlers[frame.type]) handlers[frame.type](frame);
  }

  function onWelcome(frame) {
    const resync = Boolean(frame.token && state.token && frame.token !== state.token);
    if (resync) clearConversationView(); // the server gave another conversation (e.g. a signed-in trader's)
    if (frame.token) setToken(frame.token);
    state.ready = true;
    state.attempt = 0;
    state.historyLoaded = true;
    state.lastError = null;
    state.conversation = frame.conversation || null;
    state.status = frame.status || null;
    state.open = frame.open !== false;
    state.reason = frame.reason || null;
    state.rating = frame.rating === undefined ? null : frame.rating;
    clearText(ui.connection);
    renderQueue(frame.queue);
    renderNotice(frame.notice);
    renderCampaign(frame.campaign);
    renderMode();
    if (resync) send({ type: "sync", after: 0 });
    // Unacknowledged messages go again, oldest first; the server keeps one per client_id.
    state.pending.forEach(sendMessage);
    if (state.leave) send(state.leave);
    sendRead();
  }

  // ---- timeline ----

  function onEvent(frame) {
    if (typeof frame.seq !== "number" || state.seen.has(frame.seq)) return;
    state.seen.add(frame.seq);
    if (frame.seq > state.lastSeq) {
      state.lastSeq = frame.seq;
      store.set(KEYS.seq, String(frame.seq));
    }
    if (frame.client_id) dropPending(frame.client_id);
    renderEvent(frame);
    if (frame.kind === "agent_reply") {
      state.agentSeq = Math.max(state.agentSeq, frame.seq);
      clearTyping();
      if (!state.isOpen && frame.seq > state.seqAtLoad) show(ui.badge, true);
      sendRead();
    } else if (frame.kind === "agent_joined") {
      show(ui.queue, false);
    } else if (frame.kind === "chat_ended") {
      state.status = "solved";
      renderMode();
      scrollToEnd(true); // bring the rating form into view
    } else if (frame.kind === "reopened") {
      state.status = "open";
    }
    renderMode();
  }

  function renderEvent(frame) {
    if (frame.kind === "customer_message" || frame.kind === "agent_reply") {
      const bubble = messageBubble(frame, "sent");
      const existing = frame.client_id && findBubble(frame.client_id);
      if (existing) existing.replaceWith(bubble); else placeBubble(bubble);
    } else if (["agent_joined", "agent_left", "chat_ended", "reopened"].includes(frame.kind)) {
      const line = el("p", { class: "system", "data-testid": "exdesk-system", "data-seq": frame.seq });
      setText(line, frame.kind, { name: authorName(frame.author) });
      placeBubble(line);
    }
    updateReadMarker();
    scrollToEnd(false);
  }

  // Events keep seq order even when a sync replays history behind messages still sending.
  function placeBubble(node) {
    const seq = Number(node.dataset.seq) || Infinity;
    const after = Array.from(ui.log.children)
      .find((child) => !child.dataset.seq || Number(child.dataset.seq) > seq);
    ui.log.insertBefore(node, seq === Infinity ? null : after || null);
    show(ui.intro, false);
  }

  function authorName(author) {
    const name = author && typeof author === "object" ? author.name : author;
    return name ? String(name) : t("agent_default");
  }

  function messageBubble(frame, status) {
    const mine = frame.kind === "customer_message";
    const bubble = el("div", {
      class: "msg " + (mine ? "msg-customer" : "msg-agent"), "data-testid": "exdesk-msg",
      "data-seq": frame.seq || null, "data-client-id": frame.client_id || null,
    });
    const author = el("p", { class: "author" });
    if (mine) setText(author, "you"); else author.textContent = authorName(frame.author);
    bubble.append(author);
    const attachments = frame.attachments || [];
    // A file is sent with its name as the body: the link already shows that name.
    const bodyIsFileName = attachments.some((file) => file && file.name === frame.body);
    if (frame.body && !bodyIsFileName) bubble.append(el("p", { class: "text" }, [String(frame.body)]));
    const article = articleLink(frame.article);
    if (article) bubble.append(el("p", { class: "article" }, [article]));
    if (frame.bot && frame.seq) bubble.append(botFeedback(frame.seq));
    const files = attachments.map(attachmentItem).filter(Boolean);
    if (files.length) bubble.append(el("ul", { class: "files" }, files));
    const meta = el("p", { class: "meta" });
    if (frame.at) {
      const when = new Date(frame.at);
      if (!Number.isNaN(when.getTime())) {
        const clock = when.toLocaleTimeString(state.lang, { hour: "2-digit", minute: "2-digit" });
        meta.append(el("time", { datetime: frame.at }, [clock]));
      }
    }
    if (mine) meta.append(el("span", { class: "status", text: "status_" + status }));
    bubble.append(meta);
    return bubble;
  }

  // "Did this help?" under each of the bot's answers; "no" asks why, in one more tap.
  function botFeedback(seq) {
    const box = el("div", { class: "bot-feedback", "data-testid": "exdesk-bot-feedback" });
    const question = el("p", { text: "bot_helpful_question" });
    const send = (helpful, reason) => {
      sendNow({ type: "bot_feedback", seq: seq, helpful: helpful, reason: reason || "" });
      box.replaceChildren(el("p", { role: "status", text: "bot_feedback_thanks" }));
    };
    const yes = el("button", { type: "button", class: "secondary", text: "bot_helpful_yes" });
    const no = el("button", { type: "button", class: "secondary", text: "bot_helpful_no" });
    yes.addEventListener("click", () => send(true));
    no.addEventListener("click", () => {
      const reasons = ["wrong", "unclear", "person"].map((reason) => {
        const button = el("button", { type: "button", class: "secondary", text: "bot_reason_" + reason });
        button.addEventListener("click", () => send(false, reason));
        return button;
      });
      box.replaceChildren(el("p", { text: "bot_reason_question" }), ...reasons);
      reasons[0].focus();
    });
    box.append(question, yes, no);
    return box;
  }

  // The bot's answer links a help-center article; only http(s) addresses are followed.
  function articleLink(article) {
    if (!article || !article.url) return null;
    let href;
    try { href = new URL(String(article.url), BASE + "/"); } catch (e) { return null; }
    if (href.protocol !== "https:" && href.protocol !== "http:") return null;
    return el("a", { href: href.href, target: "_blank", rel: "noopener noreferrer",
      "data-testid": "exdesk-article" }, [String(article.title || href.href)]);
  }

  function attachmentItem(file) {
    if (!file || !file.url) return null;
    let href;
    try { href = new URL(String(file.url), BASE + "/"); } catch (e) { return null; }
    if (href.protocol !== "https:" && href.protocol !== "http:") return null;
    const name = String(file.name || "attachment");
    const link = el("a", { href: href.href, target: "_blank", rel: "noopener noreferrer" });
    if (IMAGE_TYPES.includes(file.type)) {
      link.append(el("img", { src: href.href, alt: name, class: "thumb", loading: "lazy" }));
    } else {
      link.append(name);
    }
    if (file.size) link.append(el("span", { class: "size" }, [" (" + formatSize(Number(file.size)) + ")"]));
    return el("li", {}, [link]);
  }

  function formatSize(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return Math.round(bytes / 1024) + " KB";
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function findBubble(clientId) {
    return Array.from(ui.log.querySelectorAll("[data-client-id]"))
      .find((node) => node.dataset.clientId === clientId);
  }

  function setBubbleStatus(bubble, key) {
    const status = bubble && bubble.querySelector(".status");
    if (status) setText(status, key);
  }

  // "Read" goes under the customer's last message only, once staff read up to it.
  function updateReadMarker() {
    const mine = ui.log.querySelectorAll(".msg-customer[data-seq]");
    mine.forEach((bubble, index) => {
      const last = index === mine.length - 1;
      const read = last && state.staffReadSeq >= Number(bubble.dataset.seq);
      setBubbleStatus(bubble, read ? "status_read" : "status_sent");
    });
  }

  function onStaffRead(frame) {
    state.staffReadSeq = Math.max(state.staffReadSeq, Number(frame.seq) || 0);
    updateReadMarker();
  }

  function sendRead() {
    if (!state.ready || !state.isOpen || document.visibilityState !== "visible") return;
    if (state.agentSeq > state.readSent && send({ type: "read", seq: state.agentSeq })) {
      state.readSent = state.agentSeq;
    }
  }

  // ---- sending ----

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
    else bytes.forEach((_, i) => { bytes[i] = Math.floor(Math.random() * 256); });
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function pendingEvent(message) {
    return { kind: "customer_message", client_id: message.client_id, body: message.body, attachments: [] };
  }

  function savePending() {
    if (state.pending.length) store.set(KEYS.pending, JSON.stringify(state.pending));
    else store.remove(KEYS.pending);
  }

  function dropPending(clientId) {
    const before = state.pending.length;
    state.pending = state.pending.filter((message) => message.client_id !== clientId);
    if (state.pending.length !== before) savePending();
  }

  function sendMessage(message) {
    const frame = { type: "message", client_id: message.client_id, body: message.body };
    if (message.attachments && message.attachments.length) frame.attachments = message.attachments;
    if (!state.token && (settings.contextTitle || settings.contextUrl)) {
      frame.context = { title: settings.contextTitle || "", url: settings.contextUrl || "" };
    }
    send(frame);
  }

  function queueMessage(body, attachments) {
    const message = { client_id: newClientId(), body: body, attachments: attachments || [] };
    state.pending.push(message);
    savePending();
    placeBubble(messageBubble(pendingEvent(message), "sending"));
    scrollToEnd(true);
    // Writing again after a refused conversation starts a fresh one (the token is gone).
    if (state.stopped && state.lastError !== "identity_refused") state.stopped = false;
    if (!state.socket && !state.stopped) connect();
    sendMessage(message);
  }

  function submitComposer() {
    const body = ui.input.value.trim();
    if (!body) return;
    showError("");
    stopTyping();
    ui.input.value = "";
    queueMessage(body);
    ui.input.focus();
  }

  function onComposerKey(event) {
    // Enter also confirms an IME composition (Chinese input): that one must not send.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      submitComposer();
    }
  }

  function onAck(frame) {
    if (state.leave && frame.client_id === state.leave.client_id) return;
    if (frame.token) setToken(frame.token);
    if (frame.conversation) state.conversation = frame.conversation;
    dropPending(frame.client_id);
    const bubble = frame.client_id && findBubble(frame.client_id);
    // The ack's seq is not a seen event: the event may still be on its way, so lastSeq waits for it.
    if (bubble && frame.seq && !bubble.dataset.seq) bubble.dataset.seq = String(frame.seq);
    if (bubble) setBubbleStatus(bubble, "status_sent");
    updateReadMarker();
    renderMode();
  }

  function onError(frame) {
    state.lastError = frame.code || null;
    if (frame.code === "identity_refused") {
      state.stopped = true; // the same hello would be refused again
      setText(ui.error, "identity_refused");
      renderMode();
      return;
    }
    showError(frame.message || t("error_generic"));
    const clientId = frame.client_id;
    if (frame.code === "rate_limited") {
      // The message stays pending; everything pending goes again, in order, once allowed.
      window.clearTimeout(timers.retry);
      timers.retry = window.setTimeout(() => {
        state.pending.forEach(sendMessage);
        if (state.leave) send(state.leave);
      }, Math.max(1, Number(frame.retry_after) || 1) * 1000);
      return;
    }
    if (clientId && state.leave && clientId === state.leave.client_id) {
      state.leave = null; // refused (e.g. an invalid e-mail): the form stays for a correction
      ui.leaveSubmit.disabled = false;
      return;
    }
    if (clientId && state.pending.some((m) => m.client_id === clientId)) {
      dropPending(clientId); // refused for good: sending it again would be refused again
      setBubbleStatus(findBubble(clientId), "status_failed");
    }
    if (frame.code === "closed") {
      state.status = "closed";
      renderMode();
    }
  }

  // For actions the customer starts: say so when the socket is down instead of doing nothing.
  function sendNow(frame) {
    if (send(frame)) return true;
    setText(ui.error, "not_connected");
    return false;
  }

  function showError(message) {
    clearText(ui.error);
    ui.error.textContent = message;
  }

  // ---- typing ----

  function onTypingInput() {
    if (!state.conversation || !state.ready) return;
    const now = Date.now();
    if (now - state.typingSentAt < TYPING_THROTTLE_MS) return;
    if (send({ type: "typing", active: true })) {
      state.typingSentAt = now;
      state.typingActive = true;
    }
  }

  function stopTyping() {
    if (!state.typingActive) return;
    state.typingActive = false;
    state.typingSentAt = 0;
    send({ type: "typing", active: false });
  }

  function onTyping(frame) {
    if (!frame.active) { clearTyping(); return; }
    setText(ui.typing, "typing", { name: authorName(frame.name) });
    window.clearTimeout(timers.typing);
    timers.typing = window.setTimeout(clearTyping, TYPING_SHOWN_MS);
  }

  function clearTyping() {
    window.clearTimeout(timers.typing);
    clearText(ui.typing);
  }

  // ---- queue, offline ----

  function renderQueue(queue) {
    if (!queue || !queue.position) { show(ui.queue, false); return; }
    const wait = Number(queue.wait_seconds);
    if (queue.wait_seconds === null || queue.wait_seconds === undefined || Number.isNaN(wait)) {
      setText(ui.queue, "queue_position", { position: queue.position });
    } else if (wait < 60) {
      setText(ui.queue, "queue_soon", { position: queue.position });
    } else {
      setText(ui.queue, "queue", { position: queue.position, minutes: Math.round(wait / 60) });
    }
    show(ui.queue, true);
  }

  function submitLeave(event) {
    event.preventDefault();
    const form = ui.leaveForm.elements;
    state.leave = {
      type: "leave_message", client_id: newClientId(),
      name: form.name.value.trim(), email: form.email.value.trim(), body: form.body.value.trim(),
    };
    showError("");
    ui.leaveSubmit.disabled = true;
    if (!state.socket && !state.stopped) connect(); else send(state.leave);
  }

  function onLeftMessage(frame) {
    state.leave = null;
    ui.leaveSubmit.disabled = false;
    ui.leaveForm.reset();
    show(ui.leaveForm, false);
    setText(ui.leaveThanks, "leave_thanks", { reference: frame.reference || "" });
  }

  // ---- files ----

  function uploadFile(file) {
    setText(ui.upload, "uploading", { name: file.name });
    ui.file.disabled = true;
    const body = new FormData();
    body.append("file", file);
    fetch(BASE + "/widget/v1/upload", {
      method: "POST",
      body: body,
      credentials: "omit",
      headers: { "X-Exdesk-Chat-Token": state.token || "" },
    })
      .then((response) => response.json().catch(() => ({})).then((data) => {
        if (!response.ok || !data.id) throw new Error(data.error ? String(data.error) : t("upload_failed"));
        queueMessage(file.name, [data.id]);
      }))
      .catch((error) => showError(error instanceof TypeError ? t("upload_failed") : error.message))
      .then(() => {
        clearText(ui.upload);
        ui.file.value = "";
        renderMode();
      });
  }

  // ---- end, rating, transcript, new chat ----

  function submitRating(event) {
    event.preventDefault();
    const chosen = ui.rateForm.querySelector('input[name="score"]:checked');
    if (!chosen) return;
    const frame = { type: "rate", score: Number(chosen.value) };
    const comment = ui.rateForm.elements.comment.value.trim();
    if (comment) frame.comment = comment;
    state.pendingScore = frame.score;
    sendNow(frame);
  }

  function onRated() {
    state.rating = state.pendingScore || 0;
    renderMode();
    setText(ui.rateThanks, "rating_thanks");
  }

  function submitTranscript(event) {
    event.preventDefault();
    clearText(ui.transcriptDone);
    sendNow({ type: "transcript", email: ui.transcriptForm.elements.email.value.trim() });
  }

  function onTranscriptSent() {
    setText(ui.transcriptDone, "transcript_sent");
  }

  function setToken(token) {
    state.token = token;
    store.set(KEYS.token, token);
  }

  function clearConversationView() {
    state.seen.clear();
    state.lastSeq = 0;
    state.agentSeq = 0;
    state.readSent = 0;
    state.staffReadSeq = 0;
    store.remove(KEYS.seq);
    Array.from(ui.log.children).forEach((node) => { if (node.dataset.seq) node.remove(); });
  }

  function forgetConversation() {
    state.token = null;
    state.conversation = null;
    state.status = null;
    state.rating = null;
    state.pending = [];
    store.remove(KEYS.token);
    savePending();
    clearConversationView();
    ui.log.textContent = "";
  }

  function startNewChat() {
    disconnect();
    forgetConversation();
    state.stopped = false;
    state.lastError = null;
    state.attempt = 0;
    state.pendingScore = null;
    [ui.rateThanks, ui.transcriptDone, ui.leaveThanks, ui.error].forEach(clearText);
    ui.rateForm.reset();
    show(ui.leaveForm, true);
    renderMode();
    connect();
    focusFirst();
  }

  // ---- language ----

  function switchLanguage(lang) {
    lang = normaliseLanguage(lang) || "en";
    store.set(KEYS.lang, lang);
    fetchStrings(lang).then((strings) => {
      state.lang = lang;
      state.strings = strings;
      retranslate();
      renderCampaign(state.campaign);
      ui.callbackLink.href = callbackUrl();
      // The server speaks the hello's language (errors, e-mails): say hello again.
      if (state.socket) { disconnect(); connect(); }
    }).catch(() => showError(t("error_generic")));
  }

  // ---- start ----

  function start() {
    fetchStrings(state.lang)
      .catch(() => fetchStrings((state.lang = "en")))
      .then((strings) => {
        state.strings = strings;
        mount();
        // Connect at once only to resume; a page view alone should not open a socket.
        if (state.token || state.pending.length) connect();
        if (state.wantOpen) openPanel();
        timers.sync = window.setInterval(syncNow, SYNC_EVERY_MS);
        document.addEventListener("visibilitychange", onVisible);
        window.addEventListener("online", () => {
          if (!state.socket && !state.stopped && state.token) connect();
        });
      })
      .catch((error) => { if (window.console) window.console.warn("exdesk widget:", error); });
  }

  function syncNow() {
    if (state.ready && state.conversation) send({ type: "sync", after: state.lastSeq });
  }

  function onVisible() {
    if (document.visibilityState !== "visible") return;
    // Background tabs throttle timers, so a waiting reconnect may be long overdue.
    if (!state.socket && !state.stopped && (state.token || state.isOpen)) connect();
    syncNow();
    sendRead();
  }

  window.exdeskWidget = {
    open: openPanel,
    close: closePanel,
    state: () => ({
      connected: state.ready,
      conversation: state.conversation,
      lastSeq: state.lastSeq,
      pending: state.pending.length,
    }),
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
