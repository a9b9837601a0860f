/**
 * @module raw-tool-call
 * Reads a JSON-RPC message as it came off the client's transport and says whether it is a
 * plain `tools/call` request the fast path may relay: the exact method, an id, and params
 * with only `name` (a string), `arguments` (an object) and `_meta` (an object whose
 * `progressToken` is a string or an integer), all own properties. Anything else, or any doubt
 * (a `__proto__` key anywhere, a number JSON cannot write back, a shared or cyclic object),
 * answers `undefined` and the message takes the SDK's path.
 */
import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";
import type { JsonObject } from "@safeguards/core";
import type { ProgressToken } from "./progress.js";

/** A `tools/call` request the fast path may relay. */
export interface RawToolCall {
  id: RequestId;
  name: string;
  /** The arguments as the client sent them (`{}` when absent). */
  args: JsonObject;
  /** The request's `params`, the object that is relayed. */
  params: JsonObject;
  /** The client's own progress token, when it asked for progress. */
  progressToken: ProgressToken | undefined;
}

const PARAM_KEYS = new Set(["name", "arguments", "_meta"]);

/** The `tools/call` in `message`, or `undefined` when it must take the SDK's path. */
export function readToolCall(message: JSONRPCMessage): RawToolCall | undefined {
  const m = message as Record<string, unknown>;
  if (!own(m, "method") || m.method !== "tools/call" || !own(m, "id")) return undefined;
  const id = m.id;
  if (!(typeof id === "string" || Number.isSafeInteger(id))) return undefined;
  const params = m.params;
  if (!isPlainObject(params)) return undefined;
  for (const key of Object.keys(params)) if (!PARAM_KEYS.has(key)) return undefined;
  if (typeof params.name !== "string") return undefined;
  const args = own(params, "arguments") ? params.arguments : {};
  if (!isPlainObject(args)) return undefined;
  let progressToken: ProgressToken | undefined;
  if (own(params, "_meta")) {
    const meta = params._meta;
    if (!isPlainObject(meta)) return undefined;
    if (own(meta, "progressToken")) {
      const token = meta.progressToken;
      if (!(typeof token === "string" || Number.isSafeInteger(token))) return undefined;
      progressToken = token as ProgressToken;
    }
  }
  if (!isPlainJson(params, new Set())) return undefined;
  return {
    id: id as RequestId,
    name: params.name,
    args: args as JsonObject,
    params: params as JsonObject,
    progressToken,
  };
}

/** True when `value` writes back to JSON exactly as it reads: no `__proto__` keys, no
 * non-finite numbers, no shared or cyclic objects, nothing but JSON's own types. */
function isPlainJson(value: unknown, seen: Set<object>): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (typeof value !== "object") return false;
  if (seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) return value.every((item) => isPlainJson(item, seen));
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key of Object.keys(value)) {
    if (key === "__proto__") return false;
    if (!isPlainJson((value as Record<string, unknown>)[key], seen)) return false;
  }
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

function own(object: object, key: string): boolean {
  return Object.hasOwn(object, key);
}
