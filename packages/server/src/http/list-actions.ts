/**
 * @module http/list-actions
 * `GET /actions?status=&agent_id=&limit=&cursor=` (reviewer): the inbox list, newest first,
 * paginated with an opaque `next_cursor`.
 */
import { protocol } from "@safeguards/core";
import type { Context } from "hono";
import { InboxError } from "../inbox/inbox-error.js";
import { isListCursor } from "../store/list-cursor.js";
import { authenticate, requireReviewer } from "./auth.js";
import type { HttpContext } from "./context.js";

/** Handler of `GET /actions`. */
export function listActions(ctx: HttpContext) {
  return async (c: Context): Promise<Response> => {
    const reviewer = requireReviewer(await authenticate(ctx.authenticator, c.req.raw));
    const { status, agent_id: agentId, limit = "50", cursor } = c.req.query();
    const statusResult = protocol.statusSchema.safeParse(status);
    if (status !== undefined && !statusResult.success) {
      throw new InboxError(
        "invalid_request",
        `status must be one of ${protocol.statusSchema.options.join(", ")}`,
      );
    }
    if (!/^\d{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > 200) {
      throw new InboxError("invalid_request", "limit must be an integer from 1 to 200");
    }
    if (cursor !== undefined && !isListCursor(cursor)) {
      throw new InboxError(
        "invalid_request",
        "Malformed cursor; pass next_cursor from the previous page",
      );
    }
    if (agentId !== undefined && (agentId.length === 0 || agentId.length > 200)) {
      throw new InboxError("invalid_request", "agent_id must be 1-200 characters");
    }
    // Overdue actions are timed out first; a reviewer account sees only the actions it has
    // rights to (pages may come out shorter).
    const page = await ctx.gate.list(reviewer, {
      limit: Number(limit),
      ...(statusResult.success ? { status: statusResult.data } : {}),
      ...(agentId !== undefined ? { agentId } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
    });
    const body: protocol.ActionListResponse = {
      actions: page.actions.map((a) => ctx.toWire(a.record, c.req.url)),
      next_cursor: page.nextCursor,
    };
    return c.json(body, 200);
  };
}
