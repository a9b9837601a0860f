/**
 * @module http/app
 * The Hono application: every route of PROTOCOL.md under `{basePath}/api`, a JSON 404 for
 * unknown paths, 405 for known paths with the wrong method, and the global error handler.
 */
import { Hono } from "hono";
import { InboxError } from "../inbox/inbox-error.js";
import { agentTimeout } from "./agent-timeout.js";
import { cancel } from "./cancel.js";
import type { HttpContext } from "./context.js";
import { decide } from "./decide.js";
import { decisions } from "./decisions.js";
import { createErrorHandler, errorResponse } from "./errors.js";
import { getAction } from "./get-action.js";
import { listActions } from "./list-actions.js";
import { requestApproval } from "./request-approval.js";
import { hstsMiddleware, type RequestOrigin } from "./request-origin.js";
import { stats } from "./stats.js";
import { traceRequests } from "./trace-requests.js";

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  /** Path prefix the inbox is mounted under, e.g. `/inbox`; `""` for the root. */
  basePath: string;
  /** Receives unexpected errors (answered as 500). */
  onError: (error: unknown) => void;
  /** How requests reached the inbox (HSTS on every answer when it was over https). */
  origin: RequestOrigin;
}

/** Builds the inbox's Hono app. */
export function createApp(ctx: HttpContext, options: CreateAppOptions): Hono {
  const app = new Hono();
  app.use("*", traceRequests());
  app.use("*", hstsMiddleware(options.origin));
  const api = `${options.basePath}/api`;
  const notAllowed = () => {
    throw new InboxError("method_not_allowed", "Method not allowed on this path");
  };
  app.post(`${api}/request-approval`, requestApproval(ctx));
  app.all(`${api}/request-approval`, notAllowed);
  app.get(`${api}/decisions`, decisions(ctx));
  app.all(`${api}/decisions`, notAllowed);
  app.get(`${api}/actions`, listActions(ctx));
  app.all(`${api}/actions`, notAllowed);
  app.get(`${api}/actions/:id`, getAction(ctx));
  app.all(`${api}/actions/:id`, notAllowed);
  app.post(`${api}/actions/:id/decision`, decide(ctx));
  app.all(`${api}/actions/:id/decision`, notAllowed);
  app.post(`${api}/actions/:id/cancel`, cancel(ctx));
  app.all(`${api}/actions/:id/cancel`, notAllowed);
  app.post(`${api}/actions/:id/agent-timeout`, agentTimeout(ctx));
  app.all(`${api}/actions/:id/agent-timeout`, notAllowed);
  app.get(`${api}/stats`, stats(ctx));
  app.all(`${api}/stats`, notAllowed);
  app.notFound(() => errorResponse("not_found", "No such endpoint"));
  app.onError(createErrorHandler(options.onError));
  return app;
}
