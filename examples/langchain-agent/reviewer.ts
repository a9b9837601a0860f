/**
 * A scripted reviewer for CI: polls the inbox's pending list over HTTP with a reviewer
 * token and decides each new action with `decide(record)`, as a person in the web inbox
 * would.
 */

/** A pending action as the inbox lists it (snake_case wire fields). */
export interface PendingRecord {
  id: string;
  title: string;
  action?: { name: string; args: Record<string, unknown> };
}

/** Starts deciding; `stop()` ends the loop. */
export function scriptedReviewer(
  url: string,
  token: string,
  decide: (record: PendingRecord) => Record<string, unknown>,
) {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const seen = new Set<string>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const list = (await (await fetch(`${url}/actions?status=pending`, { headers })).json()) as {
        actions?: PendingRecord[];
      };
      for (const record of list.actions ?? []) {
        if (seen.has(record.id)) continue;
        seen.add(record.id);
        const decision = decide(record);
        const res = await fetch(`${url}/actions/${encodeURIComponent(record.id)}/decision`, {
          method: "POST",
          headers,
          body: JSON.stringify(decision),
        });
        console.log(
          `  [reviewer alice] ${record.title}: ${String(decision.type)} -> HTTP ${res.status}`,
        );
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
