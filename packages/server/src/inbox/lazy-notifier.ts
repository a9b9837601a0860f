/**
 * @module inbox/lazy-notifier
 * A {@link DecisionNotifier} whose implementation is loaded in the background (the
 * PostgreSQL notifier, so that mounting an inbox loads `pg` only for a PostgreSQL store).
 * Subscriptions made before it loaded move to it once it has; events published before then
 * are published through it once it has.
 */
import type { DecisionEventListener, DecisionNotifier } from "./decision-notifier.js";

interface EarlySubscription {
  agentId: string;
  listener: DecisionEventListener;
  off?: () => void;
  cancelled: boolean;
}

/** Starts `load` now and answers for the notifier it resolves to. */
export function lazyNotifier(
  load: () => Promise<DecisionNotifier>,
  onError: (error: unknown) => void,
): DecisionNotifier {
  let inner: DecisionNotifier | undefined;
  const early = new Set<EarlySubscription>();
  const loaded = load().then((notifier) => {
    inner = notifier;
    for (const sub of early) {
      if (!sub.cancelled) sub.off = notifier.subscribe(sub.agentId, sub.listener);
    }
    early.clear();
    return notifier;
  });
  loaded.catch(onError);
  return {
    async publish(event) {
      try {
        await (inner ?? (await loaded)).publish(event);
      } catch (error) {
        onError(error);
      }
    },
    subscribe(agentId, listener) {
      if (inner) return inner.subscribe(agentId, listener);
      const sub: EarlySubscription = { agentId, listener, cancelled: false };
      early.add(sub);
      return () => {
        sub.cancelled = true;
        early.delete(sub);
        sub.off?.();
      };
    },
    async close() {
      const notifier = await loaded.catch(() => undefined);
      await notifier?.close();
    },
  };
}
