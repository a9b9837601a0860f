/**
 * @module reviewer
 * The scripted reviewer: lists the inbox's pending requests and decides each by its tool
 * call id (carried in the request's metadata), over HTTP with a reviewer token.
 */

/** The reviewer's decision per tool call id (PROTOCOL.md decision bodies). */
export const SCRIPT: Record<string, { type: string; response_data?: object; comments?: string }> = {
  call_transfer_acme: {
    type: "modify",
    response_data: { amount: "1800.00" },
    comments: "Budget is 1800.00",
  },
  call_transfer_x: { type: "reject", comments: "Unknown payee; call the customer first" },
  call_close: { type: "approve", comments: "Customer asked in writing" },
};

interface ListedAction {
  id: string;
  title: string;
  metadata: Record<string, unknown>;
}

/**
 * Decides every pending request of the inbox at `url` according to {@link SCRIPT} (only
 * those of `threadId` when given, for an inbox shared with other runs).
 */
export async function decideAll(url: string, token: string, threadId?: string): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const res = await fetch(`${url}/actions?status=pending&limit=50`, { headers });
  if (res.status !== 200) throw new Error(`listing failed: ${res.status} ${await res.text()}`);
  const { actions } = (await res.json()) as { actions: ListedAction[] };
  for (const action of actions) {
    const decision = SCRIPT[String(action.metadata.tool_call_id)];
    if (!decision || (threadId !== undefined && action.metadata.thread_id !== threadId)) continue;
    const answer = await fetch(`${url}/actions/${encodeURIComponent(action.id)}/decision`, {
      method: "POST",
      headers,
      body: JSON.stringify(decision),
    });
    if (answer.status !== 200)
      throw new Error(`decision refused: ${answer.status} ${await answer.text()}`);
    console.log(
      `reviewer: ${decision.type} "${action.title}" (thread ${String(action.metadata.thread_id)})`,
    );
  }
}
