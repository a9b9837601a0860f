/**
 * @module test/reliability/cursor-watch
 * A `/decisions` reader per agent key that follows its cursor for the whole soak (long polls,
 * through whichever instance is alive, resuming from its cursor after a fault) and records
 * every decision it is given. Afterwards each agent's watcher must have seen every decided
 * action of that agent exactly once, in increasing cursor order: no cursor skipped a decision
 * committed out of order, whatever other agents and instances were deciding meanwhile.
 */
import pg from "pg";
import { sleep } from "./reliability-env.js";

/** A running watcher. */
export interface CursorWatch {
  /** Stops after draining what is left; answers the ids seen, in the order seen. */
  stop(): Promise<string[]>;
  /** Problems seen while reading (a cursor that went backwards). */
  readonly problems: string[];
}

/** Follows `GET /decisions` of `key` on the instances `urls()` answers. */
export function watchDecisions(urls: () => string[], key: string): CursorWatch {
  const seen: string[] = [];
  const problems: string[] = [];
  let cursor = "0";
  let stopping = false;
  let turn = 0;
  const read = async (wait: number) => {
    const live = urls();
    const url = live[turn++ % Math.max(1, live.length)];
    if (!url) return -1;
    const res = await fetch(`${url}/decisions?since=${cursor}&wait=${wait}`, {
      headers: { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout((wait + 5) * 1000),
    });
    if (res.status !== 200) return -1;
    const body = (await res.json()) as { decisions: { id: string }[]; cursor: string };
    if (Number(body.cursor) < Number(cursor)) problems.push(`cursor ${cursor} -> ${body.cursor}`);
    for (const d of body.decisions) seen.push(d.id);
    cursor = body.cursor;
    return body.decisions.length;
  };
  const loop = (async () => {
    while (!stopping) {
      const n = await read(2).catch(() => -1);
      if (n < 0) await sleep(100);
    }
    // Drain: read until an answer brings nothing new.
    for (let tries = 0; tries < 50; ) {
      const n = await read(0).catch(() => -1);
      if (n === 0) return;
      if (n < 0) {
        tries += 1;
        await sleep(100);
      }
    }
    problems.push("could not drain the decisions at the end");
  })();
  return {
    problems,
    async stop() {
      stopping = true;
      await loop;
      return seen;
    },
  };
}

/** The ids of `agentId`'s decided actions in the database at `url`. */
export async function decidedIds(url: string, agentId: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      "SELECT id FROM actions WHERE agent_id = $1 AND decision_seq IS NOT NULL ORDER BY id",
      [agentId],
    );
    return rows.map((r) => r.id);
  } finally {
    await client.end();
  }
}
