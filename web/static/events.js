// Live updates for every page: one EventSource on /api/events, re-dispatched as DOM events.
//
// Contract (the dock and the pages listen to these; see NOTES-web.md):
//   document  "live-event"         detail {event, data, id}   every message from /api/events
//   body      "approvals-changed"  detail {event, data, id}   approval.required / approval.updated
//   body      "jobs-changed"       detail {event, data, id}   job.progress whose status moved
//                                                              (queued, started, finished)
//   body      "emails-changed"     detail {event, data, id}   email.status (a draft moved)
// It also keeps the navigation's approvals count and any <progress data-job-id> in step.
// Reconnects with a growing delay and resumes from the last event id it handled; a new page
// resumes from the event its server render reflects.

const KINDS = [
  "approval.required", "approval.updated", "confirm.required", "job.progress", "email.status",
  "action.result",
  "tool.call", "turn.start", "message.delta", "message.done", "message.error",
];
// The last status this page heard for each job: a job.progress that only counts up is not a change.
const jobStatus = new Map();
// The newest event this page reflects: the one rendered into it, then each one it handles.
// Never what an earlier page in this tab heard: that page may have handled an event after
// this one read its data (a job ending while a redirect loads), and skipping it here would
// leave this page stale for good. Replays are harmless: every handler is idempotent.
let newest = Number(document.querySelector('meta[name="events-after"]')?.content || 0);
let source = null;
let delay = 1000;

function lastId() {
  return newest > 0 ? String(newest) : null;
}

function remember(id) {
  const value = Number(id);
  if (Number.isFinite(value) && value > newest) newest = value;
}

async function refreshCount() {
  const badges = document.querySelectorAll("[data-approvals-count]");
  if (!badges.length) return;
  const response = await fetch("/approvals/count", { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const { waiting } = await response.json();
  for (const badge of badges) {
    badge.textContent = String(waiting);
    badge.classList.toggle("badge--empty", waiting === 0);
  }
}

function announce(text) {
  const region = document.querySelector("[data-live-status]");
  if (region) region.textContent = text;
}

function updateProgress(data) {
  for (const bar of document.querySelectorAll(`progress[data-job-id="${CSS.escape(String(data.job_id))}"]`)) {
    if (data.total) { bar.max = data.total; bar.value = data.done; }
  }
}

function handle(kind, message) {
  let data;
  try { data = JSON.parse(message.data); } catch { return; }
  remember(message.lastEventId);
  const detail = { event: kind, data, id: message.lastEventId };
  document.dispatchEvent(new CustomEvent("live-event", { detail }));
  if (kind.startsWith("approval.")) {
    document.body.dispatchEvent(new CustomEvent("approvals-changed", { bubbles: true, detail }));
    refreshCount().catch(() => {});
    if (kind === "approval.required") announce("A new approval request arrived.");
    else announce(`Approval request ${data.approval_id} is now ${data.status}.`);
  } else if (kind === "email.status") {
    document.body.dispatchEvent(new CustomEvent("emails-changed", { bubbles: true, detail }));
    announce(`E-mail draft ${data.draft_id} is now ${data.status}.`);
  } else if (kind === "job.progress") {
    updateProgress(data);
    if (jobStatus.get(data.job_id) !== data.status) {
      jobStatus.set(data.job_id, data.status);
      document.body.dispatchEvent(new CustomEvent("jobs-changed", { bubbles: true, detail }));
    }
  }
}

function connect() {
  const id = lastId();
  const url = id ? `/api/events?last_event_id=${encodeURIComponent(id)}` : "/api/events";
  source = new EventSource(url);
  source.onopen = () => {
    delay = 1000;
    document.documentElement.dataset.live = "open";  // for tests and styles: live updates on
  };
  for (const kind of KINDS) source.addEventListener(kind, (message) => handle(kind, message));
  source.onerror = () => {
    // The browser retries by itself while the stream is CONNECTING; a CLOSED stream (a 4xx,
    // a server restart it gave up on) is ours to reopen, a little later each time.
    document.documentElement.dataset.live = "reconnecting";
    if (source.readyState !== EventSource.CLOSED) return;
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 30000);
  };
}

window.addEventListener("pagehide", () => source && source.close());
// After htmx has wired the page (it listens for DOMContentLoaded first), so an event replayed
// at once still finds the parts that refresh on it.
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", connect);
else connect();
