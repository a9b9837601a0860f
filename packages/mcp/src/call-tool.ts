/**
 * @module call-tool
 * One `tools/call` through the gateway: the policies (core's `evaluateCall`) decide whether
 * it needs a human. An un-flagged call is forwarded as it came. A flagged call is checked
 * against the tool's input schema, filed through the handler (core's `reviewCall`: title,
 * description, arguments, `args_schema`, the gateway's agent id), and then forwarded with
 * exactly the approved or modified arguments, or answered with an `isError` result that
 * carries the reason, without calling the upstream.
 */
import { randomUUID } from "node:crypto";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { RequestId } from "@modelcontextprotocol/sdk/types.js";
import type {
  Clock,
  HumanActionHandler,
  JsonObject,
  Policies,
  PolicyVerdict,
} from "@safeguards/core";
import { evaluateCall, type ReviewResult, reviewCall } from "@safeguards/core/internal";
import { type CallParams, forwardCall } from "./forward-call.js";
import { canElicit, IN_CLIENT_CHANNEL, type InClientApprovals } from "./in-client-approvals.js";
import { type ToolInputSchema, toolInputSchema } from "./input-schema.js";
import { callProgress, type ProgressToken, type SendProgress } from "./progress.js";
import type { ProgressRoutes } from "./progress-routes.js";
import type { ToolCatalog } from "./tool-catalog.js";

/** What every call of one gateway shares. */
export interface CallTools {
  upstream: Client;
  catalog: ToolCatalog;
  policies: Policies;
  handler: HumanActionHandler;
  inClient: InClientApprovals;
  agentId: string;
  clock: Clock;
  progressIntervalMs: number;
  upstreamTimeoutMs: number;
  routes: ProgressRoutes;
  /**
   * Aborted when the upstream closes or the gateway closes, with the error every call still
   * open is answered with (`Connection closed`): a held call's action is withdrawn.
   */
  closing: AbortSignal;
}

/** The request being answered (from the SDK's request handler). */
export interface CallRequest {
  params: CallParams;
  server: Server;
  requestId: RequestId;
  signal: AbortSignal;
  progressToken: ProgressToken | undefined;
  sendProgress: SendProgress;
  /** The policies' verdict, when the fast path already evaluated this call. */
  verdict?: PolicyVerdict | Promise<PolicyVerdict> | undefined;
}

/** Answers one `tools/call`. Throws only what the upstream threw (its JSON-RPC error). */
export async function callTool(tools: CallTools, request: CallRequest): Promise<JsonObject> {
  const call = { ...request, signal: AbortSignal.any([request.signal, tools.closing]) };
  const args = (call.params.arguments ?? {}) as JsonObject;
  const evaluated =
    call.verdict ??
    evaluateCall({
      policies: tools.policies,
      agentId: tools.agentId,
      toolName: call.params.name,
      args,
    });
  // Fast path: with a synchronous policy an un-flagged call costs no promise turn here.
  const verdict = evaluated instanceof Promise ? await evaluated : evaluated;
  const progress = callProgress(call.progressToken, call.sendProgress, {
    clock: tools.clock,
    intervalMs: tools.progressIntervalMs,
  });
  const forward = (params: CallParams) =>
    forwardCall(tools.upstream, params, {
      signal: call.signal,
      progress: call.progressToken === undefined ? undefined : progress,
      timeoutMs: tools.upstreamTimeoutMs,
      routes: tools.routes,
    });
  if (!verdict.required) return forward(call.params);

  // Closing withdraws the action (reviewCall cancels it); the client hears `Connection closed`.
  const review = await reviewHeld(tools, call, args, verdict, progress).catch((error) => {
    throw tools.closing.aborted ? tools.closing.reason : error;
  });
  if (!review.run) {
    if (tools.closing.aborted) throw tools.closing.reason;
    return refusal(review.reason, review.status, review.action?.id);
  }
  const result = await forward({ ...call.params, arguments: review.args });
  return review.note === undefined ? result : withNote(result, review.note);
}

async function reviewHeld(
  tools: CallTools,
  call: CallRequest,
  args: JsonObject,
  verdict: PolicyVerdict & { required: true },
  progress: ReturnType<typeof callProgress>,
): Promise<ReviewResult> {
  const name = call.params.name;
  const schema = await schemaOf(tools, name);
  if (typeof schema === "string") return failed(schema);
  const checked = await schema.check(args);
  if (!checked.ok && !checked.unusable) {
    return failed(
      `The arguments do not match the input schema of ${name} (${checked.problem}), so the call was not sent for approval or run.`,
    );
  }
  // A schema that cannot be checked cannot check a modification either: offer no "modify".
  const allowed = checked.ok
    ? verdict.allowedDecisions
    : verdict.allowedDecisions.filter((d) => d !== "modify");
  const held = { ...verdict, allowedDecisions: allowed.length > 0 ? allowed : ["reject" as const] };

  const id = `mcp_${randomUUID().replaceAll("-", "")}`;
  const inClient = verdict.channel === IN_CLIENT_CHANNEL && canElicit(call.server);
  const handler = inClient ? tools.inClient.handler : tools.handler;
  // Ends the question in the client once the action is settled any other way (its deadline).
  const asked = new AbortController();
  const unregister = inClient
    ? tools.inClient.register(id, {
        server: call.server,
        relatedRequestId: call.requestId,
        allowed: held.allowedDecisions,
        args,
        timeoutMs: (verdict.timeoutSeconds ?? handler.timeoutSeconds) * 1000,
        signal: AbortSignal.any([call.signal, asked.signal]),
      })
    : () => undefined;
  progress.startWaiting(`Waiting for a human decision: ${verdict.title} (action ${id})`);
  try {
    return await reviewCall({
      policies: tools.policies,
      handler,
      agentId: tools.agentId,
      toolName: name,
      args,
      schema,
      signal: call.signal,
      verdict: held,
      id,
    });
  } finally {
    progress.stopWaiting();
    asked.abort();
    unregister();
  }
}

/** The tool's input schema, or why the call cannot be reviewed. */
async function schemaOf(tools: CallTools, name: string): Promise<ToolInputSchema | string> {
  let entry: Awaited<ReturnType<ToolCatalog["find"]>>;
  try {
    entry = await tools.catalog.find(name);
  } catch (error) {
    return `The upstream's tool list could not be read (${error instanceof Error ? error.message : String(error)}), so the call was not run.`;
  }
  if (entry.kind === "unknown") {
    return `The upstream MCP server lists no tool named ${JSON.stringify(name)}, so the call was not run.`;
  }
  if (entry.kind === "ambiguous") {
    return `The upstream MCP server lists ${entry.count} tools named ${JSON.stringify(name)}; which one a reviewer would approve is ambiguous, so the call was not run.`;
  }
  return toolInputSchema(entry.inputSchema);
}

function failed(reason: string): ReviewResult {
  return { run: false, status: "failed", reason };
}

/** The answer to a call that was not approved: an `isError` result the model reads. */
function refusal(reason: string, status: string, actionId: string | undefined): JsonObject {
  return {
    content: [{ type: "text", text: reason }],
    isError: true,
    _meta: {
      "safeguards/status": status,
      ...(actionId !== undefined ? { "safeguards/action_id": actionId } : {}),
    },
  };
}

/** The upstream's result with the reviewer's change named first, so the model knows. */
function withNote(result: JsonObject, note: string): JsonObject {
  const content = Array.isArray(result.content) ? result.content : [];
  return { ...result, content: [{ type: "text", text: note }, ...content] };
}
