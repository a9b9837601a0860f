// Safeguards reviewer inbox: live list, countdowns and keyboard shortcuts (every page).
// The review page's decisions live in review.js. Agent text only ever goes through
// textContent; the only innerHTML is the server-rendered, escaped list fragment.
(() => {
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const page = document.body.dataset.page;
  const showError = (el, text) => {
    if (!el) return;
    el.textContent = text;
    el.hidden = !text;
  };

  // ---- countdowns -------------------------------------------------------------------
  const fmtLeft = (ms) => {
    if (ms <= 0) return "expired";
    const s = Math.floor(ms / 1000);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const r = s % 60;
    return `${h ? `${h}h ` : ""}${h || m ? `${m}m ` : ""}${r}s left`;
  };
  // Time to the next escalation step: "in 9m 59s", then "due now" until the inbox applies it.
  const fmtUntil = (ms) => (ms <= 0 ? "due now" : `in ${fmtLeft(ms).replace(/ left$/, "")}`);
  const tick = () => {
    for (const t of $$("time[data-expires]")) {
      const left = Date.parse(t.dataset.expires) - Date.now();
      t.textContent = fmtLeft(left);
      t.classList.toggle("soon", left < 60_000);
    }
    for (const t of $$("time[data-until]")) {
      t.textContent = fmtUntil(Date.parse(t.dataset.until) - Date.now());
    }
  };
  tick();
  setInterval(tick, 1000);

  // ---- live updates -----------------------------------------------------------------
  // onOpen runs on every (re)connection, to catch up on changes made while disconnected.
  const listen = (url, onChange, onOpen) => {
    if (!url || !window.EventSource) return;
    const source = new EventSource(url);
    if (onOpen) source.addEventListener("open", onOpen);
    source.addEventListener("change", (e) => {
      try {
        onChange(JSON.parse(e.data));
      } catch {}
    });
  };
  const inbox = $("#inbox");
  if (inbox) {
    const load = async () => {
      const res = await fetch(inbox.dataset.rowsUrl, { credentials: "same-origin" });
      if (res.status === 401) return location.reload();
      if (!res.ok) return;
      const selected = $(".row.selected")?.dataset.id;
      $("#live", inbox).outerHTML = await res.text();
      const again = selected && $$(".row", inbox).find((r) => r.dataset.id === selected);
      if (again) again.classList.add("selected");
      tick();
    };
    // Coalesced: a burst of events causes at most one refresh in flight plus one queued
    // (which then shows every change of the burst), at most one per REFRESH_GAP_MS.
    const REFRESH_GAP_MS = 1000;
    let running = false;
    let queued = false;
    let last = 0;
    const refresh = async () => {
      if (running) {
        queued = true;
        return;
      }
      running = true;
      try {
        do {
          queued = false;
          const wait = last + REFRESH_GAP_MS - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          last = Date.now();
          await load().catch(() => {});
        } while (queued);
      } finally {
        running = false;
      }
    };
    listen(inbox.dataset.eventsUrl, refresh, refresh);
    const filters = $("#filters");
    if (filters)
      for (const s of $$("select", filters)) s.addEventListener("change", () => filters.submit());
  }

  // ---- keyboard ---------------------------------------------------------------------
  const typing = (el) =>
    el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  const move = (delta) => {
    const rows = $$(".row");
    if (!rows.length) return;
    const i = rows.findIndex((r) => r.classList.contains("selected"));
    const next = rows[Math.max(0, Math.min(rows.length - 1, i + delta))] ?? rows[0];
    for (const r of rows) r.classList.remove("selected");
    next.classList.add("selected");
    next.scrollIntoView({ block: "nearest" });
    $("a", next)?.focus();
  };
  const keys = {
    j: () => move(1),
    k: () => move(-1),
    "?": () => {
      $("#help").hidden = !$("#help").hidden;
    },
    Escape: () => {
      if (!$("#help").hidden) $("#help").hidden = true;
      else if (page === "review") location.href = $(".back")?.href;
    },
    Enter: () => {
      const a = $(".row.selected a");
      if (!a) return false; // let Enter activate a focused button
      location.href = a.href;
    },
    i: () => $('a[data-key="i"]')?.click(),
    h: () => $('a[data-key="h"]')?.click(),
    // Approving takes two presses (a, then a or Enter): one stray key never approves.
    a: () => {
      const approve = $("#approve");
      if (!approve) return false;
      if (document.activeElement === approve) approve.click();
      else {
        approve.focus();
        approve.dataset.armed = "true";
        showError($("#decide-hint"), "Press a again (or Enter) to approve.");
      }
    },
    r: () => $("#reject")?.click(),
    m: () => $("#modify")?.click(),
  };
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || (typing(e.target) && e.key !== "Escape")) return;
    const fn = keys[e.key];
    if (fn && fn() !== false) e.preventDefault();
  });
})();
