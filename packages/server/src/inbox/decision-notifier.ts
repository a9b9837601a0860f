/**
 * @module inbox/decision-notifier
 * Wakes long polls when an action reaches a terminal state. The in-process notifier serves
 * one inbox process; the PostgreSQL `LISTEN/NOTIFY` notifier (`postgres-notifier.ts`)
 * implements the same interface so a decision recorded by one instance wakes waiters on
 * every instance. A notifier that links instances also carries the reviewer side's action
 * changes (created, updated while pending, decided, expired) to the other instances
 * (`publishCreated`, `publishUpdated`, `watchChanges`),
 * which the web inbox's live lists and the Slack updater hear through `action-feed.ts`.
 */

/** A terminal transition, as announced to waiters. */
export interface DecisionEvent {
  agentId: string;
  actionId: string;
  decisionSeq: number;
  /**
   * Set on a synthetic wake-up (e.g. after a notifier reconnected and may have missed events):
   * every waiter of the agent re-reads, whatever action it waits for.
   */
  resync?: boolean;
}

/**
 * An action change announced by another inbox instance: ids and kind only (the receiver
 * reads the action from the store), or `resync` when changes may have been missed (the link
 * to the other instances was lost and is back): whoever shows actions re-reads them.
 */
export type RemoteChange =
  | { kind: "created" | "updated" | "decided"; agentId: string; actionId: string }
  | { kind: "resync" };

/** Listener of {@link DecisionNotifier.watchChanges}. */
export type RemoteChangeListener = (change: RemoteChange) => void;

/** Listener of {@link DecisionNotifier.subscribe}. */
export type DecisionEventListener = (event: DecisionEvent) => void;

/** Publish/subscribe of decision events, keyed by agent. */
export interface DecisionNotifier {
  /** Announces a decision (after it is committed). */
  publish(event: DecisionEvent): void | Promise<void>;
  /** Calls `listener` for each decision of `agentId`; returns the unsubscribe function. */
  subscribe(agentId: string, listener: DecisionEventListener): () => void;
  /** Releases resources (connections). */
  close(): Promise<void>;
  /**
   * Tells the other instances that an action was filed (decisions travel with their
   * wake-ups). Absent on a notifier serving one process.
   */
  publishCreated?(event: { agentId: string; actionId: string }): void | Promise<void>;
  /**
   * Tells the other instances that a pending action changed (an approval or modification
   * recorded, an escalation step applied). Absent on a notifier serving one process.
   */
  publishUpdated?(event: { agentId: string; actionId: string }): void | Promise<void>;
  /**
   * Calls `listener` for each action filed, updated or decided through another instance, and with
   * `resync` after a lost link came back; answers the unsubscribe function. Absent on a
   * notifier serving one process.
   */
  watchChanges?(listener: RemoteChangeListener): () => void;
}

/** The in-process notifier, which can also wake every waiter at once. */
export interface LocalNotifier extends DecisionNotifier {
  /** Wakes every waiter with a `resync` event so it re-reads the store. */
  resyncAll(): void;
}

/** Creates the in-process {@link DecisionNotifier}. */
export function createLocalNotifier(): LocalNotifier {
  const byAgent = new Map<string, Set<DecisionEventListener>>();
  const deliver = (listeners: Iterable<DecisionEventListener>, event: DecisionEvent) => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // A broken listener must not stop the others.
      }
    }
  };
  return {
    publish(event) {
      deliver(byAgent.get(event.agentId) ?? [], event);
    },
    resyncAll() {
      for (const [agentId, set] of [...byAgent]) {
        deliver(set, { agentId, actionId: "", decisionSeq: 0, resync: true });
      }
    },
    subscribe(agentId, listener) {
      let set = byAgent.get(agentId);
      if (!set) {
        set = new Set();
        byAgent.set(agentId, set);
      }
      set.add(listener);
      return () => {
        const current = byAgent.get(agentId);
        current?.delete(listener);
        if (current?.size === 0) byAgent.delete(agentId);
      };
    },
    async close() {
      byAgent.clear();
    },
  };
}
