/**
 * @module resume-guard
 * Makes every resume of approval interrupts safe whatever client sends it (the LangGraph
 * server and SDK, Agent Inbox, Agent Chat UI, a plain `graph.invoke(new Command(...))`),
 * without any client configuration. Each approval task calls {@link guardResume} before its
 * `interrupt()`: the guard reads the thread's pending interrupts from the checkpoint, checks
 * the WHOLE resume with core's `checkResume` (keyed ids must be pending, an un-keyed value is
 * refused while several approvals wait, every decision must be valid) and, when anything is
 * wrong, no approval task of the step finishes: the task of the first pending approval throws
 * the `SafeguardsError` (the run's one error, whatever wraps it) and the others raise their
 * stored interrupt again, so nothing of the resume is saved and the thread waits exactly as
 * before (same interrupt ids, same payloads).
 *
 * It relies on LangGraph internals (checked on @langchain/langgraph 1.7.3, tested against the
 * official server): the run's resume map (`__pregel_resume_map`), the task scratchpad's
 * un-keyed value (`__pregel_scratchpad.nullResume`), the checkpointer and checkpoint ids in
 * the task config, and `__interrupt__` pending writes in the checkpoint.
 */
import { _markInvalidResume, GraphInterrupt, getConfig } from "@langchain/langgraph";
import { SafeguardsError } from "@safeguards/core";
import {
  type ApprovalPayload,
  type CallUnderReview,
  checkResume,
  isApprovalPayload,
  type ResumeInput,
  type ReviewDecision,
} from "@safeguards/core/interrupts";

const NULL_TASK_ID = "00000000-0000-0000-0000-000000000000";
const REFUSED_MARK = "__safeguards_refused_resume__";
const SPECIAL_CHANNELS = new Set([
  "__error__",
  "__error_source_node__",
  "__interrupt__",
  "__resume__",
]);

interface Scratchpad {
  resume: unknown[];
  nullResume?: unknown;
}

interface Saver {
  getTuple(config: unknown): Promise<{ pendingWrites?: [string, string, unknown][] } | undefined>;
  putWrites(config: unknown, writes: [string, unknown][], taskId: string): Promise<void>;
}

/** Options of {@link guardResume}. */
export interface GuardResumeOptions {
  /** The tool call id of the caller's own approval (tasks asking about one call). */
  toolCallId?: string;
  /** The tool's own check of edited arguments (zod), per call, where the caller knows it. */
  validatorFor?: (payload: ApprovalPayload) => CallUnderReview["validateArgs"];
  /** @default () => new Date() */
  now?: () => Date;
}

/** A decision the guard checked, with the stored payload of its call. */
export interface CheckedDecision {
  decision: ReviewDecision;
  payload: ApprovalPayload;
}

type StoredInterrupt = { id: string; value: unknown };
type Refusal = { error: SafeguardsError; pending: StoredInterrupt[] };
type Verdict = Map<string, CheckedDecision> | Refusal;

/** Verdicts per superstep (its abort-signals object, shared by the step's tasks), then resume. */
const verdicts = new WeakMap<object, Map<string, Promise<Verdict>>>();

/**
 * Checks the resume of the current run before this approval task reads its own value.
 * Answers the checked decisions (with their stored payloads) by tool call id, empty when the
 * run is not a resume of approvals; throws the resume's refusal, the same error object in every task of the step.
 */
export async function guardResume(
  options: GuardResumeOptions = {},
): Promise<Map<string, CheckedDecision>> {
  const conf = (getConfig()?.configurable ?? {}) as Record<string, unknown>;
  const scratchpad = conf.__pregel_scratchpad as Scratchpad | undefined;
  const saver = conf.__pregel_checkpointer as Saver | undefined;
  if (!scratchpad || !saver) return new Map();
  const map = conf.__pregel_resume_map as Record<string, unknown> | undefined;
  // A keyed resume: any un-keyed value is left over from an earlier, refused resume.
  if (map !== undefined || isRefusedMark(scratchpad.nullResume)) delete scratchpad.nullResume;
  if (map === undefined && scratchpad.nullResume === undefined) return new Map();
  const resume: ResumeInput =
    map !== undefined
      ? { keyed: true, values: map }
      : { keyed: false, value: scratchpad.nullResume };
  const top = topCheckpoint(conf);
  const key = `${String(conf.thread_id)}\u0000${top.checkpoint_id ?? ""}\u0000${safeJson(resume)}`;
  const step = conf.__pregel_abort_signals;
  const ofStep = typeof step === "object" && step !== null ? stepVerdicts(step) : new Map();
  let verdict = ofStep.get(key);
  if (!verdict) {
    verdict = judge(saver, top, resume, options);
    ofStep.set(key, verdict);
  }
  const result = await verdict;
  if (result instanceof Map) return result;
  throw refusalFor(result, options.toolCallId);
}

