/**
 * @module inbox-bridge
 * Connects interrupted threads to an approval inbox: files every pending approval through
 * an {@link ApprovalChannel} (request id derived from thread id + interrupt id, so refiling
 * is idempotent), and when decisions arrive resumes the thread with a keyed, strict resume.
 * The checkpoint is the source of truth: a decision for an interrupt that is no longer
 * pending is ignored, so a thread is resumed once per decision even when the decision
 * arrives twice or a restarted bridge picks it up again. Timeouts are delivered as the
 * policy's `onTimeout` (a rejection by default): LangGraph interrupts never expire by themselves.
 * With several workers on one database (`PostgresSaver`), a thread lock makes "read pending,
 * resume" one step across processes, so a decision heard by every worker resumes once.
 */
import { createHash } from "node:crypto";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import {
  type ApprovalChannel,
  type Clock,
  ErrorCode,
  type HumanAction,
  HumanActionHandler,
  InvalidConfigError,
  isSafeguardsError,
} from "@safeguards/core";
import { payloadApprovers } from "@safeguards/core/interrupts";
import { type ActionDecision, actionToDecision } from "./action-decision.js";
import {
  listPendingApprovals,
  type PendingApproval,
  type ResumableGraph,
  resumeApprovals,
} from "./resume.js";
import { createPostgresThreadLock, postgresPoolOf, type ThreadLock } from "./thread-lock.js";
import { listCandidateThreads } from "./waiting-threads.js";

/** Options of {@link createInboxBridge}. */
export interface CreateInboxBridgeOptions {
  /** The compiled graph (with its checkpointer). */
  graph: ResumableGraph;
  /** Where approvals are filed: a `HumanInTheLoopChannel` or any approval channel. */
  channel: ApprovalChannel;
  /** Tracks deadlines and decisions. @default a new handler over `channel` with `clock` */
  handler?: HumanActionHandler;
  /** Used for requests whose payload names no agent. @default "langgraph" */
  agentId?: string;
  /** @default systemClock (only used when the bridge makes its own handler) */
  clock?: Clock;
  /** Seconds to wait when the policy sets none. @default the handler's timeout, else the channel's, else 300 */
  timeoutSeconds?: number;
  /**
   * Lets {@link InboxBridge.start} find every waiting thread after a restart (on a
   * `PostgresSaver` with one query that returns only interrupted threads).
   */
  checkpointer?: BaseCheckpointSaver;
  /**
   * Makes resumes of a thread one at a time across workers. @default when the checkpointer
   * (`checkpointer`, else the graph's) is a `PostgresSaver`, a PostgreSQL advisory lock on
   * one connection of its pool; otherwise none (one process). `false` turns the default off.
   */
  lock?: ThreadLock | false;
  /** Threads {@link InboxBridge.start} looks at (in addition to the checkpointer's). */
  threadIds?: readonly string[];
  /** The run config of a thread. @default `{ configurable: { thread_id } }` */
  configFor?: (threadId: string) => RunnableConfig;
  /** Called after each resume with the graph's result. */
  onResumed?: (threadId: string, result: unknown) => void;
  /** Errors of background work. @default console.error */
  onError?: (error: unknown, threadId: string) => void;
}

/** A bridge between interrupted threads and the inbox. */
export interface InboxBridge {
  /** Files the pending approvals of `threadId`; returns them. Idempotent. */
  file(threadId: string): Promise<PendingApproval[]>;
  /** Resumes `threadId` with every decision known so far; true if it resumed. */
  process(threadId: string): Promise<boolean>;
  /** Finds waiting threads (`threadIds`, checkpointer), files them and picks up decisions. */
  start(): Promise<string[]>;
  /** Resolves when background work queued so far is done. */
  idle(): Promise<void>;
  /** The request id of an interrupt (deterministic). */
  requestId(threadId: string, interruptId: string): string;
  /** Stops tracking (a handler made by the bridge is shut down). */
  stop(): void;
}

/** The inbox request id of an interrupt: the same in every process. */
export function approvalRequestId(threadId: string, interruptId: string): string {
  const digest = createHash("sha256").update(`${threadId}\u0000${interruptId}`).digest("hex");
  return `lg_${digest.slice(0, 40)}`;
}

