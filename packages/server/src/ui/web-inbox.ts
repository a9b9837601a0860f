/**
 * @module ui/web-inbox
 * Mounts the reviewer web UI on the inbox's Hono app: sign in/out, the live inbox list,
 * the review page and its decision endpoint (JSON, CSRF header), the history, the
 * analytics page, the event stream and the static files. Every read and decision goes through the
 * {@link ReviewerGate}, so rights are checked the same way everywhere.
 */
import { type Clock, protocol } from "@safeguards/core";
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createLoginThrottle } from "../auth/login-throttle.js";
import type { ReviewerDirectory } from "../auth/reviewer-directory.js";
import type { ReviewerGate } from "../auth/reviewer-gate.js";
import type { Session, SessionManager } from "../auth/session-manager.js";
import { errorResponse } from "../http/errors.js";
import { actionId, readJson } from "../http/input.js";
import type { RequestOrigin } from "../http/request-origin.js";
import { statsRange } from "../http/stats.js";
import type { ActionFeed } from "../inbox/action-feed.js";
import type { ActionService } from "../inbox/action-service.js";
import { InboxError } from "../inbox/inbox-error.js";
import { statsReport } from "../inbox/stats-service.js";
import { isListCursor } from "../store/list-cursor.js";
import type { ReviewerStateStore } from "../store/reviewer-state.js";
import { analyticsPage, unknownRangePage } from "./analytics-page.js";
import { mountAssets } from "./assets.js";
import { historyPage, matchesSearch } from "./history-page.js";
import {
  type InboxFilter,
  type InboxView,
  inboxFragment,
  inboxPage,
  matchesFilter,
} from "./inbox-page.js";
import type { PageContext } from "./layout.js";
import { pendingSummary, readPage } from "./list-pages.js";
import { liveEvents } from "./live-events.js";
import { messagePage } from "./login-page.js";
import { reviewPage } from "./review-page.js";
import { setSecurityHeaders } from "./security-headers.js";
import { mountSessionRoutes, readSession } from "./session-routes.js";

/** What the web UI needs. */
export interface WebInboxDeps {
  base: string;
  secret: string;
  gate: ReviewerGate;
  directory: ReviewerDirectory;
  sessions: SessionManager;
  /** For the audit trail of an action the gate let the reviewer view. */
  service: ActionService;
  /** Every instance's action changes, for the live list. */
  feed: ActionFeed;
  clock: Clock;
  /** Where the sign-in counters live. */
  state: ReviewerStateStore;
  /** How requests reached the inbox (https for cookies, client address for the throttle). */
  origin: RequestOrigin;
  shutdown: AbortSignal;
  secureCookies?: boolean;
}

