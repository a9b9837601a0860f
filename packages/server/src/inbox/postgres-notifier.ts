/**
 * @module inbox/postgres-notifier
 * A {@link DecisionNotifier} over PostgreSQL `LISTEN/NOTIFY`, so a decision recorded through
 * any inbox instance wakes the long polls waiting on every instance sharing the database.
 *
 * - `publish` (called after the transition committed) wakes this instance's waiters at once
 *   and sends `pg_notify(channel, json)` through a Pool; other instances receive it on their
 *   dedicated `LISTEN` connection (this instance ignores its own echo).
 * - When the `LISTEN` connection drops (database restart, network), it reconnects with
 *   exponential backoff; after reconnecting it wakes every local waiter with a synthetic
 *   event (`resync: true`) so each long poll re-reads the database: notifications sent
 *   while it was away are not replayed by PostgreSQL, but no decision is lost because the
 *   database, not the notification, is the source of truth.
 * - The same channel carries the reviewer side's changes to the other instances
 *   (`publishCreated` for a filing, `publishUpdated` for an approval recorded or an
 *   escalation step applied while pending; a decision's own wake-up stands for `decided`):
 *   their `watchChanges` listeners hear ids and kinds, and `resync` after each (re)connection.
 *
 * Payloads: see `notify-payload.ts` (JSON, ids only, a few hundred bytes at most).
 */
import { randomUUID } from "node:crypto";
import { InvalidConfigError } from "@safeguards/core";
import pg from "pg";
import {
  createLocalNotifier,
  type DecisionNotifier,
  type RemoteChange,
  type RemoteChangeListener,
} from "./decision-notifier.js";
import { type NotifyMessage, notifyPayload, readNotifyPayload } from "./notify-payload.js";

/** Default `LISTEN` channel. */
export const DEFAULT_NOTIFY_CHANNEL = "safeguards_decisions";

/** Options of {@link createPostgresNotifier}. */
export interface PostgresNotifierOptions {
  /** `postgres://...` of the database the inbox instances share. */
  connectionString: string;
  /** Pool used to send notifications (e.g. the store's); one is created when absent. */
  pool?: pg.Pool;
  /** Channel name (letters, digits, `_`). @default "safeguards_decisions" */
  channel?: string;
  /** First reconnect delay (ms); doubles up to `maxReconnectDelayMs`. @default 100 */
  reconnectDelayMs?: number;
  /** @default 5000 */
  maxReconnectDelayMs?: number;
  /** Receives connection and publish errors (they are retried, never thrown). */
  onError?: (error: unknown) => void;
}

/** The notifier, plus what tests and health checks need. */
export interface PostgresNotifier extends DecisionNotifier {
  /** Resolves once the `LISTEN` connection is established (the first time). */
  ready(): Promise<void>;
  /** True while the `LISTEN` connection is up. */
  readonly listening: boolean;
  /** Tells the other instances that an action was filed (`{"o", "k": "c", "a", "i"}`). */
  publishCreated(event: { agentId: string; actionId: string }): Promise<void>;
  /**
   * Tells the other instances that a pending action changed (`{"o", "k": "u", "a", "i"}`): an
   * approval or modification recorded, an escalation step applied.
   */
  publishUpdated(event: { agentId: string; actionId: string }): Promise<void>;
  /** Hears other instances' filings, updates and decisions, and `resync` after each (re)connection. */
  watchChanges(listener: RemoteChangeListener): () => void;
}

/** Creates a {@link PostgresNotifier}; it starts connecting at once. */
export function createPostgresNotifier(options: PostgresNotifierOptions): PostgresNotifier {
  const channel = options.channel ?? DEFAULT_NOTIFY_CHANNEL;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) {
    throw new InvalidConfigError("createPostgresNotifier: channel must match [a-z_][a-z0-9_]*");
  }
  const onError = options.onError ?? (() => {});
  const firstDelay = options.reconnectDelayMs ?? 100;
  const maxDelay = options.maxReconnectDelayMs ?? 5000;
  const origin = randomUUID();
  const ownPool = !options.pool;
  const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: 2 });
  if (ownPool) pool.on("error", onError);

  const local = createLocalNotifier();
  let client: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let delay = firstDelay;
  let retryTimer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => {};
  const readyPromise = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const watchers = new Set<RemoteChangeListener>();
  const tellWatchers = (change: RemoteChange) => {
    for (const watcher of [...watchers]) {
      try {
        watcher(change);
      } catch (error) {
        onError(error);
      }
    }
  };
  /** Wakes every local waiter and watcher so they re-read the database. */
  const resyncAll = () => {
    local.resyncAll();
    tellWatchers({ kind: "resync" });
  };

  const onNotification = (message: pg.Notification) => {
    if (message.channel !== channel || !message.payload) return;
    const change = readNotifyPayload(message.payload, origin);
    if (change.kind === "ignore") return;
    if (change.kind === "resync") return resyncAll();
    const { agentId, actionId } = change;
    if (change.kind === "decided")
      local.publish({ agentId, actionId, decisionSeq: change.decisionSeq });
    tellWatchers({ kind: change.kind, agentId, actionId });
  };

  /** Sends `message` to the other instances; never throws. */
  const send = async (message: NotifyMessage) => {
    try {
      await pool.query("SELECT pg_notify($1, $2)", [channel, notifyPayload(origin, message)]);
    } catch (error) {
      onError(error);
    }
  };

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
    retryTimer.unref?.();
    delay = Math.min(delay * 2, maxDelay);
  };

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: options.connectionString, keepAlive: true });
    let lost = false;
    const drop = (error?: unknown) => {
      if (lost) return;
      lost = true;
      if (error) onError(error);
      if (client === c) {
        client = undefined;
        listening = false;
      }
      c.removeAllListeners("notification");
      void c.end().catch(() => {});
      scheduleReconnect();
    };
    c.on("error", drop);
    c.on("end", () => drop());
    c.on("notification", onNotification);
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
    } catch (error) {
      drop(error);
      return;
    }
    if (closed || lost) {
      void c.end().catch(() => {});
      return;
    }
    client = c;
    listening = true;
    delay = firstDelay;
    markReady();
    // Decisions committed while this connection was down (or before it first came up, for
    // waiters that subscribed early) were never delivered here: make every waiter re-read.
    resyncAll();
  };
  void connect();

  return {
    ready: () => readyPromise,
    get listening() {
      return listening;
    },
    async publish(event) {
      local.publish(event);
      await send({ kind: "decided", ...event });
    },
    subscribe: (agentId, listener) => local.subscribe(agentId, listener),
    publishCreated: ({ agentId, actionId }) => send({ kind: "created", agentId, actionId }),
    publishUpdated: ({ agentId, actionId }) => send({ kind: "updated", agentId, actionId }),
    watchChanges(listener) {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      const c = client;
      client = undefined;
      listening = false;
      await local.close();
      watchers.clear();
      if (c) {
        c.removeAllListeners("notification");
        await c.end().catch(() => {});
      }
      if (ownPool) await pool.end().catch(() => {});
    },
  };
}
