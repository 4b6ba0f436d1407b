// The co-pilot dock: one ES module, no build step.
//
// A turn streams POST /api/chat with fetch and a stream reader (EventSource cannot POST).
// Tokens go into a text node, never innerHTML; when the reply is done the turn is swapped
// for the server's rendering (Markdown sanitised with nh3, cards, candidate buttons), which
// is the only HTML this module inserts. Contracts with the pages are in NOTES-web.md:
//   listens  document "live-event"      {event, data, id}  approval.updated, confirm.required,
//                                                          job.progress
//   sends    body     "records-changed"  {procedure, records: [{type, id, url}]}
// An action card with `undo.available` gets an Undo button (POST /api/actions/{id}/undo).

const dock = document.querySelector("[data-dock]");
if (dock) init(dock);

function init(root) {
  const $ = (name) => root.querySelector(`[data-${name}]`);
  const toggle = document.querySelector("[data-dock-toggle]");
  const log = $("dock-log");
  const form = $("dock-form");
  const input = $("dock-message");
  const send = $("dock-send");
  const stop = $("dock-stop");
  const typing = $("dock-typing");
  const history = $("dock-history");
  const historyToggle = $("dock-history-toggle");
  const search = $("dock-search");
  const list = $("dock-conversations");
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  const storeKey = `copilot:conversation:${root.dataset.userId}`;
  const openKey = "copilot:open";

  let conversationId = Number(read(storeKey)) || null;
  let busy = null; // the running turn: {controller, ...}
  let loaded = false;

  // -- storage (private windows may refuse it: the dock still works within the page) --------

  function read(key) {
    try { return sessionStorage.getItem(key); } catch { return null; }
  }
  function write(key, value) {
    try {
      if (value === null) sessionStorage.removeItem(key); else sessionStorage.setItem(key, value);
    } catch { /* ignore */ }
  }
  function remember(id) {
    conversationId = id;
    write(storeKey, id === null ? null : String(id));
  }

  // -- opening and closing -------------------------------------------------------------------

  function isOpen() { return !root.hidden; }

  function open({ focus = true } = {}) {
    root.hidden = false;
    toggle?.setAttribute("aria-expanded", "true");
    document.body.classList.add("dock-open");
    write(openKey, "1");
    if (!loaded) { loaded = true; restore(); }
    if (focus) input.focus();
  }

  function close() {
    root.hidden = true;
    toggle?.setAttribute("aria-expanded", "false");
    document.body.classList.remove("dock-open");
    write(openKey, null);
    toggle?.focus();
  }

  toggle?.addEventListener("click", () => (isOpen() ? close() : open()));
  $("dock-close").addEventListener("click", close);
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") {
      event.preventDefault();
      if (isOpen() && root.contains(document.activeElement)) close(); else open();
    } else if (event.key === "Escape" && isOpen() && !event.defaultPrevented) {
      if (!history.hidden && history.contains(document.activeElement)) { showHistory(false); return; }
      close();
    }
  });

  // -- fetching fragments --------------------------------------------------------------------

  function headers(extra = {}) {
    return { "X-CSRF-Token": csrf, ...extra };
  }

  async function fragment(url) {
    const response = await fetch(url, { headers: headers({ Accept: "text/html" }) });
    if (response.redirected && new URL(response.url).pathname !== new URL(url, location.href).pathname) {
      const error = new Error("signed out"); // a page route sends a signed-out browser to sign in
      error.status = 401;
      throw error;
    }
    if (!response.ok) {
      const error = new Error(`${response.status}`);
      error.status = response.status;
      throw error;
    }
    return response.text();
  }

  function place(container, html) {
    // Server-rendered and sanitised (nh3); never model text straight from the stream.
    container.innerHTML = html;
    primeProgress(container);
    markUndone(container);
  }

  // Actions undone from this page: a rendering fetched before the undo landed still says so.
  const undoneIds = new Set();

  function markUndone(container) {
    for (const button of container.querySelectorAll("[data-dock-undo]")) {
      if (!undoneIds.has(button.dataset.dockUndo)) continue;
      const status = document.createElement("span");
      status.className = "status status--undone";
      status.setAttribute("role", "status");
      status.textContent = "undone";
      button.replaceWith(status);
    }
  }

  // A turn started while a fragment was loading wins: the log is never replaced under it.
  let epoch = 0;

  async function restore() {
    const mine = ++epoch;
    if (conversationId) {
      try {
        const html = await fragment(`/dock/conversations/${conversationId}`);
        if (mine !== epoch) return;
        place(log, html);
        followReply(mine);
        if (log.childElementCount) { scrollDown(); return; }
      } catch (error) {
        if (error.status === 404) remember(null);
      }
    }
    await intro(mine);
  }

  // Read while a turn was still running (a reload mid-reply, or just after Stop): read the
  // conversation again, more slowly each time, until its reply is stored.
  function followReply(mine, wait = 400) {
    if (!log.querySelector("[data-dock-replying]")) return;
    setTimeout(async () => {
      if (mine !== epoch || !conversationId) return;
      try {
        const html = await fragment(`/dock/conversations/${conversationId}`);
        if (mine !== epoch) return;
        place(log, html);
        scrollDown();
        followReply(mine, Math.min(wait * 2, 5000));
      } catch { /* signed out or gone: the next open of the dock says so */ }
    }, wait);
  }

  async function intro(mine = ++epoch) {
    try {
      const html = await fragment("/dock/intro");
      if (mine === epoch) place(log, html);
    } catch (error) {
      if (mine !== epoch) return;
      log.replaceChildren(note(error.status === 401
        ? "Your session has ended. Reload the page to sign in again."
        : "The co-pilot could not load. Check your connection and reopen it."));
    }
  }

  function note(text, kind = "") {
    const p = document.createElement("p");
    p.className = `dock-note ${kind}`.trim();
    p.textContent = text;
    return p;
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  // -- a turn --------------------------------------------------------------------------------

  function context() {
    const data = document.body.dataset;
    const ctx = { page: (data.page || "").slice(0, 200), locale: navigator.language || "" };
    const contactId = Number(data.contactId);
    if (Number.isInteger(contactId) && contactId > 0) ctx.contact_id = contactId;
    if (!/^[A-Za-z0-9-]*$/.test(ctx.locale)) ctx.locale = "";
    return ctx;
  }

  function bubble(role, text) {
    const message = document.createElement("div");
    message.className = `dock-msg dock-msg--${role}`;
    const who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = role === "user" ? "You said:" : "Co-pilot replied:";
    const body = document.createElement("div");
    body.className = role === "user" ? "dock-bubble dock-bubble--plain" : "dock-bubble dock-bubble--streaming";
    const words = document.createTextNode(text);
    body.append(words);
    message.append(who, body);
    return { message, body, words };
  }

  function setBusy(turn) {
    busy = turn;
    const running = turn !== null;
    send.hidden = running;
    stop.hidden = !running;
    typing.hidden = !running;
    log.setAttribute("aria-busy", running ? "true" : "false");
    if (!running && root.contains(document.activeElement) && document.activeElement === stop) input.focus();
  }

  async function say(text) {
    text = text.trim();
    if (!text || busy) return;
    epoch += 1;
    log.querySelector("[data-dock-intro]")?.remove();
    for (const loading of log.querySelectorAll(":scope > .dock-note")) loading.remove();
    for (const choices of log.querySelectorAll(".dock-choices")) choices.remove();
    const container = document.createElement("div");
    container.className = "dock-turn";
    const mine = bubble("user", text);
    const reply = bubble("assistant", "");
    container.append(mine.message, reply.message);
    log.append(container);
    scrollDown();
    await run(text, container, reply);
  }

  async function run(text, container, reply) {
    const turn = { controller: new AbortController(), container, reply, text, since: 0,
                   done: false, error: null, stopped: false };
    setBusy(turn);
    const body = { message: text, context: context() };
    if (conversationId) body.conversation_id = conversationId;
    try {
      const response = await fetch("/api/chat", {
        method: "POST",
        headers: headers({ "Content-Type": "application/json", Accept: "text/event-stream" }),
        body: JSON.stringify(body),
        signal: turn.controller.signal,
      });
      if (!response.ok) {
        turn.error = { message: await problem(response), retryable: response.status >= 500 || response.status === 409 };
      } else {
        for await (const event of events(response)) handle(turn, event);
      }
    } catch (error) {
      if (!turn.stopped) turn.error = { message: "The connection to the server was lost.", retryable: true };
    }
    setBusy(null);
    if (turn.stopped) return interrupted(turn);
    if (turn.error) return failed(turn);
    if (!turn.done) {
      turn.error = { message: "The reply ended before it was finished.", retryable: true };
      return failed(turn);
    }
    await swap(turn);
  }

  async function problem(response) {
    if (response.status === 401) return "Your session has ended. Sign in again to keep chatting.";
    try {
      const data = await response.json();
      return data?.error?.message || data?.detail || `The server answered ${response.status}.`;
    } catch {
      return `The server answered ${response.status}.`;
    }
  }

  async function* events(response) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let match;
      while ((match = /\r?\n\r?\n/.exec(buffer))) {
        const block = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        const parsed = parse(block);
        if (parsed) yield parsed;
      }
    }
  }

  function parse(block) {
    let kind = "message";
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith(":")) continue;
      const at = line.indexOf(":");
      const field = at < 0 ? line : line.slice(0, at);
      const value = at < 0 ? "" : line.slice(at + 1).replace(/^ /, "");
      if (field === "event") kind = value;
      else if (field === "data") data.push(value);
    }
    if (!data.length) return null;
    try { return { kind, data: JSON.parse(data.join("\n")) }; } catch { return null; }
  }

  function handle(turn, { kind, data }) {
    switch (kind) {
      case "turn.start":
        remember(data.conversation_id);
        turn.since = data.message_id;
        break;
      case "message.delta":
        turn.reply.words.appendData(data.text);
        scrollDown();
        break;
      case "action.result":
        turn.container.append(actionCard(data));
        if (data.ok && data.records?.length) {
          document.body.dispatchEvent(new CustomEvent("records-changed", {
            bubbles: true, detail: { procedure: data.procedure, records: data.records },
          }));
        }
        scrollDown();
        break;
      case "approval.required":
        turn.container.append(approvalCard(data));
        scrollDown();
        break;
      case "confirm.required":
        turn.container.append(confirmPlaceholder(data));
        fillConfirm(data.action_id);
        scrollDown();
        break;
      case "message.done":
        turn.done = true;
        turn.until = data.message_id;
        break;
      case "message.error":
        turn.error = { message: sentence(data.message), retryable: Boolean(data.retryable) };
        break;
      default:
        break; // tool.call, question.asked: the server's rendering shows them
    }
  }

  function sentence(text) {
    const s = String(text || "Something went wrong.");
    return s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? "" : ".");
  }

  // Cards shown while the turn runs; the server's rendering replaces them when it ends.
  function card(kind, label, title) {
    const article = document.createElement("article");
    article.className = `dock-card dock-card--${kind}`;
    article.setAttribute("aria-label", label);
    const p = document.createElement("p");
    p.className = "dock-card-title";
    p.textContent = title;
    article.append(p);
    return article;
  }

  function actionCard(data) {
    const article = card(data.ok ? "ok" : "failed", data.summary, data.summary);
    const links = document.createElement("ul");
    links.className = "dock-card-links";
    for (const record of data.records || []) {
      if (record.type === "job") {
        const bar = document.createElement("progress");
        bar.dataset.jobId = String(record.id);
        bar.setAttribute("aria-label", "Progress");
        article.append(bar);
        continue;
      }
      const a = document.createElement("a");
      a.href = record.url;
      a.textContent = record.label ? `Open ${record.label}` : `Open ${record.type} #${record.id}`;
      const li = document.createElement("li");
      li.append(a);
      links.append(li);
    }
    if (links.childElementCount) article.append(links);
    if (data.action_id) article.append(undoBox(data.action_id, data.undo, data.summary));
    return article;
  }

  // The Undo button of an action (or an executed approval), while its undo window is open.
  function undoBox(actionId, undo, summary) {
    const box = document.createElement("div");
    box.className = "dock-undo";
    box.dataset.actionId = String(actionId);
    if (undo?.available) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button--quiet";
      button.dataset.dockUndo = String(actionId);
      button.textContent = "Undo";
      button.setAttribute("aria-label", summary ? `Undo: ${summary}` : "Undo");
      box.append(button);
    }
    return box;
  }

  async function undo(button, id) {
    const box = button.closest("[data-action-id]");
    box?.querySelector(".dock-error")?.remove();
    button.disabled = true;
    let response;
    try {
      response = await fetch(`/api/actions/${encodeURIComponent(id)}/undo`, {
        method: "POST",
        headers: headers({ Accept: "application/json" }),
      });
    } catch {
      button.disabled = false;
      box?.append(note("The connection to the server was lost.", "dock-error"));
      return;
    }
    if (!response.ok) {
      button.disabled = false;
      box?.append(note(sentence(await problem(response)), "dock-error"));
      return;
    }
    undoneIds.add(String(id));
    markUndone(root);
    document.body.dispatchEvent(new CustomEvent("records-changed", {
      bubbles: true, detail: { procedure: "actions.undo", records: [] },
    }));
  }

  function approvalCard(data) {
    const article = card("approval", `Approval request #${data.approval_id}`, "Needs approval");
    article.dataset.approvalId = String(data.approval_id);
    const facts = document.createElement("dl");
    facts.className = "dock-facts";
    const roles = (data.approver_roles || []).map((r) => r.replace("_", " ")).join(" or ");
    for (const [term, value, status] of [["What will run", data.summary], ["Who may decide", roles], ["Status", "pending", true]]) {
      const div = document.createElement("div");
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      if (status) {
        const span = document.createElement("span");
        span.className = "status status--pending";
        span.dataset.approvalStatus = "";
        span.textContent = value;
        dd.append(span);
      } else {
        dd.textContent = value;
      }
      div.append(dt, dd);
      facts.append(div);
    }
    article.append(facts);
    return article;
  }

  // A call waiting for my click: a placeholder with the counts, then the server's card with
  // the preview (names), fetched by this authorised request.
  function confirmPlaceholder(data) {
    const article = card("confirm", `Confirmation #${data.action_id}`, "Confirm before it runs");
    article.dataset.actionId = String(data.action_id);
    const p = document.createElement("p");
    p.className = "dock-note";
    p.textContent = data.summary;
    article.append(p);
    return article;
  }

  async function fillConfirm(id) {
    let html;
    try { html = await fragment(`/dock/actions/${encodeURIComponent(id)}`); } catch { return null; }
    const template = document.createElement("template");
    template.innerHTML = html; // server-rendered, escaped
    const fresh = template.content.firstElementChild;
    const old = root.querySelector(`[data-action-id="${CSS.escape(String(id))}"]`);
    if (old && fresh) old.replaceWith(fresh);
    return fresh;
  }

  async function swap(turn) {
    if (!turn.since || !conversationId) return;
    turn.reply.body.classList.remove("dock-bubble--streaming");
    try {
      // Only this turn's messages: the next turn may already be stored.
      const range = `since=${turn.since}&until=${turn.until}`;
      place(turn.container, await fragment(`/dock/conversations/${conversationId}?${range}`));
    } catch {
      // The streamed text stays (as text); nothing is lost but the formatting.
    }
    scrollDown();
  }

  function interrupted(turn) {
    turn.reply.body.classList.remove("dock-bubble--streaming");
    turn.reply.message.classList.add("dock-msg--interrupted");
    if (!turn.reply.words.length) turn.reply.words.appendData("(stopped before the reply began)");
    turn.reply.message.append(note("Interrupted: you stopped this reply.", "dock-flag"));
    input.focus();
  }

  function failed(turn) {
    turn.reply.body.classList.remove("dock-bubble--streaming");
    turn.reply.message.classList.add("dock-msg--error");
    const box = document.createElement("div");
    box.className = "dock-error";
    box.setAttribute("role", "alert");
    box.append(note(turn.error.message, "dock-error-text"));
    if (turn.error.retryable) {
      const retry = document.createElement("button");
      retry.type = "button";
      retry.className = "button button--quiet";
      retry.textContent = "Retry";
      retry.addEventListener("click", () => {
        box.remove();
        turn.reply.words.data = "";
        turn.reply.message.classList.remove("dock-msg--error");
        turn.reply.body.classList.add("dock-bubble--streaming");
        for (const extra of turn.container.querySelectorAll(".dock-card")) extra.remove();
        run(turn.text, turn.container, turn.reply);
      });
      box.append(retry);
    }
    turn.reply.message.append(box);
    scrollDown();
  }

  stop.addEventListener("click", () => {
    if (!busy) return;
    busy.stopped = true;
    busy.controller.abort();
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) { input.focus(); return; }
    input.value = "";
    say(text);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // -- buttons inside the log: candidates, examples, approve and reject ------------------------

  root.addEventListener("click", async (event) => {
    const target = event.target.closest("button");
    if (!target || !root.contains(target)) return;
    if (target.dataset.dockSay !== undefined) {
      say(target.dataset.dockSay);
    } else if (target.dataset.dockApprove) {
      await decide(target, target.dataset.dockApprove, "approve");
    } else if (target.dataset.dockReject) {
      await decide(target, target.dataset.dockReject, "reject");
    } else if (target.dataset.dockConfirm) {
      await settle(target, target.dataset.dockConfirm, "confirm");
    } else if (target.dataset.dockCancel) {
      await settle(target, target.dataset.dockCancel, "cancel");
    } else if (target.dataset.dockUndo) {
      await undo(target, target.dataset.dockUndo);
    } else if (target.dataset.dockOpen) {
      remember(Number(target.dataset.dockOpen));
      showHistory(false);
      await restore();
      input.focus();
    }
  });

  async function decide(button, id, how) {
    const cardNode = button.closest("[data-approval-id]");
    const reasonInput = cardNode?.querySelector("input");
    const reason = reasonInput?.value.trim() ?? "";
    cardNode?.querySelector(".dock-error")?.remove();
    if (how === "reject" && !reason) {
      reasonInput?.setAttribute("aria-invalid", "true");
      cardNode?.append(note("Give a reason for rejecting.", "dock-error"));
      reasonInput?.focus();
      return;
    }
    const response = await fetch(`/api/approvals/${encodeURIComponent(id)}/${how}`, {
      method: "POST",
      headers: headers({ "Content-Type": "application/json", Accept: "application/json" }),
      body: JSON.stringify(how === "reject" ? { reason } : {}),
    });
    if (!response.ok) {
      cardNode?.append(note(await problem(response), "dock-error"));
      return;
    }
    const approval = await response.json();
    showStatus(approval.approval_id ?? Number(id), approval.status);
  }

  // Confirm or Cancel a call waiting for me; the card is then redrawn by the server (done,
  // or stale with what changed, or the reason it failed).
  async function settle(button, id, how) {
    const cardNode = button.closest("[data-action-id]");
    for (const b of cardNode?.querySelectorAll("button") || []) b.disabled = true;
    cardNode?.querySelector(".dock-error")?.remove();
    const response = await fetch(`/api/actions/${encodeURIComponent(id)}/${how}`, {
      method: "POST",
      headers: headers({ Accept: "application/json" }),
    });
    const message = response.ok ? null : await problem(response);
    const fresh = await fillConfirm(id);
    if (message) (fresh || cardNode)?.append(note(sentence(message), "dock-error"));
    if (response.ok && how === "confirm") {
      document.body.dispatchEvent(new CustomEvent("records-changed", {
        bubbles: true, detail: { procedure: "actions.confirm", records: [] },
      }));
    }
    const shown = fresh || cardNode;
    if (shown && root.contains(shown)) { shown.setAttribute("tabindex", "-1"); shown.focus(); }
  }

  function showStatus(id, status) {
    for (const node of root.querySelectorAll(`[data-approval-id="${CSS.escape(String(id))}"]`)) {
      const badge = node.querySelector("[data-approval-status]");
      if (badge) {
        badge.textContent = String(status).replace("_", " ");
        badge.className = `status status--${status}`;
      }
      if (status !== "pending") node.querySelector("[data-dock-decide]")?.remove();
    }
  }

  // -- live updates (events.js re-dispatches /api/events) ------------------------------------

  document.addEventListener("live-event", (event) => {
    const { event: kind, data } = event.detail || {};
    if (kind === "approval.updated") {
      showStatus(data.approval_id, data.status);
      showReason(data.approval_id, data.reason);
      if (data.action_id && data.undo?.available) offerUndo(data);
    } else if (kind === "approval.required") offer(data.approval_id);
    else if (kind === "confirm.required") offerConfirm(data.action_id);
  });

  // A reject's reason (or an approver's note) on my request's card, as it arrives.
  function showReason(id, reason) {
    if (!reason) return;
    for (const node of root.querySelectorAll(`[data-approval-id="${CSS.escape(String(id))}"]`)) {
      const row = node.querySelector("[data-approval-reason-row]");
      const value = node.querySelector("[data-approval-reason]");
      if (row && value) { value.textContent = reason; row.hidden = false; }
    }
  }

  // An approver edited my request: the edited call, for me to confirm or cancel.
  async function offerConfirm(id) {
    if (!loaded || busy || root.querySelector(`[data-action-id="${CSS.escape(String(id))}"]`)) return;
    const fresh = await fillConfirm(id);
    if (!fresh || root.querySelector(`[data-action-id="${CSS.escape(String(id))}"]`)) return;
    log.querySelector("[data-dock-intro]")?.remove();
    log.append(fresh);
    scrollDown();
  }


  // An approved call that ran: its approval card gets the action's Undo button.
  function offerUndo(data) {
    for (const node of root.querySelectorAll(`[data-approval-id="${CSS.escape(String(data.approval_id))}"]`)) {
      if (!node.querySelector("[data-action-id]")) node.append(undoBox(data.action_id, data.undo, ""));
    }
  }

  // A request someone else made, arriving while the dock is loaded: a card to decide it.
  async function offer(id) {
    if (!loaded || root.querySelector(`[data-approval-id="${CSS.escape(String(id))}"]`)) return;
    let html;
    try { html = await fragment(`/dock/approvals/${encodeURIComponent(id)}`); } catch { return; }
    const template = document.createElement("template");
    template.innerHTML = html; // server-rendered, sanitised
    if (!template.content.querySelector("[data-dock-decide]")) return; // mine, or not mine to decide
    if (root.querySelector(`[data-approval-id="${CSS.escape(String(id))}"]`)) return;
    log.querySelector("[data-dock-intro]")?.remove();
    log.append(template.content);
    scrollDown();
  }

  async function primeProgress(container) {
    for (const bar of container.querySelectorAll("progress[data-job-id]")) {
      try {
        const response = await fetch(`/api/jobs/${encodeURIComponent(bar.dataset.jobId)}`, { headers: headers({ Accept: "application/json" }) });
        if (!response.ok) continue;
        const job = await response.json();
        if (job.total) { bar.max = job.total; bar.value = job.done; }
        else if (job.status === "succeeded") { bar.max = 1; bar.value = 1; }
      } catch { /* the live events fill it */ }
    }
  }

  // -- past conversations --------------------------------------------------------------------

  let searchTimer = 0;

  function showHistory(show) {
    history.hidden = !show;
    historyToggle.setAttribute("aria-expanded", show ? "true" : "false");
    if (show) { listConversations(); search.focus(); } else historyToggle.focus();
  }

  async function listConversations() {
    const q = encodeURIComponent(search.value.trim());
    try {
      place(list, await fragment(`/dock/conversations?q=${q}`));
    } catch {
      list.replaceChildren(note("Could not load your conversations."));
    }
  }

  historyToggle.addEventListener("click", () => showHistory(history.hidden));
  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(listConversations, 250);
  });

  $("dock-new").addEventListener("click", async () => {
    if (busy) { busy.stopped = true; busy.controller.abort(); }
    remember(null);
    showHistory(false);
    await intro();
    input.focus();
  });

  // Buttons elsewhere on the page (Home's recent conversations) open one in the dock.
  document.addEventListener("click", async (event) => {
    const target = event.target.closest("[data-dock-open]");
    if (!target || root.contains(target)) return;
    remember(Number(target.dataset.dockOpen));
    const first = !loaded;
    open();
    if (!first) await restore();
  });

  if (read(openKey)) open({ focus: false });
}