/** Mounts the reviewer web UI. */
export function mountWebInbox(app: Hono, deps: WebInboxDeps): void {
  const { base, sessions, gate } = deps;
  const formLimit = bodyLimit({
    maxSize: 16 * 1024,
    onError: (c) => c.text("Form too large", 413),
  });
  app.use(`${base}/login`, formLimit);
  app.use(`${base}/logout`, formLimit);
  mountSessionRoutes(app, {
    ...deps,
    throttle: createLoginThrottle({ clock: deps.clock, state: deps.state }),
  });
  mountAssets(app, base);

  const pageCtx = (session: Session): PageContext => ({
    base,
    reviewer: session.name,
    csrf: sessions.csrfToken(session),
  });

  /** Runs a page handler for a signed-in reviewer; errors become HTML pages. */
  const page =
    (handler: (c: Context, session: Session) => Promise<Response>) => async (c: Context) => {
      setSecurityHeaders(c);
      const session = await readSession(c, sessions);
      if (!session) {
        const url = new URL(c.req.url);
        return c.redirect(
          `${base}/login?next=${encodeURIComponent(url.pathname + url.search)}`,
          303,
        );
      }
      try {
        return await handler(c, session);
      } catch (error) {
        if (!(error instanceof InboxError)) throw error;
        const status = error.status as 400 | 403 | 404 | 409;
        const title = status === 403 ? "Not allowed" : status === 404 ? "Not found" : "Refused";
        return c.html(messagePage(pageCtx(session), title, error.message), status);
      }
    };

  /** JSON/stream endpoints: 401 without a session. */
  const api =
    (handler: (c: Context, session: Session) => Promise<Response> | Response) =>
    async (c: Context) => {
      setSecurityHeaders(c);
      const session = await readSession(c, sessions);
      if (!session) return errorResponse("unauthorized", "Sign in first");
      return handler(c, session);
    };

  /** The `cursor` query parameter of a list page (malformed ones are ignored). */
  const cursorOf = (c: Context) => {
    const cursor = c.req.query("cursor");
    return cursor && isListCursor(cursor) ? cursor : undefined;
  };
  /** The reviewer as the assignee rule sees them (name and the account's groups). */
  const identity = (name: string) => ({ name, groups: deps.directory.get(name)?.groups ?? [] });
  /** One page of the pending list and the true counts, for the reviewer `name`. */
  const inboxView = async (c: Context, name: string): Promise<InboxView> => {
    const filter = filterOf(c);
    const reviewer = identity(name);
    const cursor = cursorOf(c);
    const query = {
      status: "pending" as const,
      ...(filter.agent ? { agentId: filter.agent } : {}),
      ...(cursor ? { cursor } : {}),
    };
    const [page, summary] = await Promise.all([
      readPage(gate, name, query, matchesFilter(filter, reviewer)),
      pendingSummary(deps.service, gate, reviewer, filter),
    ]);
    return { page, summary, ...(cursor ? { cursor } : {}) };
  };
  const filterOf = (c: Context): InboxFilter => {
    const agent = c.req.query("agent")?.slice(0, 200);
    const severity = c.req.query("severity");
    return {
      ...(agent ? { agent } : {}),
      ...(severity && protocol.severitySchema.safeParse(severity).success ? { severity } : {}),
      ...(c.req.query("assigned") === "me" ? { assigned: "me" as const } : {}),
    };
  };

  app.get(`${base}/`, (c) => c.redirect(`${base}/inbox`, 303));
  if (base) app.get(base, (c) => c.redirect(`${base}/inbox`, 303));
  app.get(
    `${base}/inbox`,
    page(async (c, s) => c.html(inboxPage(pageCtx(s), await inboxView(c, s.name), filterOf(c)))),
  );
  app.get(
    `${base}/ui/rows`,
    api(async (c, s) =>
      c.html(inboxFragment(pageCtx(s), await inboxView(c, s.name), filterOf(c)).value),
    ),
  );
  app.get(
    `${base}/ui/events`,
    api((c, s) =>
      liveEvents(c, {
        feed: deps.feed,
        canSee: (r) => gate.canSee(s.name, r),
        shutdown: deps.shutdown,
      }),
    ),
  );
  app.get(
    `${base}/history`,
    page(async (c, s) => {
      const q = (c.req.query("q") ?? "").slice(0, 200);
      const cursor = cursorOf(c);
      const query = { status: "decided" as const, ...(cursor ? { cursor } : {}) };
      const page = await readPage(gate, s.name, query, (r) => matchesSearch(r, q));
      return c.html(historyPage(pageCtx(s), { page, ...(cursor ? { cursor } : {}) }, q));
    }),
  );
  app.get(
    `${base}/analytics`,
    page(async (c, s) => {
      let range: ReturnType<typeof statsRange>;
      try {
        range = statsRange(c.req.queries("range")); // the rule of GET /api/stats
      } catch (error) {
        if (!(error instanceof InboxError)) throw error;
        return c.html(unknownRangePage(pageCtx(s)), 400);
      }
      const report = await statsReport(
        deps.service,
        gate,
        identity(s.name),
        range,
        deps.clock.now(),
      );
      return c.html(analyticsPage(pageCtx(s), report));
    }),
  );
  app.get(
    `${base}/review/:id`,
    page(async (c, s) => {
      const action = await gate.view(s.name, actionId(c.req.param("id")));
      const audit = await deps.service.auditLog(action.record.id);
      return c.html(reviewPage(pageCtx(s), action.record, audit));
    }),
  );
  app.post(
    `${base}/review/:id/decision`,
    api(async (c, s) => {
      if (!sessions.checkCsrf(s, c.req.header("x-csrf-token"))) {
        return errorResponse("forbidden", "Missing or invalid CSRF token; reload the page");
      }
      const id = actionId(c.req.param("id"));
      const body = await readJson(c, protocol.decisionBodySchema);
      const action = await gate.decide(s.name, id, body);
      return c.json(action.record, 200);
    }),
  );
}
