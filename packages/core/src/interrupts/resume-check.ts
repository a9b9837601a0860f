/**
 * @module interrupts/resume-check
 * The resume rules, checked for a whole resume before anything of it is saved:
 * - a resume keyed by interrupt id may name only pending interrupts (unknown or stale ids
 *   are refused) and answers exactly the ones it names;
 * - an un-keyed resume answers the one pending interrupt, and is refused while more than one
 *   is pending (it would answer calls nobody saw);
 * - every decision must be valid for its call; one refused decision refuses the whole resume.
 * LangGraph-free: the adapters read the pending interrupts and the resume from their runtime.
 */
import { ErrorCode, SafeguardsError } from "../errors.js";
import type { JsonObject } from "../util/json.js";
import { type ApprovalPayload, isApprovalPayload } from "./approval-payload.js";
import {
  type CallUnderReview,
  callUnderReview,
  checkDecision,
  type ReviewDecision,
} from "./review-decision.js";

/** One pending interrupt of a thread (ours or not). */
export interface PendingInterrupt {
  interruptId: string;
  value: unknown;
}

/** A resume: keyed by interrupt id, or one un-keyed value. */
export type ResumeInput =
  | { keyed: true; values: Readonly<Record<string, unknown>> }
  | { keyed: false; value: unknown };

/** Options of {@link checkResume}. */
export interface ResumeCheckOptions {
  /** @default new Date() */
  now?: Date;
  /** The tool's own check of edited arguments, per call (its zod schema). */
  validatorFor?: (payload: ApprovalPayload) => CallUnderReview["validateArgs"];
}

/** One refused decision of a resume. */
export interface ResumeProblem {
  interruptId: string;
  toolCallId: string;
  code: string;
  message: string;
}

/**
 * Checks a whole resume against the pending interrupts; answers the decision for each of our
 * approval interrupts it answers (by interrupt id). Throws one {@link SafeguardsError} that
 * says everything that was wrong: NOT_FOUND (unknown ids), CONFLICT (un-keyed while several
 * are pending), INVALID_ARGUMENT (an empty map), or the code of the first refused decision.
 */
export async function checkResume(
  pending: readonly PendingInterrupt[],
  resume: ResumeInput,
  options: ResumeCheckOptions = {},
): Promise<Map<string, ReviewDecision>> {
  const now = options.now ?? new Date();
  const listed = describePending(pending);
  const answers = new Map<string, unknown>();
  if (resume.keyed) {
    const ids = Object.keys(resume.values);
    if (ids.length === 0) {
      throw new SafeguardsError(ErrorCode.INVALID_ARGUMENT, "The resume names no interrupt", {
        details: { pending: listed },
      });
    }
    const known = new Set(pending.map((p) => p.interruptId));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new SafeguardsError(
        ErrorCode.NOT_FOUND,
        `The resume names interrupt id(s) that are not pending (unknown, stale or already answered): ${unknown.join(", ")}. Pending: ${pendingText(listed)}. Nothing was saved.`,
        { details: { unknown, pending: listed } },
      );
    }
    for (const id of ids) answers.set(id, resume.values[id]);
  } else {
    if (pending.length > 1) {
      throw new SafeguardsError(
        ErrorCode.CONFLICT,
        `This resume names no interrupt, but ${pending.length} approvals are pending: ${pendingText(listed)}. An un-keyed answer would decide calls nobody saw, so nothing was saved. Resume with one decision per interrupt id, e.g. { resume: ${keyedExample(listed)} }, or use oneAtATime: true for UIs that show one card at a time.`,
        { details: { pending: listed } },
      );
    }
    if (pending.length === 1) answers.set(pending[0]!.interruptId, resume.value);
  }
  const decisions = new Map<string, ReviewDecision>();
  const problems: ResumeProblem[] = [];
  for (const p of pending) {
    if (!answers.has(p.interruptId) || !isApprovalPayload(p.value)) continue;
    const payload = p.value;
    try {
      const call = callUnderReview(payload, options.validatorFor?.(payload));
      decisions.set(p.interruptId, await checkDecision(answers.get(p.interruptId), call, now));
    } catch (error) {
      problems.push({
        interruptId: p.interruptId,
        toolCallId: payload.tool_call_id,
        code: error instanceof SafeguardsError ? error.code : ErrorCode.INVALID_ARGUMENT,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new SafeguardsError(
      first.code as ErrorCode,
      `The resume was refused and nothing of it was saved; the approvals still wait: ${problems.map((p) => p.message).join(" | ")}`,
      { details: { problems, pending: listed } },
    );
  }
  return decisions;
}

/** The pending interrupts as the errors list them. */
function describePending(pending: readonly PendingInterrupt[]) {
  return pending.map((p) => {
    const payload = isApprovalPayload(p.value) ? p.value : undefined;
    return {
      interruptId: p.interruptId,
      ...(payload ? { toolCallId: payload.tool_call_id, name: payload.name } : {}),
    };
  });
}

function pendingText(listed: ReturnType<typeof describePending>): string {
  if (listed.length === 0) return "none";
  return listed
    .map((p) =>
      p.toolCallId ? `${p.interruptId} (${p.name}, tool call ${p.toolCallId})` : p.interruptId,
    )
    .join(", ");
}

function keyedExample(listed: ReturnType<typeof describePending>): string {
  const example: JsonObject = {};
  for (const p of listed) example[p.interruptId] = { type: "approve" };
  return JSON.stringify(example);
}
