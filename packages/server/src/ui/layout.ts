/**
 * @module ui/layout
 * The page shell of the reviewer UI: head (viewport, stylesheet, the script file), the top
 * bar with navigation and log out, and the page body.
 */
import { html, type SafeHtml } from "./html.js";

/** What every page needs to know. */
export interface PageContext {
  /** URL prefix of the inbox (`basePath`), `""` at the root. */
  base: string;
  /** Signed-in reviewer, if any. */
  reviewer?: string;
  /** CSRF token of the session (forms and `x-csrf-token`). */
  csrf?: string;
}

/** A complete HTML document. `page` names the page for the script (`data-page`). */
export function layout(ctx: PageContext, title: string, page: string, body: SafeHtml): string {
  const nav = ctx.reviewer
    ? html`<nav class="top">
  <a class="brand" href="${ctx.base}/inbox">Safeguards inbox</a>
  <a href="${ctx.base}/inbox" data-key="i">Pending</a>
  <a href="${ctx.base}/history" data-key="h">History</a>
  <a href="${ctx.base}/analytics">Analytics</a>
  <span class="who">${ctx.reviewer}</span>
  <form method="post" action="${ctx.base}/logout" class="inline">
    <input type="hidden" name="_csrf" value="${ctx.csrf}">
    <button type="submit" class="link">Log out</button>
  </form>
</nav>`
    : html`<nav class="top"><span class="brand">Safeguards inbox</span></nav>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${ctx.csrf ?? ""}">
<meta name="base-path" content="${ctx.base}">
<title>${title}</title>
<link rel="stylesheet" href="${ctx.base}/ui/assets/inbox.css">
<script src="${ctx.base}/ui/assets/inbox.js" defer></script>
${page === "review" ? html`<script src="${ctx.base}/ui/assets/review.js" defer></script>` : ""}
</head>
<body data-page="${page}">
${nav}
<main>
${body}
</main>
<div id="help" class="help" hidden>
  <h2>Keyboard shortcuts</h2>
  <dl><dt>j / k</dt><dd>next / previous action</dd><dt>Enter</dt><dd>open</dd>
  <dt>a a</dt><dd>approve (twice, or a then Enter)</dd><dt>r</dt><dd>reject (with a reason)</dd><dt>m</dt><dd>modify</dd>
  <dt>i / h</dt><dd>pending / history</dd><dt>?</dt><dd>this help</dd><dt>Esc</dt><dd>close / back</dd></dl>
</div>
</body>
</html>`.value;
}
