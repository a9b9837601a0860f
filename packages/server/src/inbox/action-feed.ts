/**
 * @module inbox/action-feed
 * What the reviewer side shows live, from every inbox instance: actions created, updated
 * while pending (an approval or modification recorded, an escalation step applied) and
 * decided (decided includes expired and cancelled) through this instance (its {@link InboxEvents}) or
 * through another one sharing the database (the notifier's `watchChanges`, which carries
 * ids only: the record is read here from the store, once per change whatever the number of
 * listeners), and `resync` when the link to the other instances was lost and is back (changes
 * may have been missed: re-read). The live lists of the web inbox and the Slack updater
 * listen here; with a notifier serving one process (memory, SQLite) only local changes come.
 * The sources are attached only while someone listens.
 */
import type { StoredRecord } from "../store/action-store.js";
import type { DecisionNotifier, RemoteChange } from "./decision-notifier.js";
import type { InboxEvents } from "./inbox-events.js";

/** A change heard by the {@link ActionFeed}. */
export type FeedEvent =
  | {
      /** `updated`: an approval or modification recorded or an escalation step applied. */
      type: "created" | "decided" | "updated";
      record: StoredRecord;
      /** True when it was made through another instance. */
      remote: boolean;
    }
  | { type: "resync" };

/** Listener of {@link ActionFeed.on}. */
export type FeedListener = (event: FeedEvent) => void;

/** Every instance's action changes, as this instance hears them. */
export interface ActionFeed {
  /** Calls `listener` for each change; answers the unsubscribe function. */
  on(listener: FeedListener): () => void;
}

/** What {@link createActionFeed} listens to. */
export interface ActionFeedDeps {
  events: Pick<InboxEvents, "on">;
  notifier: Pick<DecisionNotifier, "watchChanges">;
  /** Reads the current record of an action another instance changed. */
  read: (id: string) => Promise<StoredRecord | undefined>;
  onError: (error: unknown) => void;
}

/** Creates the {@link ActionFeed}. */
export function createActionFeed(deps: ActionFeedDeps): ActionFeed {
  const listeners = new Set<FeedListener>();
  let detach: (() => void) | undefined;
  const tell = (event: FeedEvent) => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        deps.onError(error);
      }
    }
  };
  const fromRemote = async (change: RemoteChange) => {
    if (change.kind === "resync") return tell({ type: "resync" });
    const record = await deps.read(change.actionId);
    if (record) tell({ type: change.kind, record, remote: true });
  };
  const attach = () => {
    const offs = [
      deps.events.on("action.created", (e) =>
        tell({ type: "created", record: e.action, remote: false }),
      ),
      deps.events.on("action.decided", (e) =>
        tell({ type: "decided", record: e.action, remote: false }),
      ),
      deps.events.on("action.updated", (e) =>
        tell({ type: "updated", record: e.action, remote: false }),
      ),
      deps.events.on("action.escalated", (e) =>
        tell({ type: "updated", record: e.action, remote: false }),
      ),
      deps.notifier.watchChanges?.((change) => {
        fromRemote(change).catch(deps.onError);
      }),
    ];
    return () => {
      for (const off of offs) off?.();
    };
  };
  return {
    on(listener) {
      listeners.add(listener);
      detach ??= attach();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && detach) {
          detach();
          detach = undefined;
        }
      };
    },
  };
}
