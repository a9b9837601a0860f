/**
 * @module forward-call
 * Sends one `tools/call` to the upstream and hands back its answer unchanged: the result as
 * the upstream wrote it (no output-schema check, no field dropped), a JSON-RPC error with
 * its code, message and data, and progress to the client's token (routed by
 * `ProgressRoutes`). The client's cancellation cancels the upstream request.
 */

import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { ErrorCode, McpError, ResultSchema } from "@modelcontextprotocol/sdk/types.js";
import type { JsonObject } from "@safeguards/core";
import type { CallProgress } from "./progress.js";
import type { ProgressRoutes } from "./progress-routes.js";

/** How one call is forwarded. */
export interface ForwardOptions {
  /** The client's cancellation of its request. */
  signal: AbortSignal;
  /** Passes the upstream's progress on (only when the client asked for progress). */
  progress?: CallProgress | undefined;
  /** Where the upstream's progress notifications are routed. */
  routes: ProgressRoutes;
  /** Bound of the upstream request. */
  timeoutMs: number;
}

/** The `tools/call` params the client sent (`name`, `arguments`, `_meta`, ...). */
export type CallParams = { name: string; arguments?: JsonObject; _meta?: JsonObject } & JsonObject;

/** Calls the upstream with `params` (its `_meta.progressToken` is replaced by the gateway's own). */
export async function forwardCall(
  upstream: Client,
  params: CallParams,
  options: ForwardOptions,
): Promise<JsonObject> {
  const { _meta, ...rest } = params;
  const progress = options.progress;
  const route = progress ? options.routes.open((p) => progress.forward(p)) : undefined;
  const meta = withoutProgressToken(_meta, route?.token);
  const request = {
    method: "tools/call" as const,
    params: { ...rest, ...(meta ? { _meta: meta } : {}) },
  };
  const sdkOptions: RequestOptions = { signal: options.signal, timeout: options.timeoutMs };
  try {
    const result = (await upstream.request(request, ResultSchema, sdkOptions)) as JsonObject;
    await route?.close();
    return result;
  } catch (error) {
    await route?.close();
    if (error instanceof McpError) throw error;
    if (options.signal.aborted) throw error;
    throw new McpError(
      ErrorCode.InternalError,
      `The upstream MCP server failed the call: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The client's `_meta` with its progress token replaced by the gateway's own (or removed). */
function withoutProgressToken(
  meta: JsonObject | undefined,
  token: string | undefined,
): JsonObject | undefined {
  const { progressToken: _, ...rest } = meta && typeof meta === "object" ? meta : {};
  if (token !== undefined) return { ...rest, progressToken: token };
  return Object.keys(rest).length > 0 ? rest : undefined;
}
