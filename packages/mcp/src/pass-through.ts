/**
 * @module pass-through
 * What the gateway does not review: resources, prompts, completions and logging requests
 * go to the upstream and come back unchanged (the client's cancellation cancels them), and
 * the upstream's notifications about them reach every connected client.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CompleteRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ReadResourceRequestSchema,
  ResultSchema,
  type ServerCapabilities,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";

/** The upstream notifications passed on to clients (tools/list_changed is the gateway's own). */
export const FORWARDED_NOTIFICATIONS: ReadonlySet<string> = new Set([
  "notifications/resources/list_changed",
  "notifications/resources/updated",
  "notifications/prompts/list_changed",
  "notifications/message",
]);

/** The capabilities the gateway offers: the upstream's, with tools that announce changes. */
export function gatewayCapabilities(upstream: ServerCapabilities | undefined): ServerCapabilities {
  const capabilities: ServerCapabilities = {};
  if (upstream?.tools) capabilities.tools = { ...upstream.tools, listChanged: true };
  if (upstream?.resources) capabilities.resources = { ...upstream.resources };
  if (upstream?.prompts) capabilities.prompts = { ...upstream.prompts };
  if (upstream?.completions) capabilities.completions = { ...upstream.completions };
  if (upstream?.logging) capabilities.logging = { ...upstream.logging };
  return capabilities;
}

type ForwardedSchema =
  | typeof ListResourcesRequestSchema
  | typeof ListResourceTemplatesRequestSchema
  | typeof ReadResourceRequestSchema
  | typeof SubscribeRequestSchema
  | typeof UnsubscribeRequestSchema
  | typeof ListPromptsRequestSchema
  | typeof GetPromptRequestSchema
  | typeof CompleteRequestSchema
  | typeof SetLevelRequestSchema;

/** Registers on `server` a handler that forwards each request the upstream's capabilities allow. */
export function passThrough(
  server: Server,
  upstream: Client,
  capabilities: ServerCapabilities,
): void {
  const forward = (schema: ForwardedSchema) =>
    server.setRequestHandler(schema, (request, extra) =>
      upstream.request(
        { method: request.method, ...(request.params ? { params: request.params } : {}) } as never,
        ResultSchema,
        { signal: extra.signal },
      ),
    );
  if (capabilities.resources) {
    forward(ListResourcesRequestSchema);
    forward(ListResourceTemplatesRequestSchema);
    forward(ReadResourceRequestSchema);
    if (capabilities.resources.subscribe) {
      forward(SubscribeRequestSchema);
      forward(UnsubscribeRequestSchema);
    }
  }
  if (capabilities.prompts) {
    forward(ListPromptsRequestSchema);
    forward(GetPromptRequestSchema);
  }
  if (capabilities.completions) forward(CompleteRequestSchema);
  if (capabilities.logging) forward(SetLevelRequestSchema);
}
