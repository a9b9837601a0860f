/**
 * @module http/decide
 * `POST /actions/{id}/decision` (reviewer): approve, modify or reject, through the
 * reviewer gate (rights) and the action service. The record's `decision.reviewer` is the
 * authenticated reviewer, never a name from the body.
 */
import { protocol } from "@safeguards/core";
import type { Context } from "hono";
import { authenticate, requireReviewer } from "./auth.js";
import type { HttpContext } from "./context.js";
import { actionId, readJson } from "./input.js";

/** Handler of `POST /actions/{id}/decision`. */
export function decide(ctx: HttpContext) {
  return async (c: Context): Promise<Response> => {
    const reviewer = requireReviewer(await authenticate(ctx.authenticator, c.req.raw));
    const id = actionId(c.req.param("id"));
    const body = await readJson(c, protocol.decisionBodySchema);
    const action = await ctx.gate.decide(reviewer, id, body);
    return c.json(ctx.toWire(action.record, c.req.url), 200);
  };
}
