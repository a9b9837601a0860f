/**
 * The action feed: local events and other instances' changes (read from the store once per
 * change, whatever the number of listeners), attached only while someone listens.
 */
import { describe, expect, it } from "vitest";
import { createActionFeed, type FeedEvent } from "../src/inbox/action-feed.js";
import type { RemoteChangeListener } from "../src/inbox/decision-notifier.js";
import { createInboxEvents } from "../src/inbox/inbox-events.js";
import type { StoredRecord } from "../src/store/action-store.js";
import { requestBody } from "./helpers.js";

const recordOf = (id: string, status: StoredRecord["status"]) =>
  ({ ...requestBody(), id, status }) as unknown as StoredRecord;

describe("action feed", () => {
  it("reads another instance's change once for all listeners, and listens only while heard", async () => {
    const events = createInboxEvents((e) => {
      throw e;
    });
    const watchers = new Set<RemoteChangeListener>();
    const reads: string[] = [];
    const feed = createActionFeed({
      events,
      notifier: {
        watchChanges(listener) {
          watchers.add(listener);
          return () => watchers.delete(listener);
        },
      },
      read: async (id) => {
        reads.push(id);
        if (id === "act_gone") return undefined;
        return recordOf(id, id === "act_3" ? "pending" : "approved");
      },
      onError: (e) => {
        throw e;
      },
    });
    expect(watchers.size).toBe(0);
    expect(events.has("action.created")).toBe(false);
    const first: FeedEvent[] = [];
    const second: FeedEvent[] = [];
    const offFirst = feed.on((e) => first.push(e));
    const offSecond = feed.on((e) => second.push(e));
    expect(watchers.size).toBe(1);
    for (const w of watchers) {
      w({ kind: "decided", agentId: "bot", actionId: "act_1" });
      w({ kind: "created", agentId: "bot", actionId: "act_gone" });
      w({ kind: "updated", agentId: "bot", actionId: "act_3" });
      w({ kind: "resync" });
    }
    events.emit({ type: "action.created", action: { ...recordOf("act_2", "pending") } });
    await new Promise((r) => setTimeout(r, 0));
    expect(reads).toEqual(["act_1", "act_gone", "act_3"]);
    const summary = (e: FeedEvent) =>
      e.type === "resync" ? "resync" : `${e.type} ${e.record.id} ${e.record.status} ${e.remote}`;
    // A change whose action is not in the store (any more) is not told.
    expect(first.map(summary).sort()).toEqual(
      [
        "created act_2 pending false",
        "decided act_1 approved true",
        "updated act_3 pending true",
        "resync",
      ].sort(),
    );
    expect(second.map(summary)).toEqual(first.map(summary));
    offFirst();
    expect(watchers.size).toBe(1);
    offSecond();
    expect(watchers.size).toBe(0);
    expect(events.has("action.created")).toBe(false);
  });
});
