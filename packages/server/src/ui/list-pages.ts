/**
 * @module ui/list-pages
 * Reads the web inbox's lists one page at a time, so no number of actions makes a list
 * stop short silently: a page holds at most `size` records the reviewer may see (filters and
 * rights applied while reading), and `nextCursor` leads to the older ones. Reading one page
 * touches at most {@link SCAN_BUDGET} stored rows; a page cut short by that budget still
 * links on. Counts come from the store's grouped counts, never from what a page read.
 */

import type { ReviewerIdentity } from "@safeguards/core/internal";
import { groupRecord } from "../auth/group-record.js";
import type { ReviewerGate } from "../auth/reviewer-gate.js";
import type { ActionService } from "../inbox/action-service.js";
import type { ListQuery, StoredRecord } from "../store/action-store.js";
import { assignedTo, type InboxFilter } from "./inbox-page.js";

/** Records per page of the pending list and of the history. */
export const PAGE_SIZE = 50;

/** Most stored rows read to fill one page when filters or rights hide rows. */
export const SCAN_BUDGET = 2000;

/** One page of a list. */
export interface RecordPage {
  records: StoredRecord[];
  /** Cursor of the next (older) page, `null` on the last one. */
  nextCursor: string | null;
}

/** Reads one page of what `reviewer` may see, keeping only records passing `keep`. */
export async function readPage(
  gate: ReviewerGate,
  reviewer: string,
  query: Omit<ListQuery, "limit">,
  keep: (record: StoredRecord) => boolean = () => true,
  size = PAGE_SIZE,
): Promise<RecordPage> {
  const records: StoredRecord[] = [];
  let cursor = query.cursor;
  let scanned = 0;
  do {
    // Never ask for more than the page still needs, so the store's cursor is where we stop.
    const limit = Math.min(200, size - records.length);
    const page = await gate.list(reviewer, { ...query, limit, ...(cursor ? { cursor } : {}) });
    scanned += limit;
    records.push(...page.actions.map((a) => a.record).filter(keep));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && records.length < size && scanned < SCAN_BUDGET);
  return { records, nextCursor: cursor ?? null };
}

/** True counts of the pending actions a reviewer may see. */
export interface PendingSummary {
  total: number;
  bySeverity: Record<string, number>;
  /** Agents with pending actions the reviewer may see, sorted. */
  agents: string[];
  /** How many pass the filter (equals `total` without one). */
  matching: number;
}

/**
 * Sums the store's grouped pending counts over what `reviewer` may see. Rights and
 * eligibility depend on an action's agent, tool and assignees only, so each group is
 * checked once, on a record of its shape.
 */
export async function pendingSummary(
  service: ActionService,
  gate: ReviewerGate,
  reviewer: ReviewerIdentity,
  filter: InboxFilter,
): Promise<PendingSummary> {
  const visible = (await service.pendingCounts()).filter((c) =>
    gate.canSee(reviewer.name, groupRecord(c)),
  );
  const bySeverity: Record<string, number> = {};
  let total = 0;
  let matching = 0;
  for (const c of visible) {
    total += c.count;
    bySeverity[c.severity] = (bySeverity[c.severity] ?? 0) + c.count;
    if (
      (!filter.agent || c.agentId === filter.agent) &&
      (!filter.severity || c.severity === filter.severity) &&
      (!filter.assigned || assignedTo(c.assignees, reviewer))
    )
      matching += c.count;
  }
  const agents = [...new Set(visible.map((c) => c.agentId))].sort();
  return { total, bySeverity, agents, matching };
}
