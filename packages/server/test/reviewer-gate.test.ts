/**
 * The reviewer gate is the one rights check, and a decision reads the action from the store
 * once (the gate checks rights on the read `ActionService.decide` makes). The store here
 * counts its reads.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ActionStore, Inbox } from "../src/index.js";
import { createMemoryStore } from "../src/index.js";
import { AGENT_B_KEY, call, decideAs, file, requestBody } from "./helpers.js";
import {
  ALICE_API_TOKEN,
  BOB_API_TOKEN,
  Browser,
  PASSWORDS,
  startReviewerInbox,
} from "./ui-helpers.js";

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

/** A memory store that counts `get` calls. */
function countingStore(): { store: ActionStore; reads: () => number } {
  const inner = createMemoryStore();
  let reads = 0;
  const store: ActionStore = {
    ...inner,
    get: (id) => {
      reads += 1;
      return inner.get(id);
    },
  };
  return { store, reads: () => reads };
}

async function started() {
  const counting = countingStore();
  const s = await startReviewerInbox({}, { store: counting.store });
  inbox = s.inbox;
  return { ...s, reads: counting.reads };
}

describe("reviewer gate", () => {
  it("an API decision reads the action once, rights included", async () => {
    const { url, reads } = await started();
    const body = requestBody(undefined, { agent_id: "other_bot" });
    expect((await file(url, body, AGENT_B_KEY)).status).toBe(201);
    const before = reads();
    const decided = await decideAs(url, body.id, { type: "approve" }, BOB_API_TOKEN);
    expect(decided).toMatchObject({ status: 200, body: { status: "approved" } });
    expect(reads() - before).toBe(1);
  });

  it("answers an action the reviewer may not see exactly like a missing one (404), on every path", async () => {
    const { url, root, inbox: running } = await started();
    const body = requestBody();
    expect((await file(url, body)).status).toBe(201);
    const approve = { type: "approve" };
    const same = (a: string, b: string) =>
      expect(a.replaceAll(body.id, "ID")).toBe(b.replaceAll("act_missing", "ID"));
    // bob may review only the other agent's actions
    for (const path of ["", "/decision"]) {
      const init = path ? { token: BOB_API_TOKEN, body: approve } : { token: BOB_API_TOKEN };
      const unseen = await call(url, `/actions/${body.id}${path}`, init);
      const missing = await call(url, `/actions/act_missing${path}`, init);
      expect(unseen).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
      expect(missing.status).toBe(404);
      same(JSON.stringify(unseen.body), JSON.stringify(missing.body));
    }
    const listed = await call(url, "/actions", { token: BOB_API_TOKEN });
    expect(listed.body.actions.map((a: { id: string }) => a.id)).not.toContain(body.id);
    const browser = new Browser(root);
    await browser.signIn("bob", PASSWORDS.bob);
    const csrf = await browser.csrf();
    for (const [a, b] of [
      [() => browser.fetch(`/review/${body.id}`), () => browser.fetch("/review/act_missing")],
      [
        () => browser.decide(body.id, approve, csrf),
        () => browser.decide("act_missing", approve, csrf),
      ],
    ] as const) {
      const unseen = await a();
      const missing = await b();
      expect([unseen.status, missing.status]).toEqual([404, 404]);
      same(await unseen.text(), await missing.text());
    }
    expect((await running.store.get(body.id))?.record.status).toBe("pending");
    // alice (all agents) may
    const alice = await decideAs(url, body.id, approve, ALICE_API_TOKEN);
    expect(alice).toMatchObject({ status: 200, body: { decision: { reviewer: "alice" } } });
  });
});
