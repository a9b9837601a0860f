import { run } from "@openai/agents";
import { definePolicies } from "@safeguards/core";
import { approvals, bankingPolicies, transferCall } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { needsApprovalFrom, resolveInterruptions } from "../src/index.js";
import { bankingAgent, scriptedModel } from "./support/scripted.js";

const flagged = [transferCall()];

describe("resolveInterruptions fails closed", () => {
  it("refuses a modification (the SDK cannot run changed arguments): the call does not run", async () => {
    const { model, seen } = scriptedModel(flagged);
    const policies = bankingPolicies();
    const { agent, ran } = bankingAgent(model, policies);
    const { handler, reviewer, channel } = approvals();
    const refused: unknown[] = [];
    reviewer((r) => {
      try {
        channel.modify(r.id, { amount: "1800.00" });
      } catch (error) {
        refused.push(error);
        channel.reject(r.id, { comments: "lower it to 1800.00" });
      }
    });
    const { state } = await resolveInterruptions(await run(agent, "pay ACME"), {
      handler,
      policies,
    });
    await run(agent, state);
    expect(refused).toHaveLength(1);
    expect(ran).toEqual([]);
    expect(seen.call_1).toContain("lower it to 1800.00");
  });

  it("rejects, with the reason, a call whose request cannot be filed", async () => {
    const { model, seen } = scriptedModel(flagged);
    const policies = bankingPolicies();
    const { agent, ran } = bankingAgent(model, policies);
    const { handler, channel } = approvals();
    channel.shutdown();
    const { state, decisions } = await resolveInterruptions(await run(agent, "pay ACME"), {
      handler,
      policies,
    });
    expect(decisions[0]?.approved).toBe(false);
    await run(agent, state);
    expect(ran).toEqual([]);
    expect(seen.call_1).toContain("could not be filed");
  });

  it("asks about an interruption the policies do not flag (never approves unasked)", async () => {
    const { model } = scriptedModel(flagged);
    const { agent } = bankingAgent(model, bankingPolicies());
    const first = await run(agent, "pay ACME");
    const { handler, requests, reviewer, channel } = approvals();
    reviewer((r) => channel.reject(r.id));
    const lenient = definePolicies({ transfer_funds: false });
    const { decisions } = await resolveInterruptions(first, { handler, policies: lenient });
    expect(requests).toHaveLength(1);
    expect(decisions[0]?.approved).toBe(false);
  });

  it("an aborted wait withdraws the request and records nothing", async () => {
    const { model } = scriptedModel(flagged);
    const policies = bankingPolicies();
    const { agent } = bankingAgent(model, policies);
    const first = await run(agent, "pay ACME");
    const { handler, requests, reviewer, channel } = approvals();
    const controller = new AbortController();
    reviewer(() => controller.abort(new Error("shutting down")));
    const outcome = resolveInterruptions(first, {
      handler,
      policies,
      signal: controller.signal,
    }).catch((error: unknown) => error);
    expect(await outcome).toBeInstanceOf(Error);
    expect((await channel.getRecord(requests[0]!.id))?.decision?.status).toBe("cancelled");
  });

  it("needsApprovalFrom flags a call whose policy throws", async () => {
    const policies = definePolicies({
      transfer_funds: {
        when: () => {
          throw new Error("boom");
        },
      },
    });
    const needs = needsApprovalFrom(policies, { name: "transfer_funds" });
    expect(typeof needs).toBe("function");
    if (typeof needs !== "function") return;
    expect(await needs({}, { amount: "1.00", to: "ACME" }, "call_1")).toBe(true);
    // Plain entries become plain booleans (the SDK then skips its per-call check).
    expect(needsApprovalFrom(false, { name: "get_balance" })).toBe(false);
    expect(needsApprovalFrom(true, { name: "delete_account" })).toBe(true);
  });
});
