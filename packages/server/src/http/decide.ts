/**
 * @module http/decide
 * `POST /actions/{id}/decision` (reviewer): approve, modify or reject. The record's
 * `decision.reviewer` is the authenticated reviewer, never a name from the body.
 */
import { protocol } from "@safeguards/core";
import type { Context } from "hono";
import { InboxError } from "../inbox/inbox-error.js";
import { authenticate, requireReviewer } from "./auth.js";
import type { HttpContext } from "./context.js";
import { actionId, readJson } from "./input.js";

/** Handler of `POST /actions/{id}/decision`. */
export function decide(ctx: HttpContext) {
  return async (c: Context): Promise<Response> => {
    const reviewer = requireReviewer(await authenticate(ctx.authenticator, c.req.raw));
    const id = actionId(c.req.param("id"));
    const body = await readJson(c, protocol.decisionBodySchema);
    const existing = ctx.canAccess ? await ctx.service.get(id) : undefined;
    if (existing && ctx.canAccess && !ctx.canAccess(reviewer, existing.record)) {
      throw new InboxError("forbidden", `Reviewer ${reviewer} has no right to action ${id}`);
    }
    const action = await ctx.service.decide(id, reviewer, body);
    return c.json(ctx.toWire(action.record, c.req.url), 200);
  };
}
