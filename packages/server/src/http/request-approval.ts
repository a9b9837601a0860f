/**
 * @module http/request-approval
 * `POST /request-approval` (agent): files an approval request. 201 with the record when
 * new, 200 with the stored record for an idempotent retry, 409 when the id is taken by a
 * different body. When the agent sends Standard Webhooks headers and the inbox has a
 * signing secret, the signature must verify (401 otherwise). A valid W3C `traceparent` header
 * is kept with a new action (see `inbox-telemetry`).
 */
import { protocol } from "@safeguards/core";
import { activeTraceparent, normalizeTraceparent } from "@safeguards/core/internal";
import type { Context } from "hono";
import { authenticate, requireAgent } from "./auth.js";
import type { HttpContext } from "./context.js";
import { readJson } from "./input.js";

/** Handler of `POST /request-approval`. */
export function requestApproval(ctx: HttpContext) {
  return async (c: Context): Promise<Response> => {
    const agentId = requireAgent(await authenticate(ctx.authenticator, c.req.raw));
    const body = await readJson(c, protocol.approvalRequestBodySchema, (raw) =>
      ctx.verifySignature?.(raw, (name) => c.req.header(name), agentId),
    );
    // The trace of this filing (the agent's, continued by the request's span when traced).
    const traceparent = activeTraceparent() ?? normalizeTraceparent(c.req.header("traceparent"));
    const { created, action } = await ctx.service.submit(agentId, body, { traceparent });
    return c.json(ctx.toWire(action.record, c.req.url), created ? 201 : 200);
  };
}
