/**
 * @module waiting-threads
 * Which threads of a checkpointer may be waiting for a human. `checkpointer.list()` without
 * a thread id loads EVERY checkpoint of every thread with its blobs and writes, so on
 * PostgreSQL the bridge asks the tables directly: the threads whose latest top-level
 * checkpoint has an `__interrupt__` write (a superset of the waiting ones; the bridge
 * confirms each with `getState`). Other checkpointers fall back to `list()`.
 */
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { postgresPoolOf } from "./thread-lock.js";

interface QueryablePool {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** The `PostgresSaver` schema (option `schema`, default "public"). */
function schemaOf(checkpointer: unknown): string {
  const schema = (checkpointer as { options?: { schema?: unknown } }).options?.schema;
  return typeof schema === "string" && schema.length > 0 ? schema : "public";
}

/** The SQL listing the threads whose latest top-level checkpoint holds an interrupt. */
export function interruptedThreadsSql(schema: string): string {
  const s = `"${schema.replaceAll('"', '""')}"`;
  return `SELECT latest.thread_id FROM (
    SELECT DISTINCT ON (thread_id) thread_id, checkpoint_id
    FROM ${s}.checkpoints WHERE checkpoint_ns = ''
    ORDER BY thread_id, checkpoint_id DESC
  ) latest
  WHERE EXISTS (
    SELECT 1 FROM ${s}.checkpoint_writes w
    WHERE w.thread_id = latest.thread_id AND w.checkpoint_ns = ''
      AND w.checkpoint_id = latest.checkpoint_id AND w.channel = '__interrupt__'
  )
  ORDER BY latest.thread_id`;
}

/**
 * Thread ids that may be waiting for approvals: on a `PostgresSaver`, one query returning
 * only interrupted threads; otherwise every thread `checkpointer.list()` yields.
 */
export async function listCandidateThreads(checkpointer: BaseCheckpointSaver): Promise<string[]> {
  const pool = postgresPoolOf(checkpointer) as unknown as QueryablePool | undefined;
  if (pool) {
    const { rows } = await pool.query(interruptedThreadsSql(schemaOf(checkpointer)));
    return rows.map((row) => String(row.thread_id));
  }
  const threads = new Set<string>();
  for await (const tuple of checkpointer.list({ configurable: {} })) {
    const id = tuple.config.configurable?.thread_id;
    if (typeof id === "string") threads.add(id);
  }
  return [...threads];
}
