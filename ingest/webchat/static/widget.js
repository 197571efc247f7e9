/* Conversations inbox: web-chat widget. Embed with
 *   <script src="https://inbox.example.com/widget.js" data-widget-key="wk_..." async></script>
 * No dependencies. Renders in a shadow root so the host page's styles leave it alone, and puts
 * every customer or business text in the page with textContent only, never as HTML. */
(function () {
  "use strict";
  if (window.InboxChat) return; // embedded twice
  var script = document.currentScript || document.querySelector("script[data-widget-key]");
  var KEY = script && script.getAttribute("data-widget-key");
  if (!KEY) return;
  var BASE = script.src.replace(/\/widget\.js(?:[?#].*)?$/, "");
  var COLOR = script.getAttribute("data-color") || "#13a89e";
  var POLL_MS = 2000, MAX_BACKOFF_MS = 30000;
  var PREFIX = "inbox-chat:" + KEY + ":";

  // Storage can be off (privacy modes); the chat then lasts as long as the page.
  function storage(kind) {
    var memory = {};
    function area() { try { return window[kind]; } catch (e) { return null; } }
    return {
      get: function (k) { try { return area().getItem(PREFIX + k); } catch (e) { return memory[k] || null; } },
      set: function (k, v) { try { area().setItem(PREFIX + k, v); } catch (e) { memory[k] = v; } },
      remove: function (k) { try { area().removeItem(PREFIX + k); } catch (e) { delete memory[k]; } }
    };
  }
  var local = storage("localStorage"), tab = storage("sessionStorage");

  function randomHex(bytes) {
    var data = new Uint8Array(bytes);
    (window.crypto || window.msCrypto).getRandomValues(data);
    return Array.prototype.map.call(data, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function visitorId() {
    var id = local.get("visitor");
    if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) { id = "v_" + randomHex(16); local.set("visitor", id); }
    return id;
  }

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}",
    ".launcher{position:fixed;right:20px;bottom:20px;width:60px;height:60px;border-radius:50%;border:0;",
    "background:var(--c);color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.25);cursor:pointer;z-index:2147483000;",
    "display:flex;align-items:center;justify-content:center}",
    ".launcher:focus-visible,button:focus-visible{outline:3px solid #f5b700;outline-offset:2px}",
    "textarea:focus,input:focus{outline:2px solid var(--c);outline-offset:0;border-color:var(--c)}",
    ".launcher .shut,.launcher.open .chat{display:none}.launcher.open .shut{display:block}",
    ".intro{align-self:center;text-align:center;font-size:13px;color:#616e7c;margin:4px 12px 8px}",
    ".panel{position:fixed;right:20px;bottom:92px;width:370px;max-width:calc(100vw - 24px);height:540px;",
    "max-height:calc(100vh - 112px);background:#fff;border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.28);",
    "display:flex;flex-direction:column;overflow:hidden;z-index:2147483000;color:#1f2933;font-size:15px}",
    ".panel[hidden]{display:none}",
    "header{background:var(--c);color:#fff;padding:14px 12px 14px 18px;display:flex;align-items:center;gap:8px}",
    "header h2{font-size:16px;margin:0;flex:1;font-weight:650}",
    "header p{margin:2px 0 0;font-size:12.5px;opacity:.9}",
    ".close{background:transparent;border:0;color:#fff;font-size:24px;line-height:1;cursor:pointer;padding:4px 8px;border-radius:8px}",
    ".status{font-size:13px;padding:7px 14px;background:#fff4ce;color:#5c4400}",
    ".status:empty{display:none}",
    ".log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:6px;background:#f7f8fa}",
    ".who{font-size:11.5px;color:#616e7c;margin:6px 4px 0}",
    ".who.visitor{align-self:flex-end}",
    ".msg{max-width:82%;padding:9px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.4}",
    ".msg.visitor{align-self:flex-end;background:var(--c);color:#fff;border-bottom-right-radius:4px}",
    ".msg.ai,.msg.team{align-self:flex-start;background:#fff;border:1px solid #e4e7eb;border-bottom-left-radius:4px}",
    ".msg.pending{opacity:.65}",
    ".note{align-self:flex-end;font-size:12px;color:#b42318;display:flex;gap:8px;align-items:center}",
    ".note button{font-size:12px;border:1px solid #b42318;color:#b42318;background:#fff;border-radius:999px;padding:2px 10px;cursor:pointer}",
    ".lead{background:#fff;border:1px solid #e4e7eb;border-radius:12px;padding:12px;margin:6px 0;display:flex;flex-direction:column;gap:8px}",
    ".lead p{margin:0;font-size:14px}",
    ".lead input{border:1px solid #cbd2d9;border-radius:8px;padding:8px 10px;font-size:14px;width:100%}",
    ".lead .row{display:flex;gap:8px}",
    ".lead .err{color:#b42318;font-size:13px}",
    ".lead .err:empty{display:none}",
    ".primary{background:var(--c);color:#fff;border:0;border-radius:8px;padding:8px 14px;font-weight:600;cursor:pointer}",
    ".link{background:transparent;border:0;color:#52606d;cursor:pointer;padding:8px 6px;text-decoration:underline}",
    "form.composer{display:flex;gap:8px;padding:10px;border-top:1px solid #e4e7eb;background:#fff}",
    "textarea{flex:1;resize:none;border:1px solid #cbd2d9;border-radius:10px;padding:9px 10px;font-size:15px;height:42px;max-height:120px}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    // Full screen on a phone, where the header's close button stands in for the launcher.
    "@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100%;max-height:100%;border-radius:0}.launcher.open{display:none}}"
  ].join("");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs || {}) node.setAttribute(name, attrs[name]);
    if (text != null) node.textContent = text;
    return node;
  }
  function icon(name, d) { // drawn with DOM calls (no markup strings)
    var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg"), path = document.createElementNS(ns, "path");
    svg.setAttribute("viewBox", "0 0 24 24"); svg.setAttribute("width", "28"); svg.setAttribute("height", "28");
    svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false"); svg.setAttribute("class", name);
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", d);
    svg.appendChild(path);
    return svg;
  }

  // ---- the DOM
  var hostEl = el("div", { "data-inbox-chat": "" });
  var root = hostEl.attachShadow ? hostEl.attachShadow({ mode: "open" }) : hostEl;
  if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    var sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); root.adoptedStyleSheets = [sheet]; // not blocked by a page's CSP
  } else {
    root.appendChild(el("style", {}, CSS));
  }
  var wrap = el("div", { style: "--c:" + COLOR });
  var launcher = el("button", { class: "launcher", type: "button", "aria-label": "Open chat", "aria-expanded": "false", "aria-controls": "inbox-chat-panel" });
  launcher.appendChild(icon("chat", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"));
  launcher.appendChild(icon("shut", "M6.4 8.6 12 14.2l5.6-5.6L19 10l-7 7-7-7z"));
  var panel = el("section", { class: "panel", id: "inbox-chat-panel", role: "dialog", "aria-labelledby": "inbox-chat-title", hidden: "" });
  var header = el("header"), heading = el("div", { style: "flex:1" });
  var title = el("h2", { id: "inbox-chat-title" }, "Chat with us");
  heading.appendChild(title);
  heading.appendChild(el("p", {}, "We usually reply within a minute."));
  var closeBtn = el("button", { class: "close", type: "button", "aria-label": "Close chat" }, "×");
  header.appendChild(heading); header.appendChild(closeBtn);
  var status = el("div", { class: "status", role: "status" });
  var log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": "Messages" });
  log.appendChild(el("p", { class: "intro" }, "Ask us anything: we answer right here, day or night."));
  var composer = el("form", { class: "composer" });
  var label = el("label", { class: "sr", for: "inbox-chat-input" }, "Your message");
  var input = el("textarea", { id: "inbox-chat-input", rows: "1", maxlength: "4000", placeholder: "Type your message…", autocomplete: "off" });
  var sendBtn = el("button", { class: "primary", type: "submit", "aria-label": "Send message" }, "Send");
  composer.appendChild(label); composer.appendChild(input); composer.appendChild(sendBtn);
  panel.appendChild(header); panel.appendChild(status); panel.appendChild(log); panel.appendChild(composer);
  wrap.appendChild(panel); wrap.appendChild(launcher);
  root.appendChild(wrap);

  // ---- talking to ingest
  var state = { token: null, cursor: null, open: false, timer: null, failures: 0,
                seen: {}, pending: {}, lastSender: null, leadCaptured: false, leadShown: false, opening: null };

  function call(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (state.token) headers.Authorization = "Bearer " + state.token;
    return fetch(BASE + path, { method: method, headers: headers, mode: "cors", credentials: "omit", cache: "no-store",
                                body: body ? JSON.stringify(body) : undefined })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return { status: response.status, data: data, retryAfter: parseInt(response.headers.get("Retry-After") || "5", 10) };
        });
      });
  }
  function dropSession() { state.token = null; }

  function openSession() { // one at a time; gives the history too
    if (state.token) return Promise.resolve(true);
    if (state.opening) return state.opening;
    state.opening = call("POST", "/chat/sessions", { widget_key: KEY, visitor_id: visitorId() }).then(function (r) {
      state.opening = null;
      if (r.status !== 200) { throw r; }
      state.token = r.data.token;
      local.set("visitor", r.data.visitor_id);
      if (r.data.business) title.textContent = r.data.business;
      state.leadCaptured = !!r.data.lead_captured;
      (r.data.messages || []).forEach(show);
      setCursor(r.data.cursor);
      return true;
    }, function (error) { state.opening = null; throw error; });
    return state.opening;
  }
  function setCursor(cursor) { if (cursor != null) state.cursor = String(cursor); }

  function setStatus(text) { if (status.textContent !== text) status.textContent = text; }
  function trouble(r) {
    if (r && r.status === 429) return "You're sending messages quickly. Please wait " + r.retryAfter + " seconds.";
    if (r && r.status === 404) return "Chat is unavailable right now. Please call us instead.";
    if (!navigator.onLine) return "You're offline. We'll reconnect when you're back.";
    return "Can't reach the chat right now. Retrying…";
  }

  // ---- messages
  var WHO = { ai: "AI assistant", team: "Team", visitor: "You" };
  function bubble(sender, text, pending) {
    if (state.lastSender !== sender) log.appendChild(el("div", { class: "who " + sender, "aria-hidden": "true" }, WHO[sender] || ""));
    state.lastSender = sender;
    var node = el("div", { class: "msg " + sender + (pending ? " pending" : "") }, text);
    node.appendChild(el("span", { class: "sr" }, " (" + (WHO[sender] || "") + ")"));
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
    return node;
  }
  function show(m) { // a message from ingest; each id once
    if (state.seen[m.id]) return;
    state.seen[m.id] = true;
    var mine = m.sender === "visitor" && m.client_id && state.pending[m.client_id];
    if (mine) return confirmSent(mine, m.id);
    bubble(m.sender, m.body);
  }
  function confirmSent(item, id) {
    state.seen[id] = true;
    delete state.pending[item.clientId];
    item.node.classList.remove("pending");
    if (item.note) { item.note.remove(); item.note = null; }
  }
  function failed(item, text, retry) {
    if (item.note) item.note.remove();
    item.note = el("div", { class: "note", role: "alert" }, text);
    if (retry) {
      var again = el("button", { type: "button" }, "Retry");
      again.addEventListener("click", function () { deliver(item); });
      item.note.appendChild(again);
    }
    item.node.after(item.note);
  }

  function send(text) {
    var item = { clientId: "cm_" + randomHex(12), body: text, node: bubble("visitor", text, true), note: null };
    state.pending[item.clientId] = item;
    deliver(item);
  }
  function deliver(item) { // retries reuse the client id, so ingest stores the message once
    if (item.note) { item.note.remove(); item.note = null; }
    var attempt = function (again) {
      return openSession().then(function () {
        return call("POST", "/chat/messages", { body: item.body, client_id: item.clientId });
      }).then(function (r) {
        if (r.status === 401 && again) { dropSession(); return attempt(false); }
        if (r.status === 200 || r.status === 201) { confirmSent(item, r.data.id); setStatus(""); offerLeadForm(); return; }
        if (r.status === 422) return failed(item, "Not sent: " + (r.data.detail || "check the message."), false);
        failed(item, r.status === 429 ? trouble(r) : "Not sent.", true);
      });
    };
    attempt(true).catch(function (r) { failed(item, r && r.status === 404 ? trouble(r) : "Not sent: no connection.", true); });
  }

  // ---- live replies: poll after a cursor while the panel is open
  function schedule(ms) { clearTimeout(state.timer); state.timer = state.open ? setTimeout(poll, ms) : null; }
  function poll() {
    if (!state.open) return;
    if (document.hidden) return schedule(POLL_MS);
    var path = "/chat/messages" + (state.cursor != null ? "?after=" + encodeURIComponent(state.cursor) : "");
    openSession().then(function () { return call("GET", path); }).then(function (r) {
      if (r.status === 200) {
        (r.data.messages || []).forEach(show);
        setCursor(r.data.cursor);
        state.failures = 0; setStatus(""); return schedule(POLL_MS);
      }
      if (r.status === 401) { dropSession(); return schedule(POLL_MS); }
      throw r;
    }).catch(function (r) {
      state.failures += 1;
      setStatus(trouble(r));
      var wait = r && r.status === 429 ? r.retryAfter * 1000 : Math.min(MAX_BACKOFF_MS, POLL_MS * Math.pow(2, state.failures));
      schedule(r && r.status === 404 ? MAX_BACKOFF_MS : wait);
    });
  }

  // ---- the optional lead form, offered once after the visitor's first message
  function offerLeadForm() {
    if (state.leadCaptured || state.leadShown || local.get("lead")) return;
    state.leadShown = true;
    var form = el("form", { class: "lead", "aria-label": "Leave your name and email" });
    form.appendChild(el("p", {}, "Leave your name and email so we can follow up"));
    var name = el("input", { type: "text", name: "name", autocomplete: "name", placeholder: "Name", "aria-label": "Name", maxlength: "200" });
    var email = el("input", { type: "email", name: "email", autocomplete: "email", placeholder: "Email", "aria-label": "Email", maxlength: "320" });
    var error = el("div", { class: "err", role: "alert" });
    var row = el("div", { class: "row" });
    var save = el("button", { class: "primary", type: "submit" }, "Save");
    var skip = el("button", { class: "link", type: "button" }, "No thanks");
    row.appendChild(save); row.appendChild(skip);
    [name, email, error, row].forEach(function (node) { form.appendChild(node); });
    function done(text) {
      local.set("lead", "1");
      if (text) form.replaceWith(el("p", { class: "who" }, text)); else form.remove();
      input.focus();
    }
    skip.addEventListener("click", function () { done(""); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!name.value.trim() && !email.value.trim()) { error.textContent = "Add a name or an email."; return; }
      save.disabled = true; error.textContent = "";
      openSession().then(function () {
        return call("POST", "/chat/lead", { name: name.value, email: email.value });
      }).then(function (r) {
        save.disabled = false;
        if (r.status === 200) { state.leadCaptured = true; return done("Thanks! We'll follow up."); }
        error.textContent = r.status === 422 ? String(r.data.detail || "Check the details.").replace(/^email: /, "") : trouble(r);
      }).catch(function (r) { save.disabled = false; error.textContent = trouble(r); });
    });
    log.appendChild(form);
    log.scrollTop = log.scrollHeight;
  }

  // ---- opening, closing, keyboard
  function open() {
    if (state.open) return;
    state.open = true; tab.set("open", "1");
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true"); launcher.setAttribute("aria-label", "Close chat");
    launcher.classList.add("open");
    input.focus();
    poll();
  }
  function close() {
    if (!state.open) return;
    state.open = false; tab.remove("open");
    panel.hidden = true; schedule(0);
    launcher.setAttribute("aria-expanded", "false"); launcher.setAttribute("aria-label", "Open chat");
    launcher.classList.remove("open");
    launcher.focus();
  }
  launcher.addEventListener("click", function () { state.open ? close() : open(); });
  closeBtn.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") close(); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); composer.requestSubmit ? composer.requestSubmit() : submit(event); }
  });
  function submit(event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  }
  composer.addEventListener("submit", submit);
  document.addEventListener("visibilitychange", function () { if (!document.hidden && state.open) schedule(0); });
  window.addEventListener("online", function () {
    Object.keys(state.pending).forEach(function (id) { if (state.pending[id].note) deliver(state.pending[id]); });
    if (state.open) schedule(0);
  });

  function mount() {
    document.body.appendChild(hostEl);
    // A chat left open on the previous page of this tab opens again, with its history.
    if (tab.get("open")) open();
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
  window.InboxChat = { open: open, close: close };
})();
