import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isSafeguardsError } from "@safeguards/core";
import { describe, expect, it } from "vitest";
import { loadReviewerAccounts, type ReviewerAccount } from "../src/auth/reviewer-account.js";
import { createReviewerDirectory } from "../src/auth/reviewer-directory.js";
import type { StoredRecord } from "../src/store/action-store.js";

/** An account with `extra` (hostile values included, so typed loosely). */
const account = (extra: object) =>
  ({ name: "alice", token: "t".repeat(16), agents: "*", ...extra }) as ReviewerAccount;

describe("reviewer accounts: groups", () => {
  it("reads groups from code and from the accounts file (as the CLI does)", () => {
    expect(
      loadReviewerAccounts([account({ groups: ["finance", "cfo.office"] })])[0]?.groups,
    ).toEqual(["finance", "cfo.office"]);
    const path = join(mkdtempSync(join(tmpdir(), "sg-reviewers-")), "reviewers.json");
    writeFileSync(path, JSON.stringify({ reviewers: [account({ groups: ["finance"] })] }));
    expect(loadReviewerAccounts(path)[0]?.groups).toEqual(["finance"]);
  });

  it.each([
    ["a group with a space", { groups: ["fin ance"] }],
    ["an empty group", { groups: [""] }],
    ["a group:prefixed group", { groups: ["group:finance"] }],
    ["a repeated group", { groups: ["finance", "finance"] }],
    ["groups that are not a list", { groups: "finance" }],
    ["a name with a colon", { name: "group:finance" }],
    ["a name with a NUL", { name: "alice\u0000" }],
    ["a name with a bidi override", { name: "ali\u202ece" }],
  ])("refuses %s with InvalidConfigError", (_what, extra) => {
    let thrown: unknown;
    try {
      loadReviewerAccounts([account(extra)]);
    } catch (error) {
      thrown = error;
    }
    expect(isSafeguardsError(thrown, "SAFEGUARDS_INVALID_CONFIG")).toBe(true);
  });

  it("answers the reviewers of an action: rights and assignees (by name or group)", () => {
    const directory = createReviewerDirectory(
      loadReviewerAccounts([
        account({ name: "alice", token: "a".repeat(16), groups: ["finance"] }),
        account({ name: "bob", token: "b".repeat(16), groups: ["sales"] }),
        account({ name: "carol", token: "c".repeat(16), groups: ["cfo"] }),
        account({ name: "erin", token: "e".repeat(16), groups: ["finance"], agents: ["other"] }),
      ]),
    );
    const record = {
      agent_id: "bot",
      action: { name: "pay", args: {} },
      assignees: ["group:finance", "bob"],
    } as unknown as StoredRecord;
    const names = (list: { name: string }[]) => list.map((a) => a.name);
    expect(names(directory.reviewersOf(record))).toEqual(["alice", "bob"]); // erin: no rights
    expect(names(directory.reviewersOf(record, ["group:cfo"]))).toEqual(["carol"]);
    expect(names(directory.reviewersOf({ ...record, assignees: null }))).toEqual([
      "alice",
      "bob",
      "carol",
    ]);
  });
});
