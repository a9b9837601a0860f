/**
 * @module reviewers
 * The humans: reviewer accounts with groups (alice and bob in finance, carol the CFO, dave
 * in sales) and their decisions over the inbox's HTTP API, as the web inbox would send them.
 */

/** Reviewer accounts of the inbox: name, API token, groups. */
export const ACCOUNTS = [
  { name: "alice", groups: ["finance"] },
  { name: "bob", groups: ["finance"] },
  { name: "carol", groups: ["cfo"] },
  { name: "dave", groups: ["sales"] },
].map((r) => ({ ...r, token: `token-of-${r.name}-four-eyes`, agents: "*" as const }));

/** What the inbox answered to one decision. */
export interface Answer {
  status: number;
  /** The record's status (200) or the error code (otherwise). */
  what: string;
}

/** `reviewer` decides `id` over HTTP (`POST /actions/{id}/decision`). */
export async function decideAs(
  url: string,
  reviewer: string,
  id: string,
  body: { type: "approve" | "reject" | "modify"; comments?: string },
): Promise<Answer> {
  const account = ACCOUNTS.find((a) => a.name === reviewer);
  const res = await fetch(`${url}/actions/${encodeURIComponent(id)}/decision`, {
    method: "POST",
    headers: { authorization: `Bearer ${account?.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { status?: string; error?: { code: string } };
  return { status: res.status, what: json.error?.code ?? json.status ?? "?" };
}

/** Who may decide `id` now (the record's `assignees`, escalations included), read as `reviewer`. */
export async function assigneesNow(url: string, reviewer: string, id: string): Promise<string[]> {
  const account = ACCOUNTS.find((a) => a.name === reviewer);
  const res = await fetch(`${url}/actions/${encodeURIComponent(id)}`, {
    headers: { authorization: `Bearer ${account?.token}` },
  });
  return ((await res.json()) as { assignees?: string[] }).assignees ?? [];
}
