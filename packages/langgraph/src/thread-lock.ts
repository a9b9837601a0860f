/**
 * @module thread-lock
 * One resume at a time per thread across processes. Two workers that hear the same
 * decision must not both resume the thread (each would run the approved tool), and
 * LangGraph's checkpointers have no compare-and-set: the bridge holds a lock around
 * "read pending approvals, resume". {@link createPostgresThreadLock} uses PostgreSQL
 * session advisory locks on ONE dedicated connection (try-lock with backoff, so waiting
 * workers never hold pool connections the graph needs to save its checkpoints).
 */

/** Serialises work per thread id (across processes when backed by a database). */
export interface ThreadLock {
  /** Runs `work` while holding the thread's lock; the lock is released when it settles. */
  withLock<T>(threadId: string, work: () => Promise<T>): Promise<T>;
  /** Releases the lock's resources (its connection). Safe to call twice. */
  close(): Promise<void>;
}

/** The part of a `pg` client the lock uses. */
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  release(error?: Error | boolean): void;
  /** `pg` clients have it; the lock listens for a connection that breaks while idle. */
  on?(event: "error", listener: (error: Error) => void): unknown;
}

/** The part of a `pg` Pool the lock uses (a `PostgresSaver`'s `pool` is one). */
export interface PgPoolLike {
  connect(): Promise<PgClientLike>;
}

/** Options of {@link createPostgresThreadLock}. */
export interface PostgresThreadLockOptions {
  /** The pool the lock takes its one connection from (e.g. `checkpointer.pool`). */
  pool: PgPoolLike;
  /** Prefix of the lock keys, so unrelated advisory locks do not collide. @default "safeguards.langgraph" */
  namespace?: string;
  /** First wait after a busy lock (ms); doubles up to `maxRetryMs`. @default 20 */
  retryMs?: number;
  /** @default 500 */
  maxRetryMs?: number;
}

const KEY = "hashtextextended($1, 0)";

/**
 * A {@link ThreadLock} on PostgreSQL advisory locks: every worker on the same database
 * that uses it (same namespace) resumes a given thread one at a time. If the lock's
 * connection breaks, PostgreSQL drops its locks; the next call reconnects.
 */
export function createPostgresThreadLock(options: PostgresThreadLockOptions): ThreadLock {
  const namespace = options.namespace ?? "safeguards.langgraph";
  const retryMs = options.retryMs ?? 20;
  const maxRetryMs = options.maxRetryMs ?? 500;
  const local = new Map<string, Promise<unknown>>();
  let client: Promise<PgClientLike> | undefined;
  let closed = false;

  const connection = (): Promise<PgClientLike> => {
    if (closed) return Promise.reject(new Error("The thread lock is closed"));
    if (!client) {
      const pending: Promise<PgClientLike> = options.pool.connect().then((c) => {
        // The held connection breaking while no query runs (PostgreSQL restarting) emits
        // `error`, which ends the process when nobody listens: drop it instead (its locks
        // went with it); the next call reconnects.
        c.on?.("error", (error) => {
          if (client !== pending) return;
          client = undefined;
          c.release(error);
        });
        return c;
      });
      client = pending;
    }
    return client;
  };
  /** A query on the lock connection; a failed connection is dropped (its locks go with it). */
  async function query(text: string, key: string): Promise<Record<string, unknown> | undefined> {
    const pending = connection();
    const c = await pending;
    try {
      return (await c.query(text, [key])).rows[0];
    } catch (error) {
      if (client === pending) {
        client = undefined;
        c.release(error instanceof Error ? error : true);
      }
      throw error;
    }
  }

  async function acquire(key: string): Promise<void> {
    let wait = retryMs;
    for (;;) {
      const row = await query(`SELECT pg_try_advisory_lock(${KEY}) AS ok`, key);
      if (row?.ok === true) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, maxRetryMs);
    }
  }

  /** Session locks are re-entrant, so callers in this process also queue per key. */
  function inProcess<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = local.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    local.set(key, settled);
    void settled.then(() => {
      if (local.get(key) === settled) local.delete(key);
    });
    return next;
  }

  return {
    withLock(threadId, work) {
      const key = `${namespace}:${threadId}`;
      return inProcess(key, async () => {
        await acquire(key);
        try {
          return await work();
        } finally {
          await query(`SELECT pg_advisory_unlock(${KEY})`, key).catch(() => undefined);
        }
      });
    },
    async close() {
      closed = true;
      const pending = client;
      client = undefined;
      // destroyed, not returned to the pool: a pooled session would keep its locks
      if (pending) (await pending.catch(() => undefined))?.release(true);
    },
  };
}

/** The pool of a `PostgresSaver` (or any checkpointer with a `pg` pool), else undefined. */
export function postgresPoolOf(checkpointer: unknown): PgPoolLike | undefined {
  const pool = (checkpointer as { pool?: { connect?: unknown; query?: unknown } } | undefined)
    ?.pool;
  return pool && typeof pool.connect === "function" && typeof pool.query === "function"
    ? (pool as unknown as PgPoolLike)
    : undefined;
}
