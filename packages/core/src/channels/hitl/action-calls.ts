/**
 * @module hitl/action-calls
 * The `HumanInTheLoopChannel`'s calls about one action on the inbox (PROTOCOL.md): file a
 * request, read a record (optionally holding for the inbox's own expiry), cancel; and which
 * refusal of a cancellation means the action was already final.
 */
import type { ApprovalRequest } from "../../actions/approval-request.js";
import { ErrorCode, isSafeguardsError } from "../../errors.js";
import * as protocol from "../../protocol/index.js";
import type { InboxClient } from "./inbox-client.js";

/** `POST /request-approval` (retried, idempotent by id): the stored record. */
export function postRequest(
  client: InboxClient,
  request: ApprovalRequest,
  callbackUrl: string | undefined,
): Promise<protocol.ActionRecord> {
  return client.call(
    {
      method: "POST",
      path: "/request-approval",
      body: protocol.toRequestBody(request, callbackUrl),
      messageId: `req_${request.id}`,
    },
    protocol.actionRecordSchema,
  );
}

/** `GET /actions/{id}`, holding up to `waitSeconds` for a decision; `undefined` for 404. */
export async function fetchRecord(
  client: InboxClient,
  actionId: string,
  waitSeconds?: number,
): Promise<protocol.ActionRecord | undefined> {
  const wait = waitSeconds ? `?wait=${waitSeconds}` : "";
  try {
    return await client.call(
      {
        method: "GET",
        path: `/actions/${encodeURIComponent(actionId)}${wait}`,
        extraMs: (waitSeconds ?? 0) * 1000,
      },
      protocol.actionRecordSchema,
    );
  } catch (error) {
    if (isSafeguardsError(error, ErrorCode.NOT_FOUND)) return undefined;
    throw error;
  }
}

/** `POST /actions/{id}/cancel`: the cancelled record (refusals throw). */
export function postCancel(client: InboxClient, actionId: string): Promise<protocol.ActionRecord> {
  return client.call(
    { method: "POST", path: `/actions/${encodeURIComponent(actionId)}/cancel`, body: {} },
    protocol.actionRecordSchema,
  );
}

/** A refused cancellation because the action is already final (409 `already_decided`/`expired`). */
export const isAlreadyFinal = (error: unknown): boolean =>
  isSafeguardsError(error, ErrorCode.ALREADY_DECIDED) ||
  isSafeguardsError(error, ErrorCode.EXPIRED) ||
  isSafeguardsError(error, ErrorCode.CONFLICT);
