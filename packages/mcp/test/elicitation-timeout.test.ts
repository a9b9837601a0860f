/**
 * In-client approval that runs out of time, or gets an answer that cannot be used: the
 * question is withdrawn from the SDK client (`notifications/cancelled`), the policy's
 * `onTimeout` applies exactly once, and an answer written after the timeout changes nothing.
 */

import type { RequestId } from "@modelcontextprotocol/sdk/types.js";
import { ElicitRequestSchema, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { createManualClock, definePolicies, type TimeoutFallback } from "@safeguards/core";
import { approvals, deferCleanup, eventually } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { IN_CLIENT_CHANNEL } from "../src/index.js";
import { httpGateway } from "./support/gateway-fixture.js";

const defer = deferCleanup();
const transfer = { name: "transfer_funds", arguments: { amount: "2500.00", to: "ACME" } };

function text(result: unknown): string {
  return (result as { content: { text: string }[] }).content[0]?.text ?? "";
}

/** A client that declares elicitation and never answers by itself; the test answers late. */
async function silentClient(onTimeout: TimeoutFallback) {
  const clock = createManualClock(Date.now());
  const asked: { id: RequestId; withdrawn: () => boolean }[] = [];
  const fixture = await httpGateway(defer, {
    handler: approvals().handler,
    clock,
    policies: definePolicies({
      transfer_funds: { channel: IN_CLIENT_CHANNEL, timeoutSeconds: 60, onTimeout },
      get_balance: false,
    }),
    clientOptions: { capabilities: { elicitation: { form: {} } } },
    setup: (client) =>
      client.setRequestHandler(ElicitRequestSchema, (_request, extra) => {
        asked.push({ id: extra.requestId, withdrawn: () => extra.signal.aborted });
        return new Promise<ElicitResult>(() => {}); // the person never answers in time
      }),
  });
  /** Lets the manual clock pass the policy's timeout once the question is out. */
  const timeOut = async () => {
    await eventually(() => asked.length === 1 && clock.pendingTimers() > 0);
    clock.advance(60_000);
    clock.advance(5_000);
  };
  /** Writes an answer to the question straight onto the client's transport, as a late client would. */
  const answerLate = async (result: ElicitResult) => {
    await fixture.client.transport?.send({
      jsonrpc: "2.0",
      id: (asked[0] as { id: RequestId }).id,
      result,
    });
    // A later round trip on the same session: the late answer was read before it returns.
    await fixture.client.callTool({ name: "get_balance", arguments: {} });
  };
  return { ...fixture, asked, timeOut, answerLate };
}

describe("in-client approval that times out", () => {
  it("withdraws the question from the client, rejects, and ignores a late approval", async () => {
    const { client, asked, timeOut, answerLate, transfers } = await silentClient("reject");
    const answer = client.callTool(transfer);
    await timeOut();
    const result = await answer;
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("No human decided in time");
    await eventually(() => asked[0]?.withdrawn() === true); // notifications/cancelled arrived
    await answerLate({ action: "accept", content: { decision: "approve" } });
    expect(asked).toHaveLength(1);
    expect(transfers()).toEqual([]);
  });

  it("onTimeout approve runs the original call exactly once; a late edit changes nothing", async () => {
    const { client, asked, timeOut, answerLate, transfers } = await silentClient("approve");
    const answer = client.callTool(transfer);
    await timeOut();
    const result = await answer;
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain("Transferred 2500.00 to ACME");
    await eventually(() => asked[0]?.withdrawn() === true);
    await answerLate({ action: "accept", content: { decision: "modify", arg_amount: "9000.00" } });
    await answerLate({ action: "accept", content: { decision: "reject", reason: "late" } });
    expect(transfers()).toEqual([{ amount: "2500.00", to: "ACME" }]);
  });
});

describe("in-client answers that cannot run the call", () => {
  async function answering(answer: ElicitResult) {
    const fixture = await httpGateway(defer, {
      handler: approvals().handler,
      policies: definePolicies({ transfer_funds: { channel: IN_CLIENT_CHANNEL } }),
      clientOptions: { capabilities: { elicitation: { form: {} } } },
      setup: (client) => client.setRequestHandler(ElicitRequestSchema, () => answer),
    });
    const result = await fixture.client.callTool(transfer);
    expect(result.isError).toBe(true);
    expect(fixture.transfers()).toEqual([]);
    return text(result);
  }

  it("cancel in the client rejects the call (decline: elicitation.test.ts)", async () => {
    expect(await answering({ action: "cancel" })).toContain("cancelled the approval");
  });

  it("an edited field of the wrong type (not what the form asked) never reaches the upstream", async () => {
    const why = await answering({
      action: "accept",
      content: { decision: "modify", arg_amount: 9000 },
    });
    expect(why).toContain("does not match requested schema");
  });

  it("an edited field that fails the tool's input schema never reaches the upstream", async () => {
    const why = await answering({
      action: "accept",
      content: { decision: "modify", arg_to: "" },
    });
    expect(why).toContain("do not satisfy its args schema: #/to");
  });
});