/** Creates an {@link InboxBridge}. */
export function createInboxBridge(options: CreateInboxBridgeOptions): InboxBridge {
  if (!options?.graph || typeof options.graph.getState !== "function") {
    throw new InvalidConfigError("createInboxBridge: `graph` (a compiled graph) is required");
  }
  if (!options.channel || typeof options.channel.submitRequest !== "function") {
    throw new InvalidConfigError("createInboxBridge: `channel` (an approval channel) is required");
  }
  const { graph, channel } = options;
  const ownHandler = !options.handler;
  const handler =
    options.handler ??
    new HumanActionHandler(channel, {
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.timeoutSeconds ? { timeoutSeconds: options.timeoutSeconds } : {}),
    });
  const configFor = options.configFor ?? ((thread_id) => ({ configurable: { thread_id } }));
  const report = options.onError ?? ((error, threadId) => console.error(`[${threadId}]`, error));
  const queues = new Map<string, Promise<unknown>>();
  let stopped = false;
  const pool =
    options.lock === undefined
      ? postgresPoolOf(options.checkpointer ?? (graph as { checkpointer?: unknown }).checkpointer)
      : undefined;
  const ownLock = pool ? createPostgresThreadLock({ pool }) : undefined;
  const lock = options.lock || ownLock;
  const locked = <T>(threadId: string, work: () => Promise<T>): Promise<T> =>
    lock ? lock.withLock(threadId, work) : work();

  /** Runs `work` after the thread's earlier work: one resume at a time per thread. */
  function enqueue<T>(threadId: string, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(threadId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    queues.set(threadId, settled);
    void settled.then(() => {
      if (queues.get(threadId) === settled) queues.delete(threadId);
    });
    return next;
  }

  const onSettled = (threadId: string) => () => {
    if (stopped) return;
    process(threadId).catch((error) => report(error, threadId));
  };

  async function fileOne(threadId: string, p: PendingApproval): Promise<void> {
    const id = approvalRequestId(threadId, p.interruptId);
    if (handler.getAction(id)) return;
    const callbacks = [onSettled(threadId)];
    if (await channel.getRecord(id)) {
      await handler.resume(id, { callbacks });
      return;
    }
    try {
      await fileNew(threadId, p, callbacks);
    } catch (error) {
      // another worker filed it meanwhile (same id, other timestamps: the inbox says 409)
      if (handler.getAction(id) || !(await channel.getRecord(id).catch(() => undefined))) {
        throw error;
      }
      await handler.resume(id, { callbacks });
    }
  }

  async function fileNew(threadId: string, p: PendingApproval, callbacks: (() => void)[]) {
    const payload = p.payload;
    await handler.requestAction({
      id: approvalRequestId(threadId, p.interruptId),
      title: payload.title,
      description: payload.description,
      agentId: payload.agent_id || options.agentId || "langgraph",
      severity: payload.severity,
      metadata: {
        thread_id: threadId,
        interrupt_id: p.interruptId,
        tool_call_id: p.toolCallId,
        requested_at: payload.requested_at,
        ...payload.metadata,
      },
      action: {
        name: payload.name,
        args: payload.args,
        ...(payload.args_schema ? { argsSchema: payload.args_schema } : {}),
      },
      allowedDecisions: payload.allowed_decisions,
      ...payloadApprovers(payload),
      ...(payload.timeout_seconds !== undefined ? { timeoutSeconds: payload.timeout_seconds } : {}),
      callbacks,
    });
  }

  async function file(threadId: string): Promise<PendingApproval[]> {
    const pending = await listPendingApprovals(graph, configFor(threadId));
    for (const p of pending) await fileOne(threadId, p);
    return pending;
  }

  function decisionsFor(threadId: string, pending: readonly PendingApproval[]) {
    const decisions: Record<string, ActionDecision> = {};
    for (const p of pending) {
      const action: HumanAction | undefined = handler.getAction(
        approvalRequestId(threadId, p.interruptId),
      );
      if (!action?.isFinal) continue;
      decisions[p.interruptId] = actionToDecision(action);
    }
    return decisions;
  }

  function process(threadId: string): Promise<boolean> {
    return enqueue(threadId, () => locked(threadId, () => resumeKnown(threadId)));
  }

  /** Under the thread's lock: re-reads what is pending, resumes with the decisions known. */
  async function resumeKnown(threadId: string): Promise<boolean> {
    const config = configFor(threadId);
    const pending = await listPendingApprovals(graph, config);
    const decisions = decisionsFor(threadId, pending);
    if (Object.keys(decisions).length === 0) return false;
    let result: unknown;
    try {
      result = await resumeApprovals(graph, config, decisions);
    } catch (error) {
      if (!isRefusedDecision(error)) throw error;
      report(error, threadId); // fail closed: a refused modification becomes a rejection
      result = await resumeApprovals(graph, config, refuseModifications(decisions, error));
    }
    options.onResumed?.(threadId, result);
    await file(threadId); // the next turn may have interrupted again
    return true;
  }

  async function start(): Promise<string[]> {
    const threads = new Set(options.threadIds ?? []);
    if (options.checkpointer) {
      for (const id of await listCandidateThreads(options.checkpointer)) threads.add(id);
    }
    const waiting: string[] = [];
    for (const threadId of threads) {
      const pending = await enqueue(threadId, () => file(threadId));
      if (pending.length > 0) waiting.push(threadId);
    }
    return waiting;
  }

  async function idle(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (queues.size > 0) {
      await Promise.all([...queues.values()]);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  return {
    file: (threadId) => enqueue(threadId, () => file(threadId)),
    process,
    start,
    idle,
    requestId: approvalRequestId,
    stop() {
      stopped = true;
      if (ownHandler) handler.shutdown();
      if (ownLock) void ownLock.close();
    },
  };
}

/** A decision the graph refused: a modification the tool does not accept, or other arguments. */
function isRefusedDecision(error: unknown): boolean {
  return (
    isSafeguardsError(error, ErrorCode.INVALID_MODIFICATION) ||
    isSafeguardsError(error, ErrorCode.ARGS_MISMATCH)
  );
}

/**
 * Fail closed: the decisions the graph refused (named in the error's `details.problems`, else
 * every modification) become rejections that say why; the others are sent as they were.
 */
function refuseModifications(
  decisions: Record<string, ActionDecision>,
  error: unknown,
): Record<string, ActionDecision> {
  const reason = `The reviewer's decision could not be applied (${(error as Error).message}); the call was not run.`;
  const problems = (error as { details?: { problems?: { interruptId?: unknown }[] } }).details
    ?.problems;
  const refused = new Set(problems?.map((p) => p.interruptId));
  const out: Record<string, ActionDecision> = {};
  for (const [id, d] of Object.entries(decisions)) {
    const isRefused = problems ? refused.has(id) : d.type === "modify";
    out[id] = isRefused ? { type: "reject", comments: reason } : d;
  }
  return out;
}
