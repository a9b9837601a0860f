/**
 * In-client approval: a policy with `channel: "elicitation"` asks the person at an SDK client
 * that declares the elicitation capability (the client here answers `elicitation/create`
 * as a script); a client without it falls back to the handler.
 */

import {
  type ElicitRequest,
  ElicitRequestSchema,
  type ElicitResult,
} from "@modelcontextprotocol/sdk/types.js";
import { type ApprovalRequest, createManualClock, definePolicies } from "@safeguards/core";
import { approvals, deferCleanup, eventually } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { IN_CLIENT_CHANNEL, IN_CLIENT_REVIEWER } from "../src/index.js";
import { httpGateway } from "./support/gateway-fixture.js";

const defer = deferCleanup();
const transfer = { name: "transfer_funds", arguments: { amount: "2500.00", to: "ACME" } };
const policies = definePolicies({
  transfer_funds: { channel: IN_CLIENT_CHANNEL, title: "Approve the transfer" },
});

async function askingClient(answer: (request: ElicitRequest["params"]) => ElicitResult) {
  const { handler, requests } = approvals();
  const asked: ElicitRequest["params"][] = [];
  const fixture = await httpGateway(defer, {
    handler,
    policies,
    clientOptions: { capabilities: { elicitation: { form: {} } } },
    setup: (client) =>
      client.setRequestHandler(ElicitRequestSchema, (request) => {
        asked.push(request.params);
        return answer(request.params);
      }),
  });
  return { ...fixture, asked, requests };
}

function text(result: unknown): string {
  return (result as { content: { text: string }[] }).content[0]?.text ?? "";
}

describe("in-client approval by elicitation", () => {
  it("asks the person at the client, and an approval runs the call as shown", async () => {
    const { client, asked, transfers, requests } = await askingClient(() => ({
      action: "accept",
      content: { decision: "approve" },
    }));
    const result = await client.callTool(transfer);
    expect(text(result)).toBe("Transferred 2500.00 to ACME");
    expect(transfers()).toEqual([{ amount: "2500.00", to: "ACME" }]);
    expect(requests).toEqual([]); // the handler's channel was not used
    const form = asked[0] as { message: string; requestedSchema: { properties: object } };
    expect(form.message).toContain("Approve the transfer");
    expect(form.message).toContain('"amount": "2500.00"');
    expect(form.requestedSchema.properties).toMatchObject({
      decision: { enum: ["approve", "modify", "reject"] },
      arg_amount: { type: "string", default: "2500.00" },
      arg_to: { type: "string", default: "ACME" },
    });
  });

  it("edited fields with modify run the changed call; the model is told", async () => {
    const { client, transfers } = await askingClient(() => ({
      action: "accept",
      content: { decision: "modify", arg_amount: "1800.00", arg_to: "ACME" },
    }));
    const result = await client.callTool(transfer);
    expect(transfers()).toEqual([{ amount: "1800.00", to: "ACME" }]);
    expect(text(result)).toContain(IN_CLIENT_REVIEWER);
  });

  it("an edit that breaks the input schema never reaches the upstream", async () => {
    const { client, transfers } = await askingClient(() => ({
      action: "accept",
      content: { decision: "modify", arg_amount: "lots" },
    }));
    const result = await client.callTool(transfer);
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("do not satisfy its args schema: #/amount");
    expect(transfers()).toEqual([]);
  });

  it("approve with edited fields, a rejection or a decline: nothing runs, the reason is given", async () => {
    const answers: ElicitResult[] = [
      { action: "accept", content: { decision: "approve", arg_amount: "9999.00" } },
      { action: "accept", content: { decision: "reject", reason: "not today" } },
      { action: "decline" },
    ];
    const { client, transfers } = await askingClient(() => answers.shift() as ElicitResult);
    const texts = [];
    for (let i = 0; i < 3; i++) {
      const result = await client.callTool(transfer);
      expect(result.isError).toBe(true);
      texts.push(text(result));
    }
    expect(texts[0]).toContain("choose modify");
    expect(texts[1]).toContain("not today");
    expect(texts[2]).toContain("declined");
    expect(transfers()).toEqual([]);
  });

  it("nobody answers in time: the call times out as the policy says, nothing runs", async () => {
    const clock = createManualClock(Date.now());
    let asked = false;
    const { client, transfers } = await httpGateway(defer, {
      handler: approvals().handler,
      clock,
      policies: definePolicies({
        transfer_funds: { channel: IN_CLIENT_CHANNEL, timeoutSeconds: 60 },
      }),
      clientOptions: { capabilities: { elicitation: { form: {} } } },
      setup: (c) =>
        c.setRequestHandler(
          ElicitRequestSchema,
          () =>
            new Promise<ElicitResult>(() => {
              asked = true; // the person never answers
            }),
        ),
    });
    const answer = client.callTool(transfer);
    await eventually(() => asked && clock.pendingTimers() > 0);
    clock.advance(60_000);
    clock.advance(5_000);
    const result = await answer;
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("No human decided in time");
    expect(transfers()).toEqual([]);
  });

  it("a client without the elicitation capability: the call goes to the handler", async () => {
    const { handler, requests, reviewer, channel } = approvals();
    reviewer((request: ApprovalRequest) => channel.approve(request.id));
    const { client, transfers } = await httpGateway(defer, { handler, policies });
    const result = await client.callTool(transfer);
    expect(text(result)).toBe("Transferred 2500.00 to ACME");
    expect(requests.map((r) => r.title)).toEqual(["Approve the transfer"]);
    expect(transfers()).toEqual([{ amount: "2500.00", to: "ACME" }]);
  });
});
