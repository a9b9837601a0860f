/**
 * MCP approval gateway overhead: an un-flagged `tools/call` through `@safeguards/mcp`'s
 * gateway vs straight to the upstream, both over stdio. The measurement lives with the
 * package (`packages/mcp/bench/overhead.ts`) so it resolves `@modelcontextprotocol/sdk`
 * from there.
 */
import { run } from "../packages/mcp/bench/overhead.js";

console.log(await run());
