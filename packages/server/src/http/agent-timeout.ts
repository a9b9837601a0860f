/**
 * @module http/agent-timeout
 * `POST /actions/{id}/agent-timeout` (agent): the agent reports that its own deadline passed
 * (it could not reach the inbox) and it did not act on the decision. 200 with the record
 * (`agent_timeout` set; the same report again answers it unchanged), 404 for an unknown id or
 * another agent's action, 409 `still_pending` while undecided, 409 `conflict` for a second
 * report with another time. Signed like `POST /request-approval` when the agent signs.
 */
import { protocol } from "@safeguards/core";
import type { Context } from "hono";
import { authenticate, requireAgent } from "./auth.js";
import type { HttpContext } from "./context.js";
import { actionId, readJson } from "./input.js";

/** Handler of `POST /actions/{id}/agent-timeout`. */
export function agentTimeout(ctx: HttpContext) {
  return async (c: Context): Promise<Response> => {
    const agentId = requireAgent(await authenticate(ctx.authenticator, c.req.raw));
    const id = actionId(c.req.param("id"));
    const body = await readJson(c, protocol.agentTimeoutBodySchema, (raw) =>
      ctx.verifySignature?.(raw, (name) => c.req.header(name), agentId),
    );
    const action = await ctx.service.reportAgentTimeout(id, agentId, body.timed_out_at);
    return c.json(ctx.toWire(action.record, c.req.url), 200);
  };
}
