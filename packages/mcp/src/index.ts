/**
 * @module @safeguards/mcp
 * An approval gateway for MCP: an MCP server in front of any MCP server that holds the
 * `tools/call`s its Safeguards policies flag until a human decides (through any core approval
 * channel, the inbox included, or by elicitation in the client), and passes everything else
 * through unchanged. The CLI is `safeguards-mcp`.
 */

export { UPSTREAM_ELICITATION_MARK } from "./client-requests.js";
export type { ApprovalGateway, ApprovalGatewayOptions } from "./create-approval-gateway.js";
export { createApprovalGateway } from "./create-approval-gateway.js";
export { IN_CLIENT_CHANNEL, IN_CLIENT_REVIEWER } from "./in-client-approvals.js";
export { MAX_ARGS_SCHEMA_BYTES } from "./input-schema.js";
export type { HttpEndpoint, ServeHttpOptions } from "./serve-http.js";
export { MAX_HTTP_BODY_BYTES, serveHttp } from "./serve-http.js";
export type { HttpUpstream, StdioUpstream, UpstreamSpec } from "./upstream.js";
