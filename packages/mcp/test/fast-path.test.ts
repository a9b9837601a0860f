/**
 * The fast path with SDK clients over Streamable HTTP and the real payments upstream: an
 * un-flagged call to a listed tool reaches the upstream under the gateway's own id
 * (`safeguards-fast-<n>`) and comes back exactly as a direct call, progress included; ids of
 * two sessions never mix; cancellation, a timeout and a dying upstream end the call with
 * nothing left hanging; a flagged call never takes it.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ProgressNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { createManualClock, definePolicies } from "@safeguards/core";
import { approvals, deferCleanup, eventually } from "@safeguards/test-support";
import { describe, expect, it } from "vitest";
import { httpGateway } from "./support/gateway-fixture.js";
import { echoed } from "./support/raw-session.js";

const defer = deferCleanup();
const echo = { name: "echo_request", arguments: {} };
const FAST_ID = /^safeguards-fast-\d+$/;

/** A gateway whose catalog is read, so the next un-flagged call takes the fast path. */
async function warmGateway(options: Partial<Parameters<typeof httpGateway>[1]> = {}) {
  const { handler, requests, reviewer, channel } = approvals();
  const fixture = await httpGateway(defer, { handler, ...options });
  await eventually(async () =>
    FAST_ID.test(String(echoed(await fixture.client.callTool(echo)).id)),
  );
  return { ...fixture, requests, reviewer, channel };
}