/** The leader (first pending approval) throws the refusal; the others interrupt again. */
function refusalFor(refusal: Refusal, toolCallId: string | undefined): Error {
  if (toolCallId === undefined) return refusal.error;
  const ours = refusal.pending.filter((p) => isApprovalPayload(p.value));
  const own = ours.find((p) => (p.value as ApprovalPayload).tool_call_id === toolCallId);
  if (!own || own === ours[0]) return refusal.error;
  return new GraphInterrupt([own as never]);
}

function stepVerdicts(step: object): Map<string, Promise<Verdict>> {
  let map = verdicts.get(step);
  if (!map) {
    map = new Map();
    verdicts.set(step, map);
  }
  return map;
}

async function judge(
  saver: Saver,
  top: TopCheckpoint,
  resume: ResumeInput,
  options: GuardResumeOptions,
): Promise<Verdict> {
  const stored = await readStoredInterrupts(saver, top);
  // The resume belongs to the step that interrupted; a later step of the same run has none.
  if (stored.length === 0) return new Map();
  const pending = stored.map((p) => ({ interruptId: p.id, value: p.value }));
  try {
    const byInterrupt = await checkResume(pending, resume, {
      now: options.now?.() ?? new Date(),
      ...(options.validatorFor ? { validatorFor: options.validatorFor } : {}),
    });
    const byToolCall = new Map<string, CheckedDecision>();
    for (const p of pending) {
      const decision = byInterrupt.get(p.interruptId);
      const payload = p.value as ApprovalPayload;
      if (decision) byToolCall.set(payload.tool_call_id, { decision, payload });
    }
    return byToolCall;
  } catch (error) {
    if (!(error instanceof SafeguardsError)) throw error;
    _markInvalidResume(error); // LangGraph then lets the sibling tasks end too
    // A refused un-keyed value stays in the checkpoint; mark it so no later resume applies it.
    if (!resume.keyed) await forgetUnkeyedValue(saver, top).catch(() => undefined);
    return { error, pending: stored };
  }
}

interface TopCheckpoint {
  thread_id: unknown;
  checkpoint_ns: "";
  checkpoint_id?: string;
}

function topCheckpoint(conf: Record<string, unknown>): TopCheckpoint {
  const map = conf.checkpoint_map as Record<string, string> | undefined;
  const id = map?.[""] ?? (conf.checkpoint_id as string | undefined);
  return { thread_id: conf.thread_id, checkpoint_ns: "", ...(id ? { checkpoint_id: id } : {}) };
}

/** The stored interrupts of the thread's top-level checkpoint whose tasks have not finished. */
async function readStoredInterrupts(saver: Saver, top: TopCheckpoint): Promise<StoredInterrupt[]> {
  const tuple = await saver.getTuple({ configurable: top });
  const writes = tuple?.pendingWrites ?? [];
  const finished = new Set(writes.filter(([, c]) => !SPECIAL_CHANNELS.has(c)).map(([t]) => t));
  const pending: StoredInterrupt[] = [];
  const seen = new Set<string>();
  for (const [taskId, channel, value] of writes) {
    if (channel !== "__interrupt__" || finished.has(taskId) || !Array.isArray(value)) continue;
    for (const item of value as { id?: string; value?: unknown }[]) {
      if (!item?.id || seen.has(item.id)) continue;
      seen.add(item.id);
      pending.push(item as StoredInterrupt);
    }
  }
  return pending;
}

async function forgetUnkeyedValue(saver: Saver, top: TopCheckpoint): Promise<void> {
  if (!top.checkpoint_id) return;
  await saver.putWrites(
    { configurable: top },
    [["__resume__", { [REFUSED_MARK]: true }]],
    NULL_TASK_ID,
  );
}

function isRefusedMark(value: unknown): boolean {
  return typeof value === "object" && value !== null && REFUSED_MARK in value;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "undefined";
  } catch {
    return String(Math.random()); // not JSON: never shared between tasks, checked each time
  }
}
