/**
 * A careless or hostile upstream: duplicate tool names, huge and uncheckable input schemas,
 * prototype-key names, and arguments that do not match. Every flagged call still either
 * waits for a human with what the reviewer can trust, or is refused with a reason; nothing
 * crashes or hangs, and nothing runs that was not approved.
 */

import { fileURLToPath } from "node:url";
import { type ApprovalRequest, definePolicies } from "@safeguards/core";
import { approvals, deferCleanup } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { MAX_ARGS_SCHEMA_BYTES } from "../src/index.js";
import { httpGateway } from "./support/gateway-fixture.js";

const defer = deferCleanup();
const HOSTILE_SERVER = fileURLToPath(new URL("./support/hostile-server.ts", import.meta.url));

async function hostile(decide: (request: ApprovalRequest) => "approve" | "modify") {
  const { handler, requests, reviewer, channel } = approvals();
  const refused: string[] = [];
  reviewer((request) => {
    if (decide(request) === "approve") return channel.approve(request.id);
    try {
      channel.modify(request.id, { n: "not a number" });
    } catch (error) {
      refused.push((error as Error).message);
      channel.reject(request.id, { comments: "the change was refused" });
    }
  });
  // Every tool is flagged: the default policy asks.
  const fixture = await httpGateway(defer, {
    handler,
    server: HOSTILE_SERVER,
    policies: definePolicies({}),
  });
  return { ...fixture, requests, refused };
}

function text(result: unknown): string {
  return (result as { content: { text: string }[] }).content[0]?.text ?? "";
}

describe("a hostile upstream", () => {
  it("two tools with one name: the call is refused, nobody is asked, nothing runs", async () => {
    const { client, requests, transfers } = await hostile(() => "approve");
    expect((await client.listTools()).tools.filter((t) => t.name === "dup")).toHaveLength(2);
    const result = await client.callTool({ name: "dup", arguments: { a: "x" } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('lists 2 tools named "dup"');
    expect(requests).toEqual([]);
    expect(transfers()).toEqual([]);
  });

  it("a huge schema is not sent to the reviewer, but still checks the call", async () => {
    const { client, requests, transfers } = await hostile(() => "approve");
    const result = await client.callTool({ name: "huge", arguments: { field1: "v" } });
    expect(text(result)).toBe(JSON.stringify({ tool: "huge", args: { field1: "v" } }));
    expect(requests[0]?.action?.argsSchema).toBeUndefined();
    expect(requests[0]?.allowedDecisions).toEqual(["approve", "modify", "reject"]);
    const refused = await client.callTool({ name: "huge", arguments: { field1: 7 } });
    expect(text(refused)).toContain("do not match the input schema of huge");
    expect(requests).toHaveLength(1);
    expect(transfers()).toHaveLength(1);
    expect(MAX_ARGS_SCHEMA_BYTES).toBe(65_536);
  });

  it("schemas that cannot be checked (too slow, endless $ref): asked without args_schema or modify", async () => {
    const { client, requests, transfers } = await hostile(() => "approve");
    for (const name of ["slow", "endless"]) {
      const result = await client.callTool({ name, arguments: { x: "s" } });
      expect(result.isError).toBeFalsy();
    }
    expect(requests.map((r) => r.action?.argsSchema)).toEqual([undefined, undefined]);
    expect(requests.map((r) => r.allowedDecisions)).toEqual([
      ["approve", "reject"],
      ["approve", "reject"],
    ]);
    expect(transfers()).toHaveLength(2);
  });

  it("arguments that do not match are refused before anyone is asked; a bad modification never runs", async () => {
    const { client, requests, transfers, refused } = await hostile(() => "modify");
    const wrong = await client.callTool({ name: "typed", arguments: { n: "one", extra: 1 } });
    expect(wrong.isError).toBe(true);
    expect(text(wrong)).toContain("do not match the input schema of typed");
    expect(requests).toEqual([]);
    const modified = await client.callTool({ name: "typed", arguments: { n: 1 } });
    expect(modified.isError).toBe(true);
    expect(requests).toHaveLength(1);
    expect(refused[0]).toContain('#/n: Instance type "string" is invalid');
    expect(transfers()).toEqual([]);
  });

  it("tools named like object-prototype keys are reviewed under their own names", async () => {
    const { client, requests, transfers } = await hostile(() => "approve");
    for (const name of ["__proto__", "constructor"]) {
      await client.callTool({ name, arguments: { q: 1 } });
    }
    expect(requests.map((r) => r.action?.name)).toEqual(["__proto__", "constructor"]);
    expect(transfers()).toEqual([
      { tool: "__proto__", args: { q: 1 } },
      { tool: "constructor", args: { q: 1 } },
    ]);
  });
});
