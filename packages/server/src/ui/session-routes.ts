/**
 * @module ui/session-routes
 * Sign in (`GET`/`POST /login`, double-submit CSRF with an HMAC-bound cookie), log out
 * (`POST /logout`), and {@link readSession}, used by every reviewer page.
 */
import { randomBytes } from "node:crypto";
import type { Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { LoginThrottle } from "../auth/login-throttle.js";
import type { ReviewerDirectory } from "../auth/reviewer-directory.js";
import type { Session, SessionManager } from "../auth/session-manager.js";
import { hmacBase64url, safeEqual } from "../auth/signed-token.js";
import type { RequestOrigin } from "../http/request-origin.js";
import { loginPage } from "./login-page.js";
import { readForm } from "./read-form.js";
import { setSecurityHeaders } from "./security-headers.js";

/** Name of the session cookie. */
export const SESSION_COOKIE = "sg_session";
const LOGIN_COOKIE = "sg_login";

/** What the session routes need. */
export interface SessionRoutesDeps {
  base: string;
  secret: string;
  sessions: SessionManager;
  directory: ReviewerDirectory;
  /** Locks out repeated wrong passwords (per name and client address). */
  throttle: LoginThrottle;
  /** How requests reached the inbox: cookies get `Secure` when it says so. */
  origin: RequestOrigin;
  /** Force the `Secure` flag on or off, whatever {@link origin} says. */
  secureCookies?: boolean;
}

const cookieOptions = (deps: SessionRoutesDeps, c: Context) => ({
  httpOnly: true,
  sameSite: "Strict" as const,
  secure: deps.secureCookies ?? deps.origin.secure(c),
  path: deps.base || "/",
});

/** The session of the request, if signed in. */
export function readSession(c: Context, sessions: SessionManager): Promise<Session | undefined> {
  return sessions.read(getCookie(c, SESSION_COOKIE));
}

/** A safe place to go after signing in: a path inside the inbox, never another site. */
export function safeNext(base: string, next: string | undefined): string {
  const fallback = `${base}/inbox`;
  if (!next?.startsWith(`${base}/`) || next.startsWith("//") || /[\\\s]/.test(next))
    return fallback;
  return next;
}

/** Mounts `/login` and `/logout`. */
export function mountSessionRoutes(app: Hono, deps: SessionRoutesDeps): void {
  const { base, sessions } = deps;
  const ctx = { base };
  const loginCsrf = (nonce: string) => hmacBase64url(deps.secret, `login.${nonce}`);
  const showLogin = (
    c: Context,
    status: 200 | 401 | 403 | 429,
    next: string,
    error?: string,
    name?: string,
  ) => {
    setSecurityHeaders(c);
    const nonce = randomBytes(18).toString("base64url");
    setCookie(c, LOGIN_COOKIE, nonce, { ...cookieOptions(deps, c), maxAge: 3600 });
    const page = loginPage(ctx, {
      csrf: loginCsrf(nonce),
      next,
      ...(error ? { error } : {}),
      ...(name ? { name } : {}),
    });
    return c.html(page, status);
  };

  app.get(`${base}/login`, async (c) => {
    const next = safeNext(base, c.req.query("next"));
    if (await readSession(c, sessions)) return c.redirect(next, 303);
    return showLogin(c, 200, next);
  });

  app.post(`${base}/login`, async (c) => {
    // an unreadable form has no CSRF field: refused below like an expired one
    const form = (await readForm(c)) ?? {};
    const field = (k: string) => (typeof form[k] === "string" ? (form[k] as string) : "");
    const next = safeNext(base, field("next"));
    const nonce = getCookie(c, LOGIN_COOKIE);
    if (!nonce || !safeEqual(loginCsrf(nonce), field("_csrf"))) {
      return showLogin(c, 403, next, "The form expired; please sign in again.");
    }
    const name = field("name").slice(0, 100);
    const address = deps.origin.clientAddress(c);
    // Counted as a failure before the slow hash: parallel guesses get no extra tries.
    const wait = await deps.throttle.attempt(name, address);
    if (wait > 0) {
      c.header("retry-after", String(Math.ceil(wait / 1000)));
      return showLogin(c, 429, next, "Too many failed attempts; try again later.", name);
    }
    const account = await deps.directory.verifyPassword(name, field("password"));
    if (!account) return showLogin(c, 401, next, "Wrong name or password.", name);
    await deps.throttle.succeeded(name, address);
    const { cookie } = sessions.issue(account.name);
    deleteCookie(c, LOGIN_COOKIE, { path: base || "/" });
    setCookie(c, SESSION_COOKIE, cookie, {
      ...cookieOptions(deps, c),
      maxAge: Math.floor(sessions.ttlMs / 1000),
    });
    setSecurityHeaders(c);
    return c.redirect(next, 303);
  });

  app.post(`${base}/logout`, async (c) => {
    const session = await readSession(c, sessions);
    const form = (await readForm(c)) ?? {};
    setSecurityHeaders(c);
    if (session) {
      if (!sessions.checkCsrf(session, typeof form._csrf === "string" ? form._csrf : undefined)) {
        return c.text("Invalid CSRF token", 403);
      }
      await sessions.revoke(session);
    }
    deleteCookie(c, SESSION_COOKIE, { path: base || "/" });
    return c.redirect(`${base}/login`, 303);
  });
}
