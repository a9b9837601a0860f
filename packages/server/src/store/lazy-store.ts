/**
 * @module store/lazy-store
 * An {@link ActionStore} whose driver is loaded on first use (`init()` comes first), so that
 * mounting an inbox loads `better-sqlite3` or `pg` only when its store needs them.
 */
import type { ActionStore } from "./action-store.js";
import { lazyReviewerState } from "./lazy-reviewer-state.js";
import { createMemorySlackMessages, type SlackMessageStore } from "./slack-message-store.js";

/** Wraps `load` (called once, at the first method call) as a store. */
export function lazyStore(load: () => Promise<ActionStore>): ActionStore {
  let inner: ActionStore | undefined;
  let loading: Promise<ActionStore> | undefined;
  const get = () =>
    (loading ??= load().then((store) => {
      inner = store;
      return store;
    }));
  let slack: SlackMessageStore | undefined;
  const slackOf = async () =>
    (slack ??= (inner ?? (await get())).slackMessages?.() ?? createMemorySlackMessages());
  return {
    reviewerState: lazyReviewerState(async () => {
      const store = inner ?? (await get());
      if (!store.reviewerState) throw new Error("the loaded store keeps no reviewer state");
      return store.reviewerState;
    }),
    init: async () => (await get()).init(),
    slackMessages: () => ({
      save: async (actionId, entry) => (await slackOf()).save(actionId, entry),
      take: async (actionId) => (await slackOf()).take(actionId),
      purgeExpired: async (nowMs) => (await slackOf()).purgeExpired(nowMs),
    }),
    create: async (input) => (inner ?? (await get())).create(input),
    get: async (id) => (inner ?? (await get())).get(id),
    list: async (query) => (inner ?? (await get())).list(query),
    transition: async (input) => (inner ?? (await get())).transition(input),
    update: async (input) => (inner ?? (await get())).update(input),
    dueForEscalation: async (nowMs, limit) =>
      (inner ?? (await get())).dueForEscalation(nowMs, limit),
    nextEscalation: async () => (inner ?? (await get())).nextEscalation(),
    decisionsSince: async (query) => (inner ?? (await get())).decisionsSince(query),
    latestDecisionSeq: async (agentId) => (inner ?? (await get())).latestDecisionSeq(agentId),
    dueForExpiry: async (nowMs, limit) => (inner ?? (await get())).dueForExpiry(nowMs, limit),
    nextExpiry: async () => (inner ?? (await get())).nextExpiry(),
    auditLog: async (actionId) => (inner ?? (await get())).auditLog(actionId),
    pendingCounts: async () => (inner ?? (await get())).pendingCounts(),
    stats: async (query) => (inner ?? (await get())).stats(query),
    oldestPending: async (query) => (inner ?? (await get())).oldestPending(query),
    pendingCallbacks: async (limit) => (inner ?? (await get())).pendingCallbacks(limit),
    settleCallback: async (actionId, outcome) =>
      (inner ?? (await get())).settleCallback(actionId, outcome),
    recordAgentTimeout: async (input) => (inner ?? (await get())).recordAgentTimeout(input),
    leaseCallbacks: async (query) => (inner ?? (await get())).leaseCallbacks(query),
    renewCallbackLeases: async (owner, untilMs) =>
      (inner ?? (await get())).renewCallbackLeases(owner, untilMs),
    releaseCallbackLeases: async (owner) => (inner ?? (await get())).releaseCallbackLeases(owner),
    async close() {
      if (!loading) return;
      const store = await loading.catch(() => undefined);
      await store?.close();
    },
  };
}
