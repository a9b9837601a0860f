/**
 * @module reviewer
 * The human side of the demo: the curl commands a person runs to decide, and a scripted
 * reviewer (for CI) that decides the same way, over HTTP with a reviewer token.
 */

/** The three decisions the demo offers. */
export const DECISIONS = {
  approve: { type: "approve", comments: "Looks fine" },
  modify: {
    type: "modify",
    response_data: { amount: "1800.00" },
    comments: "Reduced to the approved budget",
  },
  reject: { type: "reject", comments: "Too risky for this client" },
} as const;

/** A decision name. */
export type DecisionName = keyof typeof DECISIONS;

/** The shell command that makes `decision` on action `id`. */
export function curlCommand(
  url: string,
  token: string,
  id: string,
  decision: DecisionName,
): string {
  return [
    `curl -sS -X POST '${url}/actions/${encodeURIComponent(id)}/decision'`,
    `-H 'Authorization: Bearer ${token}'`,
    `-H 'Content-Type: application/json'`,
    `-d '${JSON.stringify(DECISIONS[decision])}'`,
  ].join(" \\\n    ");
}

/** Decides `id` over HTTP as the reviewer; throws unless the inbox answers 200. */
export async function decide(
  url: string,
  token: string,
  id: string,
  decision: DecisionName,
): Promise<void> {
  const res = await fetch(`${url}/actions/${encodeURIComponent(id)}/decision`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(DECISIONS[decision]),
  });
  if (res.status !== 200)
    throw new Error(`The inbox refused the decision: ${res.status} ${await res.text()}`);
}

/** The record's `review_url`, read with the reviewer token (undefined if the inbox gives none). */
export async function reviewUrl(
  url: string,
  token: string,
  id: string,
): Promise<string | undefined> {
  const res = await fetch(`${url}/actions/${encodeURIComponent(id)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) return undefined;
  return ((await res.json()) as { review_url?: string }).review_url;
}
