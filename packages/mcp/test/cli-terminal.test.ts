/**
 * `safeguards-mcp --approve-in-terminal`: the gateway runs in a real terminal (tmux), serves
 * an SDK client over Streamable HTTP, and the person at the terminal approves a flagged
 * call by typing, as a developer would.
 */
import { execFileSync } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { deferCleanup, eventually } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import {
  CLI,
  PAYMENTS_SERVER,
  POLICIES_FILE,
  transferLog,
  tsProcess,
} from "./support/gateway-fixture.js";

const defer = deferCleanup();
const hasTmux = (() => {
  try {
    execFileSync("tmux", ["-V"]);
    return true;
  } catch {
    return false;
  }
})();
const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

describe("safeguards-mcp --approve-in-terminal", { timeout: 60_000 }, () => {
  // Skipped only where tmux is missing, never in CI.
  it.skipIf(!hasTmux && !process.env.CI)(
    "asks at the terminal; typing a approves the call",
    async () => {
      const log = transferLog(defer);
      const session = `mcp-gw-${process.pid}-${Date.now()}`;
      const upstream = tsProcess(PAYMENTS_SERVER);
      const gateway = tsProcess(CLI, [
        "--upstream-command",
        [upstream.command, ...upstream.args].map(quote).join(" "),
        "--policies",
        POLICIES_FILE,
        "--approve-in-terminal",
        "--agent-id",
        "bank-bot",
        "--http",
        "0",
      ]);
      const line = `cd ${quote(gateway.cwd)} && PAYMENTS_LOG=${quote(log.path)} ${[gateway.command, ...gateway.args].map(quote).join(" ")}`;
      execFileSync("tmux", ["new-session", "-d", "-s", session, "-x", "200", "-y", "50", line]);
      defer(() => execFileSync("tmux", ["kill-session", "-t", session]));
      const screen = () =>
        execFileSync("tmux", ["capture-pane", "-p", "-J", "-t", session]).toString();
      await eventually(() => /listening: \S+/.test(screen()), 15_000, 50);
      const url = /listening: (\S+)/.exec(screen())?.[1] as string;

      const client = new Client({ name: "terminal-test", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      defer(() => client.close());
      const answer = client.callTool({
        name: "transfer_funds",
        arguments: { amount: "2500.00", to: "ACME" },
      });
      await eventually(() => screen().includes("[a]pprove"), 15_000, 50);
      expect(screen()).toContain("Approve $2500.00 transfer");
      execFileSync("tmux", ["send-keys", "-t", session, "a", "Enter"]);
      const result = await answer;
      expect(result.content).toEqual([{ type: "text", text: "Transferred 2500.00 to ACME" }]);
      expect(log.read()).toEqual([{ amount: "2500.00", to: "ACME" }]);
    },
  );
});