async function secondClient(url: string): Promise<Client> {
  const client = new Client({ name: "second-client", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  defer(() => client.close());
  return client;
}

describe("the fast path", () => {
  it("relays an un-flagged call under the gateway's own id; result and progress are a direct call's", async () => {
    const { client, gateway, requests } = await warmGateway();
    const seen = echoed(await client.callTool(echo, undefined, { onprogress: () => {} }));
    expect(seen.id).toMatch(FAST_ID);
    expect(typeof seen.meta?.progressToken).toBe("string"); // the gateway's, not the client's
    expect(seen.meta?.progressToken).toBe(seen.id);

    const progress: unknown[] = [];
    client.setNotificationHandler(ProgressNotificationSchema, (n) => {
      progress.push(n.params);
    });
    const balance = await client.callTool({ name: "get_balance", arguments: {} }, undefined, {
      onprogress: () => {},
    });
    expect(balance).toEqual(await gateway.upstream.callTool({ name: "get_balance" }));
    const token = (progress[0] as { progressToken: unknown }).progressToken;
    expect(typeof token).toBe("number"); // the client's own token came back
    expect(progress).toEqual([
      { progressToken: token, progress: 1, total: 2, message: "step 1" },
      { progressToken: token, progress: 2, total: 2, message: "step 2" },
    ]);
    const failing = { name: "refund", arguments: { id: "r1" } };
    expect(await client.callTool(failing)).toEqual(await gateway.upstream.callTool(failing));
    expect(requests).toEqual([]);
  });

  it("two sessions with the same request ids each get their own answers", async () => {
    const { client, url, transfers } = await warmGateway();
    const other = await secondClient(url);
    const calls = [1, 2, 3, 4, 5].flatMap((n) => [
      client.callTool({ name: "transfer_funds", arguments: { amount: `${n}.00`, to: "A" } }),
      other.callTool({ name: "transfer_funds", arguments: { amount: `${n}.50`, to: "B" } }),
    ]);
    const texts = (await Promise.all(calls)).map((r) => (r.content as { text: string }[])[0]?.text);
    expect(texts).toEqual(
      [1, 2, 3, 4, 5].flatMap((n) => [`Transferred ${n}.00 to A`, `Transferred ${n}.50 to B`]),
    );
    expect(transfers()).toHaveLength(10);
    const ids = [echoed(await client.callTool(echo)).id, echoed(await other.callTool(echo)).id];
    expect(new Set(ids).size).toBe(2);
  });

  it("a client's cancellation cancels the call upstream; another session cannot cancel it", async () => {
    const { client, url, transfers } = await warmGateway();
    const other = await secondClient(url);
    const abort = new AbortController();
    const waiting = client.callTool({ name: "wait_for_cancel", arguments: {} }, undefined, {
      signal: abort.signal,
    });
    await eventually(() => transfers().length === 1);
    const started = (transfers()[0] as { started: string }).started;
    expect(started).toMatch(FAST_ID);
    // The other session tries the upstream id and every small id: nothing of it reaches this call.
    for (const requestId of [started, 0, 1, 2, 3, 4, 5]) {
      await other.notification({
        method: "notifications/cancelled",
        params: { requestId, reason: "spoofed" },
      });
    }
    await other.callTool(echo);
    abort.abort("mine");
    await expect(waiting).rejects.toThrow();
    await eventually(() => transfers().length === 2);
    expect(transfers()[1]).toEqual({ cancelled: started, reason: "mine" });
    expect(echoed(await client.callTool(echo)).id).toMatch(FAST_ID); // the session goes on
  });

  it("a call that outlives upstreamTimeoutMs is answered with a timeout and cancelled upstream", async () => {
    const clock = createManualClock(Date.now());
    const { client, transfers } = await warmGateway({ clock, upstreamTimeoutMs: 30_000 });
    const waiting = client.callTool({ name: "wait_for_cancel", arguments: {} });
    await eventually(() => transfers().length === 1);
    clock.advance(30_000);
    await expect(waiting).rejects.toThrow(/Request timed out/);
    await eventually(() => transfers().length === 2);
    expect(transfers()[1]).toMatchObject({ reason: "Request timed out" });
  });

  it("an upstream that dies mid-call: the client gets an error, later calls fail, nothing hangs", async () => {
    const { client } = await warmGateway();
    await expect(client.callTool({ name: "crash", arguments: {} })).rejects.toThrow(/closed/i);
    await expect(client.callTool({ name: "get_balance", arguments: {} })).rejects.toThrow();
  });

  it("a call the policy flags never takes it: it waits for a human, then runs on the SDK's path", async () => {
    const { client, requests, reviewer, channel } = await warmGateway();
    reviewer((request) => channel.approve(request.id));
    const risky = await client.callTool({ name: "echo_request", arguments: { risky: true } });
    expect(requests.map((r) => r.title)).toEqual(["Risky echo"]);
    expect(typeof echoed(risky).id).toBe("number"); // the SDK client's id, not the fast path's
    const plain = await client.callTool({ name: "echo_request", arguments: { risky: false } });
    expect(echoed(plain).id).toMatch(FAST_ID);
    expect(requests).toHaveLength(1);
  });

  it("a policy runs once per call, whichever path the call takes", async () => {
    let sync = 0;
    let later = 0;
    const policies = definePolicies(
      {
        echo_request: {
          when: ({ args }) => {
            sync += 1;
            return args.risky === true;
          },
        },
        transfer_funds: {
          when: async () => {
            later += 1;
            return false;
          },
        },
      },
      { default: false },
    );
    const { client, requests, reviewer, channel } = await warmGateway({ policies });
    reviewer((request) => channel.approve(request.id));
    const before = sync;
    await client.callTool({ name: "echo_request", arguments: { risky: true } });
    await client.callTool({ name: "echo_request", arguments: { risky: false } });
    expect(sync - before).toBe(2);
    expect(requests).toHaveLength(1);
    await client.callTool({ name: "transfer_funds", arguments: { amount: "1.00", to: "A" } });
    await client.callTool({ name: "transfer_funds", arguments: { amount: "2.00", to: "A" } });
    expect(later).toBe(2);
  });

  it("a client that disconnects has its fast-path calls cancelled upstream", async () => {
    const { url, transfers } = await warmGateway();
    const client = new Client({ name: "leaving-client", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(url));
    await client.connect(transport);
    await eventually(async () => FAST_ID.test(String(echoed(await client.callTool(echo)).id)));
    client.callTool({ name: "wait_for_cancel", arguments: {} }).catch(() => undefined);
    await eventually(() => transfers().length === 1);
    await transport.terminateSession(); // DELETE: the gateway closes the session
    await client.close();
    await eventually(() => transfers().length === 2);
    expect(transfers()[1]).toMatchObject({ reason: "the client closed the connection" });
  });

  it("fastPath: false sends every call on the SDK's path", async () => {
    const { handler } = approvals();
    const { client } = await httpGateway(defer, { handler, fastPath: false });
    for (let i = 0; i < 3; i++)
      expect(typeof echoed(await client.callTool(echo)).id).toBe("number");
  });
});
