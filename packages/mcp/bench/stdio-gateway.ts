/**
 * The gateway as a stdio MCP server in its own process, for the bench: the payments
 * upstream behind it, the test policies, and an in-process approval channel (nothing in
 * the bench is flagged, so nobody is asked). `--no-fast-path`: every message takes the SDK's
 * path (the gateway as it was before the fast path).
 */

import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { HumanActionHandler, InProcessApprovalChannel } from "@safeguards/core";
import { createApprovalGateway } from "../src/index.js";
import { PAYMENTS_SERVER, tsProcess } from "../test/support/gateway-fixture.js";
import policies from "../test/support/policies.js";

const gateway = await createApprovalGateway({
  upstream: { ...tsProcess(PAYMENTS_SERVER), stderr: "ignore" },
  policies,
  handler: new HumanActionHandler(new InProcessApprovalChannel()),
  fastPath: !process.argv.includes("--no-fast-path"),
});
process.stdin.on("end", () => void gateway.close().then(() => process.exit(0)));
await gateway.server.connect(new StdioServerTransport());
