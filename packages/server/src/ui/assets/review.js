// Safeguards review page: Approve / Reject (with a reason) / Modify, where Modify is a form
// built from the action's args_schema, validated here before sending, with the inbox's
// invalid_modification errors shown next to their fields and a diff before confirming.
// Agent text only ever goes through textContent.
(() => {
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const csrf = $('meta[name="csrf-token"]')?.getAttribute("content") ?? "";
  const showError = (el, text) => {
    if (!el) return;
    el.textContent = text;
    el.hidden = !text;
  };

  const listen = (url, onChange) => {
    if (!url || !window.EventSource) return;
    const source = new EventSource(url);
    source.addEventListener("change", (e) => {
      try {
        onChange(JSON.parse(e.data));
      } catch {}
    });
  };
  // ---- review page ------------------------------------------------------------------
  const review = $("#review");
  if (!review) return;
  // A decision reloads the page. A change while pending (another reviewer's approval, an
  // escalation) reloads it too, unless the reviewer is typing: then a note says so.
  const busy = () =>
    $$("#reject-form, #modify-form, #modify-diff").some((f) => !f.hidden) ||
    Boolean($("#comments")?.value);
  listen(review.dataset.eventsUrl, (change) => {
    if (change.id !== review.dataset.id) return;
    if (change.status !== "pending" || !busy()) return location.reload();
    showError($("#decide-hint"), "Another reviewer acted on this action; reload to see it.");
  });
  const dataEl = $("#action-data");
  if (!dataEl) return;
  const data = JSON.parse(dataEl.textContent);
  const original = data.target ?? {};
  const schema = data.schema;
  const decideError = $("#decide-error");
  const comments = () => $("#comments")?.value.trim() || undefined;

  const send = async (body) => {
    showError(decideError, "");
    const res = await fetch(review.dataset.decisionUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify(body),
    });
    const answer = await res.json().catch(() => ({}));
    if (res.ok) {
      location.reload();
      return null;
    }
    return answer.error ?? { code: "internal_error", message: `HTTP ${res.status}` };
  };

  $("#approve")?.addEventListener("click", async () => {
    const error = await send({ type: "approve", comments: comments() });
    if (error) showError(decideError, error.message);
  });

  const rejectForm = $("#reject-form");
  $("#reject")?.addEventListener("click", () => {
    rejectForm.hidden = false;
    $("#reject-reason").focus();
  });
  rejectForm?.addEventListener("submit", async (e) => {
    e.preventDefault();
    const reason = $("#reject-reason").value.trim();
    if (!reason) return showError(decideError, "Give a reason for rejecting.");
    const error = await send({ type: "reject", comments: reason });
    if (error) showError(decideError, error.message);
  });
  for (const b of $$(".cancel"))
    b.addEventListener("click", () => {
      b.closest("form").hidden = true;
    });

  // ---- modify form ------------------------------------------------------------------
  const typeOf = (s, v) => {
    if (s && typeof s.type === "string") return s.type;
    if (s && Array.isArray(s.type)) return s.type.find((t) => t !== "null") ?? "string";
    if (s?.enum) return "enum";
    if (v === null) return "null";
    if (Array.isArray(v)) return "array";
    if (typeof v === "number") return "number";
    return typeof v;
  };
  const el = (tag, props = {}, ...kids) => {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === "text") n.textContent = v;
      else if (k === "dataset") Object.assign(n.dataset, v);
      else n.setAttribute(k, v);
    }
    for (const kid of kids) n.append(kid);
    return n;
  };
  let fieldId = 0;
  // Builds the editor of one value; answers { node, read() -> {value} | {error} }.
  const build = (s, value, path, label) => {
    const id = `f${++fieldId}`;
    const err = el("span", { class: "field-error", dataset: { path }, role: "alert" });
    const type = s?.enum ? "enum" : typeOf(s, value);
    if (type === "object" && value && typeof value === "object" && !Array.isArray(value)) {
      const props = { ...(s?.properties ?? {}) };
      const keysOf = Object.keys(value);
      const fs = el("fieldset", { dataset: { path } }, el("legend", { text: label }));
      const children = keysOf.map((k) => {
        const child = build(props[k], value[k], `${path}/${k}`, k);
        fs.append(child.node);
        return [k, child];
      });
      fs.append(err);
      return {
        node: fs,
        read: () => {
          const out = {};
          let bad = false;
          for (const [k, child] of children) {
            const r = child.read();
            if ("error" in r) bad = true;
            else out[k] = r.value;
          }
          return bad ? { error: "invalid" } : { value: out };
        },
      };
    }
    let input;
    let read;
    if (type === "enum") {
      input = el("select", { id });
      (s.enum ?? []).forEach((opt, i) => {
        const o = el("option", { value: String(i), text: JSON.stringify(opt) });
        if (JSON.stringify(opt) === JSON.stringify(value)) o.selected = true;
        input.append(o);
      });
      read = () => ({ value: s.enum[Number(input.value)] });
    } else if (type === "boolean") {
      input = el("input", { id, type: "checkbox" });
      input.checked = value === true;
      read = () => ({ value: input.checked });
    } else if (type === "number" || type === "integer") {
      input = el("input", { id, type: "text", inputmode: "decimal" });
      input.value = value === undefined || value === null ? "" : String(value);
      read = () => {
        const raw = input.value.trim();
        const n = Number(raw);
        if (raw === "" || !Number.isFinite(n)) return { error: "must be a number" };
        if (type === "integer" && !Number.isInteger(n)) return { error: "must be a whole number" };
        return { value: n };
      };
    } else if (type === "string") {
      const long = typeof value === "string" && (value.length > 80 || value.includes("\n"));
      input = el(long ? "textarea" : "input", long ? { id } : { id, type: "text" });
      input.value = typeof value === "string" ? value : "";
      read = () => ({ value: input.value });
    } else {
      input = el("textarea", { id, class: "json" });
      input.value = JSON.stringify(value, null, 2);
      read = () => {
        try {
          return { value: JSON.parse(input.value) };
        } catch {
          return { error: "must be valid JSON" };
        }
      };
    }
    const row = el(
      "div",
      { class: "field", dataset: { path } },
      el(
        "label",
        { for: id },
        el("span", { class: "name", text: label }),
        el("span", { class: "ftype", text: type }),
      ),
      input,
      err,
    );
    return {
      node: row,
      read: () => {
        const r = read();
        const problem = "error" in r ? r.error : check(s, r.value);
        err.textContent = problem ?? "";
        row.classList.toggle("invalid", Boolean(problem));
        return problem ? { error: problem } : r;
      },
    };
  };
  // The JSON Schema keywords checked before sending (the server checks all of them again).
  // Never `pattern`: it is the agent's regular expression, and one that backtracks would
  // freeze this tab; the server checks it under a deadline and its error lands on the field.
  const check = (s, v) => {
    if (!s) return null;
    if (typeof v === "string") {
      if (s.minLength !== undefined && v.length < s.minLength)
        return `at least ${s.minLength} characters`;
      if (s.maxLength !== undefined && v.length > s.maxLength)
        return `at most ${s.maxLength} characters`;
    }
    if (typeof v === "number") {
      if (s.minimum !== undefined && v < s.minimum) return `must be ≥ ${s.minimum}`;
      if (s.maximum !== undefined && v > s.maximum) return `must be ≤ ${s.maximum}`;
      if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum)
        return `must be > ${s.exclusiveMinimum}`;
      if (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum)
        return `must be < ${s.exclusiveMaximum}`;
    }
    return null;
  };

  const modifyForm = $("#modify-form");
  const diff = $("#modify-diff");
  let root = null;
  let pending = null;
  $("#modify")?.addEventListener("click", () => {
    if (!root) {
      root = build(schema, original, "", "Arguments");
      $("#modify-fields").append(root.node);
    }
    diff.hidden = true;
    modifyForm.hidden = false;
    $("input, select, textarea", modifyForm)?.focus();
  });
  modifyForm?.addEventListener("submit", (e) => {
    e.preventDefault();
    showError($("#modify-error"), "");
    const r = root.read();
    if ("error" in r) return showError($("#modify-error"), "Fix the highlighted fields.");
    const changed = {};
    for (const k of Object.keys(original)) {
      if (JSON.stringify(r.value[k]) !== JSON.stringify(original[k])) changed[k] = r.value[k];
    }
    if (!Object.keys(changed).length) return showError($("#modify-error"), "Nothing changed.");
    pending = changed;
    const body = $("tbody", diff);
    body.replaceChildren(
      ...Object.keys(changed).map((k) =>
        el(
          "tr",
          {},
          el("th", { text: k }),
          el("td", { class: "old" }, el("code", { text: JSON.stringify(original[k]) })),
          el("td", { class: "new" }, el("code", { text: JSON.stringify(changed[k]) })),
        ),
      ),
    );
    modifyForm.hidden = true;
    diff.hidden = false;
    $("#modify-confirm").focus();
  });
  $("#modify-back")?.addEventListener("click", () => {
    diff.hidden = true;
    modifyForm.hidden = false;
  });
  $("#modify-confirm")?.addEventListener("click", async () => {
    const error = await send({ type: "modify", response_data: pending, comments: comments() });
    if (!error) return;
    diff.hidden = true;
    modifyForm.hidden = false;
    showError($("#modify-error"), error.message);
    // Put each schema error next to its field ("#/amount: ..." or "/amount: ...").
    for (const line of error.details?.errors ?? []) {
      // A line about the schema itself ("args_schema cannot be used: ...") names no field.
      const m = /^#?(\/[^:]*)?: ?(.*)$/.exec(line);
      if (!m) continue;
      const path = m[1] ?? "";
      const target = $$(".field-error", modifyForm).find((s) => s.dataset.path === path);
      if (target) {
        target.textContent = m[2];
        target.closest(".field")?.classList.add("invalid");
      }
    }
    for (const name of error.details?.unknown_fields ?? [])
      showError($("#modify-error"), `${error.message} (${name})`);
  });
})();
