/**
 * @module inbox-reviewer
 * A scripted reviewer that decides over the inbox's HTTP API, as a person in the web
 * inbox would: list pending actions, then POST a decision for each new one.
 */

/** A pending action as the inbox lists it (snake_case wire fields). */
export interface InboxRecord {
  id: string;
  title: string;
  action?: { name: string; args: Record<string, unknown> };
  metadata: Record<string, unknown>;
}

/** The answer of one decision POST. */
export interface DecisionAnswer {
  id: string;
  status: number;
  body: unknown;
}

/**
 * Polls `GET /actions?status=pending` every 10 ms and POSTs `decide(record)` for each
 * action it has not seen; `decide` may return several bodies (tried in order, e.g. an
 * invalid one first). Returns a stop function and the answers.
 */
export function inboxReviewer(
  url: string,
  token: string,
  decide: (record: InboxRecord) => unknown[],
) {
  const seen = new Set<string>();
  const answers: DecisionAnswer[] = [];
  let stopped = false;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const loop = (async () => {
    while (!stopped) {
      const res = await fetch(`${url}/actions?status=pending`, { headers });
      const list = (await res.json()) as { actions?: InboxRecord[] };
      for (const record of list.actions ?? []) {
        if (seen.has(record.id)) continue;
        seen.add(record.id);
        for (const body of decide(record)) {
          const answer = await fetch(`${url}/actions/${encodeURIComponent(record.id)}/decision`, {
            method: "POST",
            headers,
            body: JSON.stringify(body),
          });
          answers.push({ id: record.id, status: answer.status, body: await answer.json() });
        }
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    answers,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
