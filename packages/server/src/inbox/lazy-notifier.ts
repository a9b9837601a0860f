/**
 * @module inbox/lazy-notifier
 * A {@link DecisionNotifier} whose implementation is loaded in the background (the
 * PostgreSQL notifier, so that mounting an inbox loads `pg` only for a PostgreSQL store).
 * Subscriptions (and change watchers) made before it loaded move to it once it has; events
 * published before then are published through it once it has.
 */
import type { DecisionNotifier } from "./decision-notifier.js";

interface EarlySubscription {
  attach(notifier: DecisionNotifier): (() => void) | undefined;
  off?: (() => void) | undefined;
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
      if (!sub.cancelled) sub.off = sub.attach(notifier);
    }
    early.clear();
    return notifier;
  });
  loaded.catch(onError);

  /** Attaches now when loaded, else once loaded; answers the detach function. */
  const attach = (fn: EarlySubscription["attach"]) => {
    if (inner) return fn(inner) ?? (() => {});
    const sub: EarlySubscription = { attach: fn, cancelled: false };
    early.add(sub);
    return () => {
      sub.cancelled = true;
      early.delete(sub);
      sub.off?.();
    };
  };
  /** Runs `use` on the loaded notifier; failures go to `onError`. */
  const through = async (use: (notifier: DecisionNotifier) => void | Promise<void>) => {
    try {
      await use(inner ?? (await loaded));
    } catch (error) {
      onError(error);
    }
  };

  return {
    publish: (event) => through((n) => n.publish(event)),
    subscribe: (agentId, listener) => attach((n) => n.subscribe(agentId, listener)),
    publishCreated: (event) => through((n) => n.publishCreated?.(event)),
    publishUpdated: (event) => through((n) => n.publishUpdated?.(event)),
    watchChanges: (listener) => attach((n) => n.watchChanges?.(listener)),
    async close() {
      const notifier = await loaded.catch(() => undefined);
      await notifier?.close();
    },
  };
}
