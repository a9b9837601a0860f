/**
 * @module http/request-approval
 * `POST /request-approval` (agent): files an approval request. 201 with the record when
 * new, 200 with the stored record for an idempotent retry, 409 when the id is taken by a
 * different body. When the agent sends Standard Webhooks headers and the inbox has a
 * signing secret, the signature must verify (401 otherwise).
 */
import { protocol } from "@safeguards/core";
import type { ApiEndpoint } from "./api-request.js";
import { authenticate, requireAgent } from "./auth.js";
import type { HttpContext } from "./context.js";
import { readJson } from "./input.js";

/** Endpoint of `POST /request-approval`. */
export function requestApproval(ctx: HttpContext): ApiEndpoint {
  return async (request) => {
    const agentId = requireAgent(await authenticate(ctx.authenticator, request));
    const body = await readJson(request, protocol.approvalRequestBodySchema, (raw) =>
      ctx.verifySignature?.(raw, (name) => request.header(name)),
    );
    const { created, action } = await ctx.service.submit(agentId, body);
    return { status: created ? 201 : 200, body: ctx.toWire(action.record, request.url) };
  };
}
