/**
 * @module fast-path
 * The client half of the fast path. Each client transport is wrapped so that a plain
 * `tools/call` (`readToolCall`) to a tool the upstream lists once, which the policies do not
 * flag (core's `evaluateCall`, synchronously), is relayed raw to the upstream
 * (`UpstreamRelay`) without the SDK parsing and validating it and its answer twice in the
 * middle. The client's `notifications/cancelled` for such a call cancels it upstream. All
 * else goes to the SDK server as before: a flagged call, a policy that answers with a
 * promise, a tool the gateway does not know (yet), any doubt about the message. For a call
 * it evaluated and left to the SDK, the verdict is handed over so the policy runs once.
 */
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";
import type { JsonObject, Policies, PolicyVerdict } from "@safeguards/core";
import { evaluateCall } from "@safeguards/core/internal";
import { InterceptedTransport } from "./intercepted-transport.js";
import { readToolCall } from "./raw-tool-call.js";
import type { ToolCatalog } from "./tool-catalog.js";
import type { RelayedCall, UpstreamRelay } from "./upstream-relay.js";

/** A verdict, as `evaluateCall` answers it. */
export type Verdict = PolicyVerdict | Promise<PolicyVerdict>;

/** What the fast path of one gateway needs. */
export interface FastPathOptions {
  relay: UpstreamRelay;
  catalog: ToolCatalog;
  policies: Policies;
  agentId: string;
  /** Receives errors of sends to a client. */
  onError: (error: unknown) => void;
}

/** One client connection with the fast path in front of the SDK server. */
export interface FastPathSession {
  /** The transport to connect the SDK server to. */
  readonly transport: Transport;
  /** The verdict the fast path already reached for this request, when it is this call. */
  takeVerdict(id: RequestId, name: string, args: JsonObject | undefined): Verdict | undefined;
}

/** At most this many verdicts wait for the SDK's handler per session (the oldest go first). */
const MAX_HANDOFFS = 256;

/** Wraps client transports of one gateway with the fast path. */
export function fastPathSession(options: FastPathOptions, inner: Transport): FastPathSession {
  const calls = new Map<RequestId, RelayedCall>();
  const handoffs = new Map<RequestId, { name: string; args: string; verdict: Verdict }>();
  const send = (message: JSONRPCMessage, sendOptions?: Parameters<Transport["send"]>[1]) => {
    inner.send(message, sendOptions).catch(options.onError);
  };

  const take = (message: JSONRPCMessage): boolean => {
    const m = message as { method?: unknown; id?: unknown; params?: { requestId?: unknown } };
    if (m.method === "notifications/cancelled" && m.id === undefined) {
      const id = m.params?.requestId as RequestId;
      const call = calls.get(id);
      if (call) {
        calls.delete(id);
        call.cancel((m.params as { reason?: unknown }).reason ?? "cancelled by the client");
      }
      return false; // the SDK server cancels its own request with this id, if it has one
    }
    const call = readToolCall(message);
    if (!call || !options.relay.open || calls.has(call.id)) return false;
    const entry = options.catalog.peek(call.name);
    if (entry === undefined) options.catalog.preload();
    if (entry?.kind !== "tool") return false;
    let verdict: Verdict;
    try {
      verdict = evaluateCall({
        policies: options.policies,
        agentId: options.agentId,
        toolName: call.name,
        args: call.args,
      });
    } catch {
      return false; // the SDK's path evaluates again and answers the error
    }
    if (verdict instanceof Promise || verdict.required) {
      if (verdict instanceof Promise) verdict.catch(() => undefined);
      handoffs.set(call.id, { name: call.name, args: JSON.stringify(call.args), verdict });
      if (handoffs.size > MAX_HANDOFFS) handoffs.delete(handoffs.keys().next().value as RequestId);
      return false;
    }
    const relayed = options.relay.call(call.params, {
      id: call.id,
      progressToken: call.progressToken,
      send,
      ended: () => calls.delete(call.id),
    });
    calls.set(call.id, relayed);
    return true;
  };

  const transport = new InterceptedTransport(inner, {
    message: take,
    close: () => {
      for (const call of [...calls.values()]) call.cancel("the client closed the connection");
      calls.clear();
      handoffs.clear();
    },
  });
  return {
    transport,
    takeVerdict(id, name, args) {
      const handoff = handoffs.get(id);
      if (!handoff) return undefined;
      handoffs.delete(id);
      const same = handoff.name === name && handoff.args === JSON.stringify(args ?? {});
      return same ? handoff.verdict : undefined;
    },
  };
}
