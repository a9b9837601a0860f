/**
 * @module store/next-escalation
 * When a stored record's next escalation step is due: the value every store keeps beside
 * the record (indexed), so the sweeper finds due steps without reading records.
 */
import { nextEscalationAt } from "@safeguards/core/internal";
import type { StoredRecord } from "./action-store.js";

/** When the record's next escalation step not yet applied is due (ms), or `null` when none. */
export function nextEscalationMs(record: StoredRecord): number | null {
  if (record.status !== "pending" || !record.escalation) return null;
  const steps = record.escalation.map((s) => ({ afterSeconds: s.after_seconds }));
  return nextEscalationAt(steps, record.escalations?.length ?? 0, Date.parse(record.created_at));
}
