/**
 * @module inbox/inbox-events
 * Extension point: listeners called when an action is created, changes while pending (an
 * approval or modification recorded, an escalation step applied) or is decided (Slack and
 * email notifiers, metrics, logging attach here). Listener errors are reported, never thrown into
 * the request that caused the event.
 */
import type { protocol } from "@safeguards/core";

/** An event of the inbox. */
export type InboxEvent =
  | { type: "action.created"; action: protocol.ActionRecord }
  | { type: "action.decided"; action: protocol.ActionRecord; actor: string }
  /** A pending action's record changed (an approval or modification recorded, an escalation). */
  | { type: "action.updated"; action: protocol.ActionRecord; actor: string }
  /**
   * An escalation step was applied: `assignees` are the step's entries (the reviewers and
   * groups to tell); `action.assignees` is everyone who may decide now.
   */
  | {
      type: "action.escalated";
      action: protocol.ActionRecord;
      /** Index of the step in `action.escalation`. */
      step: number;
      /** The step's entries. */
      assignees: string[];
      /**
       * The action's assignees just before this step (`null`: every reviewer with rights), so
       * a notifier tells only the reviewers the step newly reaches.
       */
      previousAssignees: string[] | null;
    }
  | { type: "callback.failed"; actionId: string; url: string; attempts: number; error: string };

/** The `type` of an {@link InboxEvent}. */
export type InboxEventType = InboxEvent["type"];

/** Listener of one event type. */
export type InboxEventListener<T extends InboxEventType> = (
  event: Extract<InboxEvent, { type: T }>,
) => void | Promise<void>;

/** A small typed event hub. */
export interface InboxEvents {
  on<T extends InboxEventType>(type: T, listener: InboxEventListener<T>): () => void;
  emit(event: InboxEvent): void;
  /** Whether anyone listens to `type` (so an event that costs work to build can be skipped). */
  has(type: InboxEventType): boolean;
}

/** Creates an {@link InboxEvents}; `onListenerError` receives listener failures. */
export function createInboxEvents(onListenerError: (error: unknown) => void): InboxEvents {
  const listeners = new Map<InboxEventType, Set<(event: InboxEvent) => void | Promise<void>>>();
  return {
    on(type, listener) {
      const set = listeners.get(type) ?? new Set();
      listeners.set(type, set);
      const wrapped = listener as (event: InboxEvent) => void | Promise<void>;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
    has(type) {
      return (listeners.get(type)?.size ?? 0) > 0;
    },
    emit(event) {
      for (const listener of [...(listeners.get(event.type) ?? [])]) {
        try {
          Promise.resolve(listener(event)).catch(onListenerError);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
  };
}
