/**
 * @module http/decide
 * `POST /actions/{id}/decision` (reviewer): approve, modify or reject. The record's
 * `decision.reviewer` is the authenticated reviewer, never a name from the body.
 */
import { protocol } from "@safeguards/core";
import { InboxError } from "../inbox/inbox-error.js";
import type { ApiEndpoint } from "./api-request.js";
import { authenticate, requireReviewer } from "./auth.js";
import type { HttpContext } from "./context.js";
import { actionId, readJson } from "./input.js";

/** Endpoint of `POST /actions/{id}/decision`. */
export function decide(ctx: HttpContext): ApiEndpoint {
  return async (request) => {
    const reviewer = requireReviewer(await authenticate(ctx.authenticator, request));
    const id = actionId(request.param("id"));
    const body = await readJson(request, protocol.decisionBodySchema);
    const existing = ctx.canAccess ? await ctx.service.get(id) : undefined;
    if (existing && ctx.canAccess && !ctx.canAccess(reviewer, existing.record)) {
      throw new InboxError("forbidden", `Reviewer ${reviewer} has no right to action ${id}`);
    }
    const action = await ctx.service.decide(id, reviewer, body);
    return { status: 200, body: ctx.toWire(action.record, request.url) };
  };
}
