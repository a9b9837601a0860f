/**
 * @module ui/login-page
 * The sign-in form (name and password, CSRF token, where to go next) and simple message
 * pages (errors, email confirmations).
 */
import { html, type SafeHtml } from "./html.js";
import { layout, type PageContext } from "./layout.js";

/** The sign-in page. */
export function loginPage(
  ctx: PageContext,
  options: { csrf: string; next: string; error?: string; name?: string },
): string {
  const body = html`<section class="login">
<h1>Sign in</h1>
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ""}
<form method="post" action="${ctx.base}/login">
  <input type="hidden" name="_csrf" value="${options.csrf}">
  <input type="hidden" name="next" value="${options.next}">
  <label>Name <input name="name" autocomplete="username" required value="${options.name ?? ""}" autofocus></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
</form>
</section>`;
  return layout(ctx, "Sign in", "login", body);
}

/** A page with a heading and a message (and optional extra markup). */
export function messagePage(
  ctx: PageContext,
  title: string,
  message: string,
  extra?: SafeHtml,
): string {
  const body = html`<section class="message"><h1>${title}</h1><p class="message-text">${message}</p>${extra ?? ""}
<p><a href="${ctx.base}/inbox">Go to the inbox</a></p></section>`;
  return layout(ctx, title, "message", body);
}
