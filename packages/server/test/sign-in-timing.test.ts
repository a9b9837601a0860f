/**
 * Sign-in takes as long for an unknown name as for a known one: the unknown name is compared
 * against a dummy hash of the accounts' highest bcrypt cost (asserted by the hashes compared,
 * not by timing them); weak bcrypt costs are reported at start.
 */
import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createInbox, type Inbox } from "../src/index.js";
import { AGENT, AGENT_KEY } from "./helpers.js";
import { Browser, startReviewerInbox, testAccounts, UI_SECRET } from "./ui-helpers.js";

let inbox: Inbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

describe("sign-in timing", () => {
  it("an unknown name costs the same bcrypt work as a known one (the slowest account's cost)", async () => {
    // The time of a sign-in is the bcrypt comparison's: which hash is compared, at which cost,
    // says that an unknown name takes as long as a known one without timing it.
    const accounts = testAccounts().map((a) =>
      a.name === "alice" ? { ...a, passwordHash: bcrypt.hashSync("alice-pw-1", 6) } : a,
    );
    expect(accounts.map((a) => bcrypt.getRounds(a.passwordHash as string))).toEqual([6, 4, 4]);
    const compare = vi.spyOn(bcrypt, "compare"); // still compares: it records the hashes
    let compared: string[];
    try {
      const started = await startReviewerInbox({ accounts });
      inbox = started.inbox;
      const b = new Browser(started.root);
      expect((await b.signIn("alice", "wrong-1")).status).toBe(401);
      expect((await b.signIn("nobody-here", "wrong-2")).status).toBe(401);
      expect((await b.signIn("bob", "wrong-3")).status).toBe(401);
      compared = compare.mock.calls.map((args) => String(args[1]));
    } finally {
      compare.mockRestore();
    }
    const [known, unknown, cheap] = compared.map((hash) => bcrypt.getRounds(hash));
    expect(compared).toHaveLength(3);
    expect(compared[0]).toBe(accounts[0]?.passwordHash);
    expect(known).toBe(6);
    expect(unknown).toBe(6); // the dummy hash: as slow as the slowest account, not a cheap one
    expect(cheap).toBe(4);
    expect(compared[1]).not.toBe(compared[0]);
  });

  it("warns at start about bcrypt costs below 10", () => {
    const warnings: string[] = [];
    inbox = createInbox({
      store: "memory",
      apiKeys: { [AGENT_KEY]: AGENT },
      reviewers: { accounts: testAccounts(), secret: UI_SECRET },
      onError: () => {},
      onWarning: (m) => warnings.push(m),
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/bcrypt cost below 10 for alice \(cost 4\), bob \(cost 4\)/);
  });
});
