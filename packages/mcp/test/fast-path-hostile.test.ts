/**
 * A client that crafts raw JSON-RPC to reach a flagged tool through the fast path: duplicate
 * keys, `__proto__`, odd casing, extra params, spoofed ids. What the gateway evaluated is
 * what the upstream gets; anything doubtful takes the SDK's path (where the policy holds it
 * or the SDK refuses it); nothing flagged runs without a human.
 */
import { approvals, deferCleanup, eventually } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { httpGateway } from "./support/gateway-fixture.js";
import { echoed, rawSession } from "./support/raw-session.js";

const defer = deferCleanup();
const FAST_ID = /^safeguards-fast-\d+$/;
// Answers on the SDK's path show the upstream a number id, never "safeguards-fast-<n>".

/** A gateway (catalog read) whose reviewer rejects everything, and a raw session on it. */
async function hostileClient() {
  const { handler, requests, reviewer, channel } = approvals();
  reviewer((request) => channel.reject(request.id, { comments: "no" }));
  const fixture = await httpGateway(defer, { handler });
  const raw = await rawSession(fixture.gateway);
  defer(() => raw.close());
  let n = 0;
  await eventually(async () => {
    n += 1;
    return FAST_ID.test(String(echoed(await raw.call(`warm-${n}`, '{"name":"echo_request"}')).id));
  });
  return { ...fixture, raw, requests };
}

describe("a hostile client and the fast path", () => {
  it("duplicate keys: the last one counts, for the policy and for the upstream alike", async () => {
    const { raw, requests, transfers } = await hostileClient();
    const flagged = await raw.call(
      1,
      '{"name":"echo_request","name":"transfer_funds","arguments":{"amount":"5000.00","to":"M"}}',
    );
    expect(flagged.result?.isError).toBe(true);
    expect(requests.map((r) => r.action?.name)).toEqual(["transfer_funds"]);
    const hidden = await raw.call(
      2,
      '{"name":"transfer_funds","arguments":{"amount":"10.00","to":"M","amount":"5000.00"}}',
    );
    expect(hidden.result?.isError).toBe(true);
    expect(requests).toHaveLength(2);
    const small = await raw.call(
      3,
      '{"name":"transfer_funds","arguments":{"amount":"5000.00","to":"M","amount":"10.00"}}',
    );
    expect(small.result?.isError).toBeUndefined();
    expect(transfers()).toEqual([{ amount: "10.00", to: "M" }]); // exactly what was evaluated
    const swapped = await raw.call(4, '{"name":"transfer_funds","name":"echo_request"}');
    expect(echoed(swapped).id).toMatch(FAST_ID);
  });

  it("__proto__ keys, odd casing and unknown params never take the fast path", async () => {
    const { raw, requests, transfers } = await hostileClient();
    const proto = await raw.call(
      1,
      '{"name":"echo_request","arguments":{"__proto__":{"risky":true}}}',
    );
    expect(typeof echoed(proto).id).toBe("number"); // the SDK's path
    const protoTransfer = await raw.call(
      2,
      '{"name":"transfer_funds","arguments":{"to":"M","__proto__":{"amount":"5000.00"}}}',
    );
    expect(protoTransfer.result?.isError ?? protoTransfer.error).toBeTruthy();
    const cased = await raw.call(
      3,
      '{"name":"Transfer_Funds","arguments":{"amount":"5000.00","to":"M"}}',
    );
    expect(cased.result?.isError).toBe(true); // flagged by default, and not a listed tool
    raw.send('{"jsonrpc":"2.0","id":4,"method":"Tools/call","params":{"name":"get_balance"}}');
    expect((await raw.answer(4)).error?.code).toBe(-32601);
    const task = await raw.call(5, '{"name":"echo_request","task":{"ttl":1000}}');
    expect(JSON.stringify(task)).not.toContain("safeguards-fast-");
    const big = await raw.call(6, '{"name":"echo_request","arguments":{"risky":1e999}}');
    expect(JSON.stringify(big)).not.toContain("safeguards-fast-");
    expect(transfers()).toEqual([]);
    expect(requests.every((r) => r.action?.name !== "get_balance")).toBe(true);
  });

  it("ids a client picks cannot reach another call: its own id is mapped, a spoofed one is its own", async () => {
    const { raw, client, transfers } = await hostileClient();
    const abort = new AbortController();
    const waiting = client.callTool({ name: "wait_for_cancel", arguments: {} }, undefined, {
      signal: abort.signal,
    });
    await eventually(() => transfers().length === 1);
    const upstreamId = (transfers()[0] as { started: string }).started;
    // The raw client uses the upstream's id for a call of its own, then cancels that id.
    const mine = await raw.call(upstreamId, '{"name":"echo_request"}');
    expect(mine.id).toBe(upstreamId);
    expect(echoed(mine).id).not.toBe(upstreamId);
    raw.send(
      JSON.stringify({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId: upstreamId, reason: "spoofed" },
      }),
    );
    expect(echoed(await raw.call("after", '{"name":"echo_request"}')).id).toMatch(FAST_ID);
    expect(transfers()).toHaveLength(1); // the other session's call was not cancelled
    abort.abort("mine");
    await expect(waiting).rejects.toThrow();
    await eventually(() => transfers().length === 2);
    expect(transfers()[1]).toEqual({ cancelled: upstreamId, reason: "mine" });
  });

  it("two in-flight calls with one id: the second takes the SDK's path, both are answered", async () => {
    const { raw } = await hostileClient();
    raw.send('{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo_request"}}');
    raw.send('{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo_request"}}');
    await eventually(() => raw.received.filter((m) => m.id === 7).length === 2);
    const ids = raw.received.filter((m) => m.id === 7).map((m) => echoed(m).id);
    expect(ids.filter((id) => FAST_ID.test(String(id)))).toHaveLength(1);
    expect(ids.filter((id) => typeof id === "number")).toHaveLength(1);
  });
});
