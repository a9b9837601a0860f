/**
 * @module http/cancel
 * `POST /actions/{id}/cancel` (agent): withdraws its own pending action (status
 * `cancelled`); 409 when already terminal, 404 for another agent's action.
 */
import type { Context } from "hono";
import { authenticate, requireAgent } from "./auth.js";
import type { HttpContext } from "./context.js";
import { actionId } from "./input.js";

/** Handler of `POST /actions/{id}/cancel`. */
export function cancel(ctx: HttpContext) {
  return async (c: Context): Promise<Response> => {
    const agentId = requireAgent(await authenticate(ctx.authenticator, c.req.raw));
    const id = actionId(c.req.param("id"));
    await c.req.raw.body?.cancel().catch(() => {});
    const action = await ctx.service.cancel(id, agentId);
    return c.json(ctx.toWire(action.record, c.req.url), 200);
  };
}
