/**
 * @module reviewer
 * A scripted reviewer at the inbox's HTTP API (reviewer token): it reads what each pending
 * request of a thread would do and decides as a careful CFO would. Transfers to ACME are cut
 * to the budget (1800.00); transfers to anyone else are rejected.
 */

/** A decision body of `POST /actions/{id}/decision` (docs/PROTOCOL.md). */
interface DecisionBody {
  type: "approve" | "modify" | "reject";
  response_data?: Record<string, unknown>;
  comments?: string;
}

interface PendingRecord {
  id: string;
  title: string;
  metadata: { thread_id?: string };
  action?: { name: string; args: Record<string, unknown> };
}

/** The budget for ACME and the reason given for refusing other payees. */
export const BUDGET = "1800.00";
export const REJECT_REASON = "Unknown payee: call the customer before paying them";

/** The CFO's rule for one transfer. */
function decide(args: Record<string, unknown>): DecisionBody {
  if (args.to === "ACME") {
    return { type: "modify", response_data: { amount: BUDGET }, comments: "Budget is 1800.00" };
  }
  return { type: "reject", comments: REJECT_REASON };
}

/**
 * Decides every pending request of `threadId` in the inbox at `inboxUrl`; returns one line per
 * decision. Throws when the inbox refuses a decision or nothing of the thread is pending.
 */
export async function reviewThread(
  inboxUrl: string,
  token: string,
  threadId: string,
): Promise<string[]> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const listing = await fetch(`${inboxUrl}/actions?status=pending&limit=50`, { headers });
  if (!listing.ok) throw new Error(`inbox listing: ${listing.status} ${await listing.text()}`);
  const { actions } = (await listing.json()) as { actions: PendingRecord[] };
  const mine = actions.filter((a) => a.metadata.thread_id === threadId && a.action);
  if (mine.length === 0) throw new Error(`the inbox holds nothing pending for ${threadId}`);
  const said: string[] = [];
  for (const record of mine) {
    const body = decide(record.action?.args ?? {});
    const answer = await fetch(`${inboxUrl}/actions/${encodeURIComponent(record.id)}/decision`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    if (!answer.ok) throw new Error(`decision refused: ${answer.status} ${await answer.text()}`);
    const change = body.response_data ? ` to ${JSON.stringify(body.response_data)}` : "";
    said.push(`${body.type}${change} "${record.title}" (${body.comments})`);
  }
  return said;
}
